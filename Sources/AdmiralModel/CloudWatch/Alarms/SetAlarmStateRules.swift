import Foundation

/// The checks CloudWatch's `SetAlarmState` makes on the reason it is given.
public enum SetAlarmStateRules {
    /// A reason CloudWatch refuses, with the error code it answers (`ValidationError` or `InvalidFormat`,
    /// both HTTP 400) and the message.
    public struct Violation: Error, Sendable, Equatable {
        /// The AWS error code.
        public var code: String
        /// The message.
        public var message: String

        /// Creates a violation.
        public init(code: String, message: String) {
            self.code = code
            self.message = message
        }
    }

    /// The longest `StateReason`, in UTF-16 code units (botocore: `StateReason` max 1023).
    public static let maxStateReasonLength = 1023
    /// The longest `StateReasonData`, in UTF-16 code units (botocore: `StateReasonData` max 4000).
    public static let maxStateReasonDataLength = 4000

    /// The violation of `stateReason`, if any.
    public static func stateReasonViolation(_ stateReason: String) -> Violation? {
        guard stateReason.utf16.count > maxStateReasonLength else { return nil }
        return tooLong(stateReason, member: "stateReason", limit: maxStateReasonLength)
    }

    /// The violation of `stateReasonData`, if any: longer than 4000 characters (`ValidationError`), or not
    /// syntactically valid JSON (`InvalidFormat`, "Data was not syntactically valid JSON"). An absent or
    /// empty value is accepted.
    public static func stateReasonDataViolation(_ stateReasonData: String?) -> Violation? {
        guard let data = stateReasonData, !data.isEmpty else { return nil }
        if data.utf16.count > maxStateReasonDataLength {
            return tooLong(data, member: "stateReasonData", limit: maxStateReasonDataLength)
        }
        guard (try? JSONSerialization.jsonObject(with: Data(data.utf8), options: [.fragmentsAllowed])) != nil else {
            return Violation(code: "InvalidFormat", message: "Data was not syntactically valid JSON")
        }
        return nil
    }

    private static func tooLong(_ value: String, member: String, limit: Int) -> Violation {
        Violation(
            code: "ValidationError",
            message: "1 validation error detected: Value '\(value)' at '\(member)' failed to satisfy constraint: "
                + "Member must have length less than or equal to \(limit)")
    }
}
