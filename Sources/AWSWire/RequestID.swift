import Foundation

/// Request ids as AWS writes them in `x-amzn-RequestId` and `<RequestId>`.
public enum RequestID {
    /// A new random id: a lowercase UUID such as `4f90b35e-c583-4c6e-bccb-9956291dd896`.
    public static func make() -> String {
        UUID().uuidString.lowercased()
    }
}
