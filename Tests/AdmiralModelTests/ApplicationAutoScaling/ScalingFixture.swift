import AdmiralModel
import Foundation

/// Helpers shared by the Application Auto Scaling rule tests.
enum ScalingFixture {
    /// The instant an ISO 8601 timestamp names; the distant past when it is malformed, so a typo fails the test.
    static func instant(_ text: String) -> Date {
        ISO8601DateFormatter().date(from: text) ?? .distantPast
    }

    /// The message of the ``ScalingRuleError`` `body` throws, or `nil` when it throws none. Any other error
    /// is returned as its description, so that it fails the comparison it is checked with.
    static func message(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let error as ScalingRuleError {
            return error.message
        } catch {
            return "unexpected \(error)"
        }
    }
}
