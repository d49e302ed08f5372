import AdmiralModel
import AdmiralStore
import Foundation
import Logging
import Synchronization
import Testing

@testable import AdmiralControlPlane

/// A fake scaling-policy action for tests: accepts `arn:aws:autoscaling:` ARNs, records
/// each invocation and fails when told to.
final class FakeScalingAction: AlarmActionHandler {
    let invocations = Mutex<[AlarmActionInvocation]>([])
    let failing = Mutex(false)
    let repeatsWhileInAlarm = true

    func check(_ arn: String) -> AlarmActionCheck {
        guard arn.hasPrefix("arn:aws:autoscaling:") else { return .notMine }
        return arn.contains(":scalingPolicy:") ? .accepted : .rejected("\(arn) names no scaling policy.")
    }

    func invoke(_ invocation: AlarmActionInvocation) async throws {
        invocations.withLock { $0.append(invocation) }
        if failing.withLock({ $0 }) {
            throw AdmiralError(.server, "the policy's target is gone")
        }
    }

    var count: Int { invocations.withLock { $0.count } }
}

@Suite("Alarm evaluation, actions and their history")
struct AlarmActionTests {
    static let policy =
        "arn:aws:autoscaling:us-east-1:000000000000:scalingPolicy:abc:autoScalingGroupName/web:policyName/up"
    let names = ECSNames(region: "us-east-1", accountId: "000000000000")
    let context = RequestContext(
        names: ECSNames(region: "us-east-1", accountId: "000000000000"),
        principalARN: "arn:aws:iam::000000000000:user/t")
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func service(_ action: FakeScalingAction) throws -> CloudWatchService {
        let registry = AlarmActionRegistry()
        registry.register(action)
        return CloudWatchService(store: try SQLiteMetricStore.inMemory(), actions: registry)
    }

    func putAlarm(_ cloudWatch: CloudWatchService, actionsEnabled: Bool = true) async throws {
        _ = try await cloudWatch.putMetricAlarm(
            CloudWatch.PutMetricAlarmInput(
                alarmName: "busy", actionsEnabled: actionsEnabled, alarmActions: [Self.policy], metricName: "Cpu",
                namespace: "App", statistic: .average, period: 60, evaluationPeriods: 1, threshold: 50,
                comparisonOperator: .greaterThanThreshold),
            context: RequestContext(names: names, principalARN: context.principalARN, now: start))
    }

    func publish(_ cloudWatch: CloudWatchService, _ value: Double, at date: Date) async throws {
        _ = try await cloudWatch.putMetricData(
            CloudWatch.PutMetricDataInput(
                namespace: "App", metricData: [CloudWatch.MetricDatum(metricName: "Cpu", timestamp: date, value: value)]
            ),
            context: RequestContext(names: names, principalARN: context.principalARN, now: date))
    }

    func state(_ cloudWatch: CloudWatchService) async throws -> CloudWatch.StateValue? {
        try await cloudWatch.store.alarms(named: ["busy"]).first?.state
    }

    @Test("an action ARN that no registered kind accepts is refused and stores nothing")
    func unknownActionRefused() async throws {
        let cloudWatch = try service(FakeScalingAction())
        await #expect(throws: AdmiralError.self) {
            _ = try await cloudWatch.putMetricAlarm(
                CloudWatch.PutMetricAlarmInput(
                    alarmName: "x", alarmActions: ["arn:aws:sns:us-east-1:000000000000:pager"], metricName: "Cpu",
                    namespace: "App", statistic: .average, period: 60, evaluationPeriods: 1, threshold: 1,
                    comparisonOperator: .greaterThanThreshold),
                context: context)
        }
        await #expect(throws: AdmiralError.self) {
            _ = try await cloudWatch.putMetricAlarm(
                CloudWatch.PutMetricAlarmInput(
                    alarmName: "x", alarmActions: ["arn:aws:autoscaling:us-east-1:000000000000:nothing"],
                    metricName: "Cpu", namespace: "App", statistic: .average, period: 60, evaluationPeriods: 1,
                    threshold: 1, comparisonOperator: .greaterThanThreshold),
                context: context)
        }
        #expect(try await cloudWatch.store.alarms().isEmpty)
    }

    @Test("a breaching period fires the alarm and its action, which repeats every minute while in ALARM")
    func firesAndRepeats() async throws {
        let action = FakeScalingAction()
        let cloudWatch = try service(action)
        try await putAlarm(cloudWatch)
        let controller = AlarmController(cloudWatch: cloudWatch, names: names, logger: Logger(label: "test"))
        var passState = AlarmController.PassState()
        try await publish(cloudWatch, 90, at: start.addingTimeInterval(5))
        try await controller.pass(&passState, now: start.addingTimeInterval(61))
        #expect(try await state(cloudWatch) == .alarm)
        #expect(action.count == 1)
        #expect(action.invocations.withLock { $0.first?.state } == .alarm)
        // Within the minute: no repeat.
        try await controller.pass(&passState, now: start.addingTimeInterval(90))
        #expect(action.count == 1)
        // Still breaching a minute later: invoked again.
        try await publish(cloudWatch, 95, at: start.addingTimeInterval(65))
        try await controller.pass(&passState, now: start.addingTimeInterval(122))
        #expect(try await state(cloudWatch) == .alarm)
        #expect(action.count == 2)
        let history = try await cloudWatch.store.history(
            alarmName: "busy", type: "Action", from: nil, to: nil, ascending: true, after: nil, limit: 10)
        #expect(history.items.count == 2)
        #expect(history.items.allSatisfy { $0.item.historySummary == "Successfully executed action \(Self.policy)" })
    }

    @Test("a failed action is recorded in the alarm's history; disabled actions are not invoked")
    func failuresAndDisabled() async throws {
        let action = FakeScalingAction()
        action.failing.withLock { $0 = true }
        let cloudWatch = try service(action)
        try await putAlarm(cloudWatch)
        let controller = AlarmController(cloudWatch: cloudWatch, names: names, logger: Logger(label: "test"))
        var passState = AlarmController.PassState()
        try await publish(cloudWatch, 90, at: start.addingTimeInterval(5))
        try await controller.pass(&passState, now: start.addingTimeInterval(61))
        let failed = try await cloudWatch.store.history(
            alarmName: "busy", type: "Action", from: nil, to: nil, ascending: true, after: nil, limit: 10)
        #expect(failed.items.first?.item.historySummary?.hasPrefix("Failed to execute action \(Self.policy)") == true)

        let quiet = FakeScalingAction()
        let disabled = try service(quiet)
        try await putAlarm(disabled, actionsEnabled: false)
        var quietState = AlarmController.PassState()
        let quietController = AlarmController(cloudWatch: disabled, names: names, logger: Logger(label: "test"))
        try await publish(disabled, 90, at: start.addingTimeInterval(5))
        try await quietController.pass(&quietState, now: start.addingTimeInterval(61))
        #expect(try await state(disabled) == .alarm)
        #expect(quiet.count == 0)
    }

    @Test("a controller started over the same data makes no transition (a restart is not an event)")
    func restartIsQuiet() async throws {
        let action = FakeScalingAction()
        let cloudWatch = try service(action)
        try await putAlarm(cloudWatch)
        var passState = AlarmController.PassState()
        try await publish(cloudWatch, 90, at: start.addingTimeInterval(5))
        try await AlarmController(cloudWatch: cloudWatch, names: names, logger: Logger(label: "test"))
            .pass(&passState, now: start.addingTimeInterval(61))
        var fresh = AlarmController.PassState()
        try await AlarmController(cloudWatch: cloudWatch, names: names, logger: Logger(label: "test"))
            .pass(&fresh, now: start.addingTimeInterval(62))
        let updates = try await cloudWatch.store.history(
            alarmName: "busy", type: "StateUpdate", from: nil, to: nil, ascending: true, after: nil, limit: 10)
        #expect(updates.items.count == 1)
        #expect(action.count == 1)
    }
}
