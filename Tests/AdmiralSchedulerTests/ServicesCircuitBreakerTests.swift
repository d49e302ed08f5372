import AdmiralModel
import AdmiralScheduler
import Foundation
import Testing

/// The deployment circuit breaker: threshold, its two stages, FAILED and rollback.
@Suite("Service reconciler: deployment circuit breaker")
struct ServicesCircuitBreakerTests {
    typealias Sim = ServiceSimulation

    static func web(desired: Int = 4, rollback: Bool, checks: Bool = false) -> ServiceSpec {
        ServiceSpec(
            name: "web", desiredCount: desired, minimumHealthyPercent: 100, maximumPercent: 200,
            circuitBreaker: ECS.DeploymentCircuitBreaker(enable: true, rollback: rollback),
            hasContainerHealthChecks: checks)
    }

    /// Every wanted task of the new deployment fails before reaching RUNNING.
    static func failNewTasksToStart(_ sim: inout Sim, limit: Int = .max) {
        var failed = 0
        for index in sim.state.tasks.indices where failed < limit {
            let task = sim.state.tasks[index]
            guard task.deploymentId == Sim.newId, task.isWanted, task.lastStatus < .running else { continue }
            sim.state.tasks[index].lastStatus = .stopped
            sim.state.tasks[index].desiredStatus = .stopped
            sim.state.tasks[index].stopCause = .failedToStart
            failed += 1
        }
    }

    @Test("the failure threshold is half the desired count rounded up, between 3 and 200")
    func threshold() {
        let table = [0: 3, 1: 3, 4: 3, 6: 3, 7: 4, 25: 13, 399: 200, 400: 200, 800: 200]
        for (desired, expected) in table {
            #expect(ServiceReconciler.circuitBreakerThreshold(desiredCount: desired) == expected, "\(desired)")
        }
    }

    @Test("tasks that never reach RUNNING count; at the threshold the deployment FAILS and starts nothing more")
    func failsWithoutRollback() {
        var sim = Sim.steady(Self.web(rollback: false), running: 4)
        sim.deploy()
        #expect(sim.step().startedCount == 4)
        Self.failNewTasksToStart(&sim, limit: 2)
        let counted = sim.step()
        #expect(sim.deployment(Sim.newId)?.failedTasks == 2)
        #expect(sim.deployment(Sim.newId)?.rolloutState == .inProgress)
        #expect(counted.startedCount == 2, "the failed tasks are replaced")
        #expect(counted.deploymentChanges.contains { $0.acknowledgedTaskArns.count == 2 })
        let again = sim.step()
        #expect(again.deploymentChanges.allSatisfy { $0.acknowledgedTaskArns.isEmpty }, "each failure is counted once")
        #expect(sim.deployment(Sim.newId)?.failedTasks == 2)

        Self.failNewTasksToStart(&sim, limit: 1)
        let tripped = sim.step()
        let failed = sim.deployment(Sim.newId)
        #expect(failed?.failedTasks == 3)
        #expect(failed?.rolloutState == .failed)
        #expect(failed?.status == .primary)
        #expect(failed?.rolloutStateReason == "ECS deployment circuit breaker: tasks failed to start.")
        #expect(tripped.startedCount == 0)
        #expect(
            tripped.events.map(\.message).contains(
                "(service web) (deployment \(Sim.newId)) deployment failed: tasks failed to start."))
        #expect(sim.deployment(Sim.oldId)?.status == .active)

        // Stalled: more failures start nothing, the old tasks keep running.
        Self.failNewTasksToStart(&sim)
        sim.agentsConverge()
        let stalled = sim.step()
        #expect(stalled.startedCount == 0)
        #expect(stalled.stops.isEmpty)
        #expect(sim.wanted(Sim.oldId).count == 4)
        #expect(sim.step().isEmpty)
    }

    @Test("with rollback the last COMPLETED deployment becomes PRIMARY again and completes its own rollout")
    func rollsBack() {
        var sim = Sim.steady(Self.web(rollback: true), running: 4)
        sim.deploy()
        sim.step()
        Self.failNewTasksToStart(&sim, limit: 3)
        let tripped = sim.step()
        let failed = sim.deployment(Sim.newId)
        let restored = sim.deployment(Sim.oldId)
        #expect(failed?.status == .active && failed?.rolloutState == .failed)
        #expect(restored?.status == .primary && restored?.rolloutState == .inProgress)
        #expect(
            restored?.rolloutStateReason == "ECS deployment circuit breaker: rolling back to deploymentId \(Sim.oldId)."
        )
        #expect(
            tripped.events.map(\.message).prefix(2) == [
                "(service web) (deployment \(Sim.newId)) deployment failed: tasks failed to start.",
                "(service web) rolling back to deployment \(Sim.oldId).",
            ])
        #expect(tripped.startedCount == 0, "the restored deployment still has its 4 tasks")
        #expect(tripped.stops.count == 1, "the failed deployment's last PENDING task stops")

        sim.agentsConverge()
        let completion = sim.step()
        #expect(sim.deployment(Sim.oldId)?.rolloutState == .completed)
        #expect(sim.deployment(Sim.oldId)?.rolloutStateReason == "ECS deployment \(Sim.oldId) completed.")
        #expect(sim.deployment(Sim.newId)?.status == .inactive)
        #expect(sim.deployment(Sim.newId)?.rolloutState == .failed)
        #expect(
            completion.events.map(\.message).first == "(service web) (deployment \(Sim.oldId)) deployment completed.")
        #expect(sim.step().isEmpty)
    }

    @Test("without a COMPLETED deployment to return to, a failed first deployment stalls")
    func nothingToRollBackTo() {
        let deployment = ServiceDeployment(
            id: Sim.newId, status: .primary, taskDefinition: Sim.taskDefinitionV2, createdAt: Sim.epoch)
        var sim = Sim(
            state: ServiceState(
                service: Self.web(rollback: true), deployments: [deployment], instances: Sim.instances(2)))
        sim.step()
        Self.failNewTasksToStart(&sim)
        sim.step()
        #expect(sim.deployment(Sim.newId)?.rolloutState == .failed)
        #expect(sim.deployment(Sim.newId)?.status == .primary)
        #expect(sim.step().startedCount == 0)
    }

    @Test("stage 2: tasks stopped for failing health checks count, and a healthy task resets the count")
    func healthCheckStage() {
        var sim = Sim.steady(Self.web(desired: 2, rollback: false, checks: true), running: 2)
        sim.deploy()
        sim.step()
        sim.agentsConverge()
        func failChecks(_ sim: inout Sim) {
            for index in sim.state.tasks.indices where sim.state.tasks[index].deploymentId == Sim.newId {
                sim.state.tasks[index].containerHealth = .unhealthy
            }
        }
        failChecks(&sim)
        var counts: [Int] = []
        for _ in 0..<12 where sim.deployment(Sim.newId)?.rolloutState == .inProgress {
            let plan = sim.step()
            #expect(
                plan.stops.allSatisfy {
                    $0.reason == "Task failed container health checks" && $0.cause == .failedHealthChecks
                })
            sim.agentsConverge()
            failChecks(&sim)
            counts.append(sim.deployment(Sim.newId)?.failedTasks ?? -1)
        }
        #expect(sim.deployment(Sim.newId)?.rolloutState == .failed, "\(counts)")
        #expect((sim.deployment(Sim.newId)?.failedTasks ?? 0) >= 3)
        #expect(sim.messages.contains { $0.hasSuffix("failed container health checks.") })

        // A deployment whose task becomes healthy forgets its earlier failures.
        var healthy = Sim.steady(Self.web(desired: 2, rollback: false, checks: true), running: 2)
        healthy.deploy()
        healthy.state.deployments[1].failedTasks = 2
        healthy.step()
        healthy.agentsConverge()
        healthy.makeAllHealthy()
        healthy.step()
        #expect(healthy.deployment(Sim.newId)?.failedTasks == 0)
    }

    @Test("tasks that could not be placed count as failures of the deployment")
    func placementFailuresCount() {
        var sim = Sim.steady(Self.web(rollback: false), running: 4, slotsPerInstance: 0)
        sim.deploy()
        let start = StartTasks(deploymentId: Sim.newId, taskDefinition: Sim.taskDefinitionV2, count: 4)
        let outcome = ServiceReconciler.placementOutcome(
            sim.state, start: start, startedTaskArns: [], unplacedCount: 4,
            closest: PlacementFailure(instanceId: sim.state.instances[0].arn, reason: .memory), now: sim.now)
        let change = outcome.deploymentChanges.first { $0.deployment.id == Sim.newId }
        #expect(change?.deployment.failedTasks == 4)
        #expect(change?.deployment.rolloutState == .failed)
    }
}
