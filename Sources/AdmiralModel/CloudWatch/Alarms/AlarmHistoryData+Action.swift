import Foundation

extension AlarmHistoryData {
    /// The outcome of one alarm action.
    public struct ActionOutcome: Sendable, Equatable {
        /// The ARN of the action (SNS topic, scaling policy, ...).
        public var actionArn: String
        /// When the state change that ran the action happened.
        public var stateUpdateTimestamp: Date
        /// The message published to the action, when there is one (SNS).
        public var publishedMessage: String?
        /// Why the action failed; `nil` when it succeeded.
        public var error: String?

        /// Creates an outcome.
        public init(
            actionArn: String, stateUpdateTimestamp: Date, publishedMessage: String? = nil, error: String? = nil
        ) {
            self.actionArn = actionArn
            self.stateUpdateTimestamp = stateUpdateTimestamp
            self.publishedMessage = publishedMessage
            self.error = error
        }

        /// Whether the action succeeded.
        public var succeeded: Bool { error == nil }
    }

    /// `Successfully executed action arn:...`, or `Failed to execute action arn:.... Received error: "..."`.
    public static func actionSummary(_ outcome: ActionOutcome) -> String {
        guard let error = outcome.error else { return "Successfully executed action \(outcome.actionArn)" }
        return "Failed to execute action \(outcome.actionArn). Received error: \"\(error)\""
    }

    /// The `HistoryData` of an `Action` item:
    /// `{"actionState":"Succeeded","stateUpdateTimestamp":1667756633496,"notificationResource":"arn:...",
    /// "publishedMessage":"...","error":null}` (`"actionState":"Failed"` and the error when it failed).
    public static func action(_ outcome: ActionOutcome) -> String {
        AlarmJSON.object([
            .init("actionState", .string(outcome.succeeded ? "Succeeded" : "Failed")),
            .init("stateUpdateTimestamp", .integer(AlarmFormat.epochMilliseconds(outcome.stateUpdateTimestamp))),
            .init("notificationResource", .string(outcome.actionArn)),
            .init("publishedMessage", outcome.publishedMessage.map(AlarmJSON.string) ?? .null),
            .init("error", outcome.error.map(AlarmJSON.string) ?? .null),
        ]).rendered
    }
}
