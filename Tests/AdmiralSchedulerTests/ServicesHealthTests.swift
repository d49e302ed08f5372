import AdmiralModel
import AdmiralScheduler
import Foundation
import Testing

/// Task health: the 40-second settling time, health checks, the grace period, and the
/// replacement of unhealthy tasks.
@Suite("Service reconciler: task health")
struct ServicesHealthTests {
    typealias Sim = ServiceSimulation

    static func task(
        _ status: ServiceTask.Status = .running, started: TimeInterval = -10,
        container: ServiceTask.ContainerHealth = .unknown, target: ServiceTask.TargetHealth = .none
    ) -> ServiceTask {
        ServiceTask(
            taskArn: "arn:aws:ecs:us-east-1:000000000000:task/default/0000000000000000000000000000000a",
            deploymentId: Sim.oldId, containerInstanceArn: "ci", lastStatus: status,
            startedAt: Sim.epoch.addingTimeInterval(started), containerHealth: container, targetHealth: target)
    }

    @Test("without health checks or load balancer a RUNNING task counts as healthy after 40 seconds")
    func settlingTime() {
        let plain = ServiceSpec(name: "web")
        #expect(TaskHealth.of(Self.task(started: -39), service: plain, now: Sim.epoch) == .starting)
        #expect(TaskHealth.of(Self.task(started: -40), service: plain, now: Sim.epoch) == .healthy)
        #expect(TaskHealth.of(Self.task(.pending, started: -100), service: plain, now: Sim.epoch) == .notRunning)
    }

    @Test("with checks a task is healthy when its containers and its targets say so")
    func checks() {
        let both = ServiceSpec(name: "web", targetGroupArns: ["tg"], hasContainerHealthChecks: true)
        let now = Sim.epoch
        #expect(TaskHealth.of(Self.task(container: .healthy, target: .healthy), service: both, now: now) == .healthy)
        #expect(TaskHealth.of(Self.task(container: .healthy, target: .initial), service: both, now: now) == .starting)
        #expect(TaskHealth.of(Self.task(container: .unknown, target: .healthy), service: both, now: now) == .starting)
        #expect(
            TaskHealth.of(Self.task(container: .unhealthy, target: .healthy), service: both, now: now) == .unhealthy)
        #expect(
            TaskHealth.of(Self.task(container: .healthy, target: .unhealthy), service: both, now: now) == .unhealthy)
        let lbOnly = ServiceSpec(name: "web", targetGroupArns: ["tg"])
        #expect(
            TaskHealth.of(Self.task(container: .unhealthy, target: .healthy), service: lbOnly, now: now) == .healthy)
    }

    @Test("failing checks within the grace period do not condemn a task; after it they do")
    func gracePeriod() {
        let service = ServiceSpec(name: "web", healthCheckGracePeriodSeconds: 60, hasContainerHealthChecks: true)
        #expect(
            TaskHealth.of(Self.task(started: -59, container: .unhealthy), service: service, now: Sim.epoch) == .starting
        )
        #expect(
            TaskHealth.of(Self.task(started: -60, container: .unhealthy), service: service, now: Sim.epoch)
                == .unhealthy)
    }

    @Test("an unhealthy task is replaced first, then stopped once its replacement is healthy")
    func replaceUnhealthyFirst() {
        let service = ServiceSpec(
            name: "web", desiredCount: 2, minimumHealthyPercent: 100, maximumPercent: 200,
            healthCheckGracePeriodSeconds: 60, hasContainerHealthChecks: true)
        var sim = Sim.steady(service, running: 2)
        let sick = sim.state.tasks[0].taskArn
        sim.state.tasks[0].startedAt = sim.now
        sim.state.tasks[0].containerHealth = .unhealthy

        let inGrace = sim.step()
        #expect(inGrace.isEmpty || (inGrace.startedCount == 0 && inGrace.stops.isEmpty))
        #expect(inGrace.revisitAt == sim.now.addingTimeInterval(60))

        sim.advance(60)
        let replace = sim.step()
        #expect(replace.startedCount == 1)
        #expect(replace.stops.isEmpty, "the replacement starts before the unhealthy task stops")
        sim.agentsConverge()
        #expect(sim.step().stops.isEmpty)
        sim.makeAllHealthy()
        sim.state.tasks[sim.state.tasks.firstIndex { $0.taskArn == sick } ?? 0].containerHealth = .unhealthy
        let retire = sim.step()
        #expect(retire.stops.map(\.taskArn) == [sick])
        #expect(retire.stops.first?.reason == "Task failed container health checks")
        #expect(
            retire.events.map(\.message).first
                == "(service web) (task \(ServiceSimulation.taskId(sick))) failed container health checks.")
    }

    @Test("when the maximum leaves no room, unhealthy tasks are stopped one by one")
    func unhealthyOneByOne() {
        let service = ServiceSpec(
            name: "web", desiredCount: 3, minimumHealthyPercent: 0, maximumPercent: 100,
            targetGroupArns: ["arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/abc"])
        var sim = Sim.steady(service, running: 3)
        for index in 0..<2 { sim.state.tasks[index].targetHealth = .unhealthy }
        let first = sim.step()
        #expect(first.stops.count == 1)
        #expect(
            first.stops.first?.reason
                == "Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/abc)"
        )
        #expect(first.startedCount == 0)
        #expect(sim.step().stops.isEmpty, "the next waits for the first to stop")
        sim.agentsConverge()
        let second = sim.step()
        #expect(second.startedCount == 1)
        #expect(second.stops.count == 1)
    }
}

extension ServiceSimulation {
    static func taskId(_ arn: String) -> String { String(arn.split(separator: "/").last ?? "") }
}
