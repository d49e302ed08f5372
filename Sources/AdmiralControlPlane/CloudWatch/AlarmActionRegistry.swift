import AdmiralModel
import Foundation
import Synchronization

/// What an alarm action is told when it is invoked.
public struct AlarmActionInvocation: Sendable {
    /// The action's ARN, as the alarm lists it.
    public var actionARN: String
    /// The alarm's name.
    public var alarmName: String
    /// The alarm's ARN.
    public var alarmARN: String
    /// The state the alarm is in.
    public var state: CloudWatch.StateValue
    /// Why it is in that state.
    public var reason: String
    /// The alarm's threshold (metric alarms).
    public var threshold: Double?
    /// The alarm's `StateReasonData`: the datapoints it evaluated (metric alarms).
    public var stateReasonData: String?
    /// When the action is invoked.
    public var now: Date

    /// Creates an invocation.
    public init(
        actionARN: String, alarmName: String, alarmARN: String, state: CloudWatch.StateValue, reason: String,
        threshold: Double? = nil, stateReasonData: String? = nil, now: Date
    ) {
        self.actionARN = actionARN
        self.alarmName = alarmName
        self.alarmARN = alarmARN
        self.state = state
        self.reason = reason
        self.threshold = threshold
        self.stateReasonData = stateReasonData
        self.now = now
    }

    /// The values the alarm last evaluated (`recentDatapoints` of its reason data).
    public var recentDatapoints: [Double] {
        guard let data = stateReasonData?.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let values = object["recentDatapoints"] as? [Any]
        else { return [] }
        return values.compactMap { ($0 as? NSNumber)?.doubleValue }
    }
}

/// A kind of alarm action: the ARNs it accepts and how it is carried out. The auto
/// scaling services register their scaling policies here.
public protocol AlarmActionHandler: Sendable {
    /// Whether `arn` names an action of this kind (PutMetricAlarm refuses ARNs that no
    /// handler accepts). Returns a message saying what is wrong with it otherwise, or nil
    /// when it belongs to another kind.
    func check(_ arn: String) -> AlarmActionCheck
    /// Whether, as CloudWatch does for Auto Scaling actions, the action is invoked again
    /// every minute while its alarm stays in ALARM.
    var repeatsWhileInAlarm: Bool { get }
    /// Carries out the action. A thrown error is recorded in the alarm's history.
    func invoke(_ invocation: AlarmActionInvocation) async throws
}

/// A handler's verdict on an action ARN.
public enum AlarmActionCheck: Sendable, Equatable {
    /// The handler carries out this ARN.
    case accepted
    /// The ARN is of the handler's kind but wrong; the message says why.
    case rejected(String)
    /// The ARN is of another kind.
    case notMine
}

/// The alarm actions Admiral can carry out, looked up by ARN.
public final class AlarmActionRegistry: Sendable {
    let handlers = Mutex<[any AlarmActionHandler]>([])

    /// Creates an empty registry.
    public init() {}

    /// Adds a kind of action.
    public func register(_ handler: any AlarmActionHandler) {
        handlers.withLock { $0.append(handler) }
    }

    /// The handler that carries out `arn`, or the reason it is refused.
    public func handler(for arn: String) -> Result<any AlarmActionHandler, AdmiralError> {
        let all = handlers.withLock { $0 }
        for handler in all {
            switch handler.check(arn) {
            case .accepted: return .success(handler)
            case .rejected(let message): return .failure(.invalidValue(message))
            case .notMine: continue
            }
        }
        return .failure(
            .invalidValue(
                "Invalid action ARN \(arn): Admiral carries out "
                    + (all.isEmpty
                        ? "no alarm actions yet; create the alarm without actions."
                        : "Application Auto Scaling and Auto Scaling policy actions only.")))
    }
}
