import AdmiralModel
import AdmiralScheduler
import Foundation
import Testing

/// The REPLICA scheduler: rolling deployments, scaling, replacement, draining.
@Suite("Service reconciler: rolling deployments")
struct ServicesRollingDeploymentTests {
    typealias Sim = ServiceSimulation

    static func web(desired: Int = 4, min: Int = 50, max: Int = 200) -> ServiceSpec {
        ServiceSpec(name: "web", desiredCount: desired, minimumHealthyPercent: min, maximumPercent: max)
    }

    /// Running-or-pending and healthy counts after a plan's stops, for the bounds.
    static func bounds(_ sim: Sim, _ plan: ServicePlan) -> (occupying: Int, healthy: Int) {
        let stopped = Set(plan.stops.map(\.taskArn))
        let occupying = sim.state.tasks.filter(\.isOccupying).count
        let healthy = sim.state.tasks.filter {
            $0.isWanted && !stopped.contains($0.taskArn)
                && TaskHealth.of($0, service: sim.state.service, now: sim.now) == .healthy
        }.count
        return (occupying, healthy)
    }

    @Test("4 tasks at 50%/200%: the scheduler starts 4 new tasks, then stops the 4 old ones")
    func guideExampleMaximum200() {
        var sim = Sim.steady(Self.web(), running: 4)
        let oldArns = Set(sim.state.tasks.map(\.taskArn))
        sim.deploy()

        let first = sim.step()
        #expect(first.startedCount == 4)
        #expect(first.starts.allSatisfy { $0.deploymentId == Sim.newId && $0.taskDefinition == Sim.taskDefinitionV2 })
        #expect(first.stops.isEmpty)
        #expect(Self.bounds(sim, first).occupying == 8)

        // The new tasks are PROVISIONING: nothing more to do, and no second start.
        let waiting = sim.step()
        #expect(waiting.startedCount == 0 && waiting.stops.isEmpty)

        sim.agentsConverge()
        let settling = sim.step()
        #expect(settling.stops.isEmpty, "new tasks are RUNNING but not yet counted healthy")

        sim.advance(TaskHealth.settlingTime)
        let replace = sim.step()
        #expect(replace.startedCount == 0)
        #expect(Set(replace.stops.map(\.taskArn)) == oldArns)
        #expect(replace.stops.allSatisfy { $0.reason == "Scaling activity initiated by (deployment \(Sim.newId))" })
        #expect(replace.stops.allSatisfy { $0.stopCode == .serviceSchedulerInitiated })
        #expect(Self.bounds(sim, replace).healthy == 4)

        sim.agentsConverge()
        let complete = sim.step()
        #expect(complete.startedCount == 0 && complete.stops.isEmpty)
        #expect(sim.deployment(Sim.newId)?.rolloutState == .completed)
        #expect(sim.deployment(Sim.newId)?.rolloutStateReason == "ECS deployment \(Sim.newId) completed.")
        #expect(sim.deployment(Sim.oldId)?.status == .inactive)
        #expect(
            complete.events.map(\.message) == [
                "(service web) (deployment \(Sim.newId)) deployment completed.",
                "(service web) has reached a steady state.",
            ])
        #expect(sim.step().isEmpty)
    }

    @Test("4 tasks at 50%/100%: stop 2 old, start 2 new, then stop the last 2 old and start the last 2 new")
    func guideExampleMaximum100() {
        var sim = Sim.steady(Self.web(max: 100), running: 4)
        sim.deploy()

        let stopTwo = sim.step()
        #expect(stopTwo.stops.count == 2)
        #expect(stopTwo.startedCount == 0, "the stopped tasks still run; 100% leaves no room until they stop")
        #expect(Self.bounds(sim, stopTwo).healthy == 2)
        #expect(sim.step().stops.isEmpty, "no further stop below the minimum while the first two stop")

        sim.agentsConverge()
        let startTwo = sim.step()
        #expect(startTwo.startedCount == 2)
        #expect(startTwo.stops.isEmpty)
        #expect(sim.state.tasks.filter(\.isOccupying).count == 4)

        sim.agentsConverge()
        #expect(sim.step().stops.isEmpty, "the new tasks are not healthy yet")
        sim.advance(TaskHealth.settlingTime)
        let stopLastTwo = sim.step()
        #expect(stopLastTwo.stops.count == 2)
        let oldArns = Set(sim.state.tasks.filter { $0.deploymentId == Sim.oldId }.map(\.taskArn))
        #expect(Set(stopLastTwo.stops.map(\.taskArn)).isSubset(of: oldArns))
        #expect(stopLastTwo.startedCount == 0)
        #expect(Self.bounds(sim, stopLastTwo).healthy == 2)

        sim.agentsConverge()
        let startLastTwo = sim.step()
        #expect(startLastTwo.startedCount == 2)

        sim.agentsConverge()
        sim.advance(TaskHealth.settlingTime)
        sim.step()
        #expect(sim.deployment(Sim.newId)?.rolloutState == .completed)
        #expect(sim.wanted(Sim.newId).count == 4)
        #expect(sim.state.tasks.filter { $0.deploymentId == Sim.oldId && $0.isOccupying }.isEmpty)
        #expect(sim.step().isEmpty)
    }

    @Test("a desired count raised from 2 to 5 starts 3 tasks; lowered to 2 it stops 3, busiest zone first")
    func scaleUpAndDown() {
        var sim = Sim.steady(Self.web(desired: 2, min: 100, max: 200), running: 2)
        sim.state.service.desiredCount = 5
        let up = sim.step()
        #expect(up.startedCount == 3)
        #expect(up.starts.first?.deploymentId == Sim.oldId)
        sim.agentsConverge()
        sim.advance(TaskHealth.settlingTime)
        #expect(sim.step().startedCount == 0)
        #expect(sim.step().isEmpty)

        // Five tasks over three zones: 2 in a, 2 in b, 1 in c (least loaded placement).
        sim.state.service.desiredCount = 2
        let down = sim.step()
        #expect(down.stops.count == 3)
        #expect(down.stops.allSatisfy { $0.reason == "Scaling activity initiated by (deployment \(Sim.oldId))" })
        sim.agentsConverge()
        let zones = sim.state.tasks.filter(\.isWanted).compactMap { task in
            sim.state.instances.first { $0.arn == task.containerInstanceArn }?.availabilityZone
        }
        #expect(Set(zones).count == 2, "the two remaining tasks are in two different zones: \(zones)")
        #expect(sim.step().events.map(\.message) == ["(service web) has reached a steady state."])
        #expect(sim.step().isEmpty)
    }

    @Test("scale-in stops the most recently started of otherwise equal tasks")
    func scaleInOrder() {
        var sim = Sim.steady(Self.web(desired: 3, min: 0, max: 200), running: 0, instances: Sim.instances(1))
        for offset in [300.0, 200, 100] {
            sim.addTask(deployment: Sim.oldId, status: .running, startedAt: sim.now.addingTimeInterval(-offset))
        }
        sim.state.service.desiredCount = 2
        let plan = sim.step()
        #expect(plan.stops.map(\.taskArn) == [sim.state.tasks[2].taskArn], "the most recently started goes")
    }

    @Test("a task that stops is replaced: container exit, lost instance, deregistered instance, user stop")
    func replacement() {
        for cause in [ServiceTask.StopCause.essentialContainerExited, .instanceLost, .user] {
            var sim = Sim.steady(Self.web(min: 100, max: 200), running: 4)
            sim.state.tasks[0].lastStatus = .stopped
            sim.state.tasks[0].desiredStatus = .stopped
            sim.state.tasks[0].stopCause = cause
            let plan = sim.step()
            #expect(plan.startedCount == 1, "\(cause)")
            #expect(plan.stops.isEmpty)
        }
        var sim = Sim.steady(Self.web(min: 100, max: 200), running: 4)
        let lostInstance = sim.state.tasks[0].containerInstanceArn
        sim.state.instances.removeAll { $0.arn == lostInstance }
        let lost = sim.tasksOn(lostInstance)
        let plan = sim.step()
        #expect(plan.startedCount == lost, "tasks on a deregistered instance no longer count")
    }

    @Test("the same state gives the same plan: a restart mid-deployment starts nothing twice")
    func idempotentAfterRestart() {
        var sim = Sim.steady(Self.web(), running: 4)
        sim.deploy()
        let first = ServiceReconciler.reconcile(sim.state, now: sim.now)
        #expect(first == ServiceReconciler.reconcile(sim.state, now: sim.now))
        sim.perform(ServicePlan(actions: first.actions.filter { if case .startTasks = $0 { true } else { false } }))
        // The control plane crashed after creating the tasks, before anything else.
        let afterRestart = ServiceReconciler.reconcile(sim.state, now: sim.now)
        #expect(afterRestart.startedCount == 0)
        #expect(afterRestart.stops.isEmpty)
        // Half the starts were created before the crash: only the rest is started.
        var partial = Sim.steady(Self.web(), running: 4)
        partial.deploy()
        partial.addTask(deployment: Sim.newId, status: .pending)
        partial.addTask(deployment: Sim.newId, status: .provisioning)
        #expect(ServiceReconciler.reconcile(partial.state, now: partial.now).startedCount == 2)
    }

    @Test("a DRAINING instance's PENDING tasks stop at once; RUNNING ones are replaced within the bounds")
    func draining() {
        var sim = Sim.steady(Self.web(min: 50, max: 200), running: 4, instances: Sim.instances(2))
        let drained = sim.state.instances[0].arn
        sim.addTask(deployment: Sim.oldId, status: .pending, instance: drained)
        sim.state.service.desiredCount = 5
        sim.state.instances[0].status = .draining
        let onDrained = sim.state.tasks.filter { $0.containerInstanceArn == drained && $0.lastStatus == .running }
        #expect(onDrained.count == 2)

        let first = sim.step()
        #expect(first.stops.map(\.taskArn) == [sim.state.tasks[4].taskArn], "the PENDING task stops at once")
        #expect(first.startedCount == 3, "2 replacements and the task that was pending")
        #expect(
            sim.state.tasks.filter { $0.desiredStatus == .running && $0.lastStatus == .provisioning }
                .allSatisfy { $0.containerInstanceArn != drained })
        sim.agentsConverge()
        #expect(sim.step().stops.isEmpty, "the replacements are not healthy yet")
        sim.advance(TaskHealth.settlingTime)
        let release = sim.step()
        #expect(Set(release.stops.map(\.taskArn)) == Set(onDrained.map(\.taskArn)))
        sim.agentsConverge()
        #expect(sim.tasksOn(drained) == 0)
        #expect(sim.step().events.map(\.message) == ["(service web) has reached a steady state."])
        #expect(sim.step().isEmpty)
    }

    @Test("at 100%/100% a deployment can neither start nor stop, and says so once")
    func blockedByConfiguration() {
        var sim = Sim.steady(Self.web(desired: 2, min: 100, max: 100), running: 2, instances: Sim.instances(2))
        sim.deploy()
        let plan = sim.step()
        #expect(plan.startedCount == 0 && plan.stops.isEmpty)
        #expect(
            plan.events.map(\.message) == [
                "(service web) was unable to stop or start tasks during a deployment because of the service deployment "
                    + "configuration. Update the minimumHealthyPercent or maximumPercent value and try again."
            ])
        #expect(sim.step().events.isEmpty, "the message is not repeated")
    }

    @Test("a service with desired count 0 stops everything and completes")
    func scaleToZero() {
        var sim = Sim.steady(Self.web(desired: 0, min: 100, max: 200), running: 3)
        let plan = sim.step()
        #expect(plan.stops.count == 3)
        sim.agentsConverge()
        sim.step()
        #expect(sim.step().isEmpty)
    }
}

extension ServiceSimulation {
    /// Occupying tasks on an instance.
    func tasksOn(_ arn: String) -> Int { load(on: arn) }
}
