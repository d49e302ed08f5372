import AdmiralModel
import AdmiralScheduler
import Foundation
import Testing

/// The DAEMON scheduler: one task per eligible instance.
@Suite("Service reconciler: DAEMON services")
struct ServicesDaemonTests {
    typealias Sim = ServiceSimulation

    static func daemon(min: Int? = nil) -> ServiceSpec {
        ServiceSpec(name: "agent", schedulingStrategy: .daemon, minimumHealthyPercent: min)
    }

    static func fresh(instances: Int, min: Int? = nil) -> Sim {
        let deployment = ServiceDeployment(
            id: Sim.oldId, status: .primary, taskDefinition: Sim.taskDefinitionV1, createdAt: Sim.epoch)
        return Sim(
            state: ServiceState(
                service: Self.daemon(min: min), deployments: [deployment], instances: Sim.instances(instances)))
    }

    /// Runs plans and agents until the plan is empty (at most `limit` rounds).
    static func settle(_ sim: inout Sim, limit: Int = 20) {
        for _ in 0..<limit {
            sim.agentsConverge()
            sim.advance(TaskHealth.settlingTime)
            if sim.step().isEmpty { return }
        }
    }

    static func perInstance(_ sim: Sim, deployment: String? = nil) -> [String: Int] {
        var counts: [String: Int] = [:]
        for task in sim.state.tasks where task.isWanted && (deployment == nil || task.deploymentId == deployment) {
            counts[task.containerInstanceArn, default: 0] += 1
        }
        return counts
    }

    @Test("one task starts on every ACTIVE connected instance, named in the start; the desired count follows")
    func oneTaskPerInstance() {
        var sim = Self.fresh(instances: 3)
        sim.state.instances.append(ServiceInstance(arn: Sim.instanceArn("off"), agentConnected: false))
        sim.state.instances.append(ServiceInstance(arn: Sim.instanceArn("dr"), status: .draining))
        sim.state.instances.append(ServiceInstance(arn: Sim.instanceArn("gpu"), satisfiesDaemonConstraints: false))
        let plan = sim.step()
        #expect(plan.starts.count == 3)
        #expect(plan.starts.allSatisfy { $0.count == 1 })
        #expect(Set(plan.starts.compactMap(\.containerInstanceArn)) == Set(sim.state.instances.prefix(3).map(\.arn)))
        #expect(plan.actions.contains(.setDesiredCount(3)))
        Self.settle(&sim)
        #expect(sim.deployment(Sim.oldId)?.rolloutState == .completed)
        #expect(sim.deployment(Sim.oldId)?.desiredCount == 3)
        #expect(sim.messages.contains("(service agent) has reached a steady state."))
    }

    @Test("an instance that joins later gets its task; one that drains or stops qualifying loses it")
    func joinAndLeave() {
        var sim = Self.fresh(instances: 2)
        Self.settle(&sim)
        sim.state.instances.append(ServiceInstance(arn: Sim.instanceArn("late")))
        let join = sim.step()
        #expect(join.starts.map(\.containerInstanceArn) == [Sim.instanceArn("late")])
        Self.settle(&sim)
        #expect(Self.perInstance(sim).count == 3)

        // Draining: the daemon task waits for the instance's replica tasks to stop.
        sim.state.instances[0].status = .draining
        sim.state.instances[0].replicaTasksRemaining = 2
        let waiting = sim.step()
        #expect(waiting.stops.isEmpty)
        sim.state.instances[0].replicaTasksRemaining = 0
        let drain = sim.step()
        #expect(drain.stops.count == 1)
        #expect(drain.starts.isEmpty, "no task on a DRAINING instance")
        sim.state.instances[1].satisfiesDaemonConstraints = false
        #expect(sim.step().stops.count == 1)
        Self.settle(&sim)
        #expect(Self.perInstance(sim) == [Sim.instanceArn("late"): 1])
    }

    @Test("an update stops old tasks first, keeping the minimum healthy, then starts the new ones in their place")
    func updateHonoursMinimumHealthy() {
        var sim = Self.fresh(instances: 4, min: 50)
        Self.settle(&sim)
        sim.deploy()
        let first = sim.step()
        #expect(first.stops.count == 2, "ceil(50% × 4) = 2 stay healthy")
        #expect(first.starts.isEmpty, "maximumPercent is 100: one task per instance")
        let freed = Set(
            first.stops.compactMap { stop in
                sim.state.tasks.first { $0.taskArn == stop.taskArn }?.containerInstanceArn
            })
        sim.agentsConverge()
        let replace = sim.step()
        #expect(replace.starts.count == 2)
        #expect(Set(replace.starts.compactMap(\.containerInstanceArn)) == freed)
        #expect(sim.step().stops.isEmpty, "the new tasks are not healthy yet")
        for _ in 0..<10 {
            sim.agentsConverge()
            sim.advance(TaskHealth.settlingTime)
            sim.step()
            #expect(Self.perInstance(sim).values.allSatisfy { $0 <= 1 }, "never two tasks on one instance")
        }
        #expect(Self.perInstance(sim, deployment: Sim.newId).count == 4)
        #expect(sim.deployment(Sim.newId)?.rolloutState == .completed)
        #expect(sim.deployment(Sim.oldId)?.status == .inactive)
    }

    @Test("at a 100% minimum an update cannot stop any old task and says so")
    func fullMinimumStalls() {
        var sim = Self.fresh(instances: 2, min: 100)
        Self.settle(&sim)
        sim.deploy()
        let plan = sim.step()
        #expect(plan.stops.isEmpty && plan.starts.isEmpty)
        #expect(plan.events.map(\.message) == [ServiceMessages.deploymentConfigurationBlocks(service: "agent")])
    }

    @Test("with the default 0% minimum every old task is replaced at once")
    func defaultMinimumIsZero() {
        var sim = Self.fresh(instances: 3)
        #expect(sim.state.service.minimumHealthyPercent == 0 && sim.state.service.maximumPercent == 100)
        Self.settle(&sim)
        sim.deploy()
        #expect(sim.step().stops.count == 3)
    }
}
