import AdmiralModel
import AdmiralScheduler
import Foundation
import Testing

/// Service events: ECS's wording, throttling, the log's size, the steady state.
@Suite("Service reconciler: events")
struct ServicesEventTests {
    typealias Sim = ServiceSimulation

    static let instance =
        "arn:aws:ecs:us-east-1:000000000000:container-instance/default/2dd1b186f39845a584488d2ef155c131"

    static func unable(_ reason: PlacementFailure.Reason) -> String {
        ServiceMessages.unableToPlace(
            service: "web", reason: reason, closestInstanceId: "2dd1b186f39845a584488d2ef155c131")
    }

    @Test("the unable-to-place event names the closest instance and what it lacks, in ECS's words")
    func unableToPlaceWording() {
        let prefix =
            "(service web) was unable to place a task because no container instance met all of its requirements."
        let suffix = "For more information, see the Troubleshooting section of the Amazon ECS Developer Guide."
        let closest = "The closest matching (container-instance 2dd1b186f39845a584488d2ef155c131)"
        #expect(Self.unable(.memory) == "\(prefix) \(closest) has insufficient memory available. \(suffix)")
        #expect(Self.unable(.cpu) == "\(prefix) \(closest) has insufficient CPU units available. \(suffix)")
        #expect(Self.unable(.ports) == "\(prefix) \(closest) is already using a port required by your task. \(suffix)")
        #expect(
            Self.unable(.attribute) == "\(prefix) \(closest) is missing an attribute required by your task. \(suffix)")
        #expect(Self.unable(.agent) == "\(prefix) \(closest) doesn't have the agent connected. \(suffix)")
        #expect(
            Self.unable(.memberOf)
                == "\(prefix) \(closest) encountered error \"MemberOf placement constraint unsatisfied.\" \(suffix)")
        #expect(
            ServiceMessages.unableToPlace(service: "web", reason: .noInstances, closestInstanceId: nil)
                == "\(prefix) Reason: No Container Instances were found in your cluster. \(suffix)")
    }

    @Test("the placement outcome reports started tasks by their 32-hex ids and the closest failing instance")
    func placementOutcome() {
        let sim = Sim.steady(ServiceSpec(name: "web", desiredCount: 2), running: 0)
        let start = StartTasks(deploymentId: Sim.oldId, taskDefinition: Sim.taskDefinitionV1, count: 3)
        let placement = PlacementPlan(
            placements: [Self.instance], unplacedCount: 2,
            failures: [
                PlacementFailure(
                    instanceId: "arn:aws:ecs:us-east-1:000000000000:container-instance/default/aaa", reason: .agent),
                PlacementFailure(instanceId: Self.instance, reason: .memory),
            ])
        let arns = [
            "arn:aws:ecs:us-east-1:000000000000:task/default/04dfb8c773cc47a1b0442dc1cabc497a"
        ]
        let outcome = ServiceReconciler.placementOutcome(
            sim.state, start: start, startedTaskArns: arns, placement: placement, now: sim.now)
        #expect(
            outcome.events.map(\.message) == [
                "(service web) has started 1 tasks: (task 04dfb8c773cc47a1b0442dc1cabc497a).",
                Self.unable(.memory),
            ])
        #expect(
            ServiceMessages.stoppedTasks(service: "web", taskIds: ["a1", "b2"])
                == "(service web) has stopped 2 running tasks: (task a1) (task b2).")
    }

    @Test("tasks behind a load balancer begin draining when stopped; the others are stopped at once")
    func drainingEvents() {
        var sim = Sim.steady(
            ServiceSpec(name: "web", desiredCount: 3, targetGroupArns: ["arn:tg"]), running: 3)
        for index in sim.state.tasks.indices { sim.state.tasks[index].targetHealth = .healthy }
        sim.state.tasks[2].targetHealth = .none
        sim.state.service.desiredCount = 0
        let plan = sim.step()
        #expect(plan.stops.count == 3)
        #expect(
            plan.events.map(\.message).prefix(2) == [
                "(service web) has begun draining connections on 2 tasks.",
                "(service web) has stopped 1 running tasks: (task \(ServiceSimulation.taskId(sim.state.tasks[2].taskArn))).",
            ])
        #expect(
            ServiceMessages.registeredTargets(service: "web", count: 2, targetGroup: "arn:tg")
                == "(service web) registered 2 targets in (target-group arn:tg)")
        #expect(
            ServiceMessages.deregisteredTargets(service: "web", count: 1, targetGroup: "arn:tg")
                == "(service web) deregistered 1 targets in (target-group arn:tg)")
    }

    @Test("a deployment whose old tasks are draining completes, and the service is steady, once they have stopped")
    func completesAfterDraining() {
        var sim = Sim.steady(ServiceSpec(name: "web", desiredCount: 2, targetGroupArns: ["arn:tg"]), running: 2)
        sim.deploy()
        for index in sim.state.tasks.indices {
            sim.state.tasks[index].desiredStatus = .stopped
            sim.state.tasks[index].lastStatus = .deactivating
            sim.state.tasks[index].stopCause = .scheduler
        }
        for _ in 0..<2 { sim.addTask(deployment: Sim.newId, status: .running, startedAt: sim.now.addingTimeInterval(-600)) }
        sim.makeAllHealthy()
        let draining = sim.step()
        #expect(draining.startedCount == 0 && draining.stops.isEmpty)
        #expect(!draining.events.map(\.message).contains("(service web) has reached a steady state."))
        #expect(sim.deployment(Sim.newId)?.rolloutState == .inProgress)
        for index in sim.state.tasks.indices where sim.state.tasks[index].deploymentId == Sim.oldId {
            sim.state.tasks[index].lastStatus = .stopped
        }
        let done = sim.step()
        #expect(
            done.events.map(\.message) == [
                "(service web) (deployment \(Sim.newId)) deployment completed.",
                "(service web) has reached a steady state.",
            ])
        #expect(sim.deployment(Sim.newId)?.rolloutState == .completed)
        #expect(sim.deployment(Sim.oldId)?.status == .inactive)
    }

    @Test("an identical message is held back for six hours, or until a steady state resolves it")
    func throttling() {
        var sim = Sim.steady(ServiceSpec(name: "web", desiredCount: 2), running: 0)
        let start = StartTasks(deploymentId: Sim.oldId, taskDefinition: Sim.taskDefinitionV1, count: 1)
        let closest = PlacementFailure(instanceId: Self.instance, reason: .memory)
        func attempt(_ sim: inout Sim) -> [String] {
            let plan = ServiceReconciler.placementOutcome(
                sim.state, start: start, startedTaskArns: [], unplacedCount: 1, closest: closest, now: sim.now)
            sim.perform(plan)
            return plan.events.map(\.message)
        }
        #expect(attempt(&sim) == [Self.unable(.memory)])
        sim.advance(60)
        #expect(attempt(&sim).isEmpty)
        sim.advance(ServiceEventLog.throttleWindow - 61)
        #expect(attempt(&sim).isEmpty)
        sim.advance(1)
        #expect(attempt(&sim) == [Self.unable(.memory)], "six hours later the cause is reported again")
        sim.state.events = ServiceEventLog.appending(
            [ServiceEvent(message: ServiceMessages.steadyState(service: "web"), createdAt: sim.now)],
            to: sim.state.events)
        sim.advance(1)
        #expect(attempt(&sim) == [Self.unable(.memory)], "a steady state in between resolved the cause")
        #expect(ServiceEventLog.throttleWindow == 6 * 3600)
    }

    @Test("the log keeps the 100 newest events, newest first")
    func logCapacity() {
        let events = (0..<150).map {
            ServiceEvent(message: "event \($0)", createdAt: Sim.epoch.addingTimeInterval(Double($0)))
        }
        let log = ServiceEventLog.appending(events, to: [])
        #expect(log.count == 100)
        #expect(log.first?.message == "event 149")
        #expect(log.last?.message == "event 50")
        var ids = 0
        let wire = ServiceEventLog.appending(Array(events.prefix(2)), to: []) {
            ids += 1
            return "id-\(ids)"
        }
        #expect(wire.map(\.message) == ["event 1", "event 0"])
        #expect(wire.first?.id == "id-1")
    }

    @Test("a converged service gives an empty plan, and repeats its steady state after six hours")
    func steadyStateRepeats() {
        var sim = Sim.steady(ServiceSpec(name: "web", desiredCount: 3), running: 3)
        let first = sim.step()
        #expect(first.events.map(\.message) == ["(service web) has reached a steady state."])
        #expect(first.revisitAt == sim.now.addingTimeInterval(ServiceEventLog.throttleWindow))
        let reached = sim.now
        sim.advance(3600)
        #expect(sim.step().isEmpty)
        sim.now = reached.addingTimeInterval(ServiceEventLog.throttleWindow)
        #expect(sim.step().events.map(\.message) == ["(service web) has reached a steady state."])
        #expect(sim.step().isEmpty)
    }

    @Test("deployment ids are ecs-svc/ and 19 digits")
    func deploymentIdentifiers() {
        var generator = SplitMix64(seed: 42)
        for _ in 0..<100 {
            let id = ServiceDeployment.makeIdentifier(using: &generator)
            #expect(ServiceDeployment.isValidIdentifier(id), "\(id)")
            #expect(id.count == "ecs-svc/".count + 19)
        }
        #expect(!ServiceDeployment.isValidIdentifier("ecs-svc/123"))
        #expect(!ServiceDeployment.isValidIdentifier("svc/1234567890123456789"))
    }
}
