import AdmiralModel
import AdmiralScheduler
import Foundation
import Testing

/// Property tests: random services and clusters, many steps of random task failures,
/// health changes, draining, scaling and deployments, drawn from seeded generators.
@Suite("Service reconciler properties")
struct ServicesPropertyTests {
    typealias Sim = ServiceSimulation
    static let cases = 120
    static let chaosSteps = 40
    static let quietRounds = 60

    static func pick<T>(_ values: [T], _ random: inout SplitMix64) -> T {
        values[Int(random.next() % UInt64(values.count))]
    }

    static func chance(_ percent: UInt64, _ random: inout SplitMix64) -> Bool { random.next() % 100 < percent }

    static func randomService(_ random: inout SplitMix64) -> ServiceSpec {
        let breaker =
            chance(50, &random) ? ECS.DeploymentCircuitBreaker(enable: true, rollback: chance(50, &random)) : nil
        return ServiceSpec(
            name: "web", desiredCount: Int(random.next() % 7), minimumHealthyPercent: pick([0, 50, 75, 100], &random),
            maximumPercent: pick([100, 125, 150, 200], &random), circuitBreaker: breaker,
            healthCheckGracePeriodSeconds: pick([0, 30], &random),
            targetGroupArns: chance(30, &random) ? ["arn:aws:elasticloadbalancing:us-east-1:0:targetgroup/web/1"] : [],
            hasContainerHealthChecks: chance(40, &random))
    }

    /// The bounds a plan must keep, checked against the state it was computed from.
    static func violations(_ plan: ServicePlan, _ state: ServiceState, now: Date) -> [String] {
        var problems: [String] = []
        let service = state.service
        let desired = service.desiredCount
        let minimumHealthy = ServiceSpec.minimumHealthy(percent: service.minimumHealthyPercent, desired: desired)
        let maximumTasks = ServiceSpec.maximumTasks(percent: service.maximumPercent, desired: desired)
        let registered = Set(state.instances.filter { $0.status != .inactive }.map(\.arn))
        let live = state.tasks.filter { $0.isOccupying && registered.contains($0.containerInstanceArn) }
        if plan.startedCount > 0 && live.count + plan.startedCount > maximumTasks {
            problems.append("starts \(plan.startedCount) over \(live.count) occupying, maximum \(maximumTasks)")
        }
        let stopped = Set(plan.stops.map(\.taskArn))
        let healthy = live.filter { $0.isWanted && TaskHealth.of($0, service: service, now: now) == .healthy }
        let healthyAfter = healthy.filter { !stopped.contains($0.taskArn) }.count
        if healthyAfter < min(minimumHealthy, healthy.count) {
            problems.append("healthy \(healthy.count) → \(healthyAfter), minimum \(minimumHealthy)")
        }
        if let primary = state.primary, primary.rolloutState == .failed, plan.startedCount > 0,
            !plan.deploymentChanges.contains(where: {
                $0.deployment.status == .primary && $0.deployment.id != primary.id
            })
        {
            problems.append("a FAILED deployment started tasks")
        }
        if Set(plan.stops.map(\.taskArn)).count != plan.stops.count { problems.append("a task stopped twice") }
        let wantedArns = Set(state.tasks.filter(\.isWanted).map(\.taskArn))
        if !stopped.isSubset(of: wantedArns) { problems.append("stopped a task that was not running or wanted") }
        return problems
    }

    /// One step of the world: time passes, agents move some tasks, some fail.
    static func chaos(_ sim: inout Sim, _ random: inout SplitMix64) {
        sim.advance(Double(random.next() % 45 + 1))
        for index in sim.state.tasks.indices {
            let task = sim.state.tasks[index]
            if task.desiredStatus == .stopped && task.lastStatus != .stopped && chance(70, &random) {
                sim.state.tasks[index].lastStatus = chance(50, &random) ? .stopped : .stopping
            } else if task.isWanted && task.lastStatus < .running && chance(60, &random) {
                if chance(10, &random) {
                    sim.state.tasks[index].lastStatus = .stopped
                    sim.state.tasks[index].desiredStatus = .stopped
                    sim.state.tasks[index].stopCause = .failedToStart
                } else {
                    sim.state.tasks[index].lastStatus = chance(30, &random) ? .pending : .running
                    if sim.state.tasks[index].lastStatus == .running { sim.state.tasks[index].startedAt = sim.now }
                }
            } else if task.isWanted && task.lastStatus == .running {
                if chance(4, &random) {
                    sim.state.tasks[index].lastStatus = .stopped
                    sim.state.tasks[index].desiredStatus = .stopped
                    sim.state.tasks[index].stopCause = .essentialContainerExited
                } else if chance(50, &random) {
                    sim.state.tasks[index].containerHealth = chance(90, &random) ? .healthy : .unhealthy
                    sim.state.tasks[index].targetHealth = chance(90, &random) ? .healthy : .unhealthy
                }
            }
        }
        sim.dropForgottenTasks()
        if chance(5, &random), !sim.state.instances.isEmpty {
            let index = Int(random.next() % UInt64(sim.state.instances.count))
            sim.state.instances[index].status = sim.state.instances[index].status == .active ? .draining : .active
        }
        if chance(5, &random) { sim.state.service.desiredCount = Int(random.next() % 7) }
        if chance(4, &random) {
            var generator = random
            sim.deploy(id: ServiceDeployment.makeIdentifier(using: &generator), taskDefinition: Sim.taskDefinitionV2)
            random = generator
        }
    }

    /// Agents and load balancers settle: everything desired happens, every check passes.
    static func quiet(_ sim: inout Sim) -> ServicePlan? {
        for index in sim.state.instances.indices { sim.state.instances[index].status = .active }
        for _ in 0..<quietRounds {
            sim.agentsConverge()
            sim.makeAllHealthy()
            sim.advance(TaskHealth.settlingTime + 1)
            let before = sim.state
            let plan = sim.step()
            let problems = violations(plan, before, now: sim.now)
            #expect(problems.isEmpty, "\(problems)")
            if plan.isEmpty { return plan }
        }
        return nil
    }

    @Test("REPLICA plans keep the bounds under random failures, converge when capacity allows, then stay empty")
    func replica() {
        var random = SplitMix64(seed: 2027)
        var checkedConvergence = 0
        var deployments = 0
        var rollbacks = 0
        for number in 0..<Self.cases {
            let service = Self.randomService(&random)
            let instances = Sim.instances(Int(random.next() % 4) + 1)
            let slots = Int(random.next() % 4) + 1
            var sim = Sim.steady(
                service, running: min(service.desiredCount, instances.count * slots), instances: instances,
                slotsPerInstance: slots)
            if Self.chance(70, &random) { sim.deploy() }
            for _ in 0..<Self.chaosSteps {
                let before = sim.state
                let plan = sim.step()
                let problems = Self.violations(plan, before, now: sim.now)
                #expect(problems.isEmpty, "case \(number): \(problems)")
                Self.chaos(&sim, &random)
            }
            let converged = Self.quiet(&sim)
            let desired = sim.state.service.desiredCount
            let capacity = instances.count * slots
            let minimumHealthy = ServiceSpec.minimumHealthy(percent: service.minimumHealthyPercent, desired: desired)
            let maximumTasks = ServiceSpec.maximumTasks(percent: service.maximumPercent, desired: desired)
            let movable = maximumTasks > minimumHealthy || desired == 0
            let feasible = capacity >= 2 * desired && movable
            if feasible { #expect(converged != nil, "case \(number) never converged") }
            guard converged != nil, let primary = sim.state.primary else { continue }
            #expect(ServiceReconciler.reconcile(sim.state, now: sim.now).isEmpty, "case \(number): a converged plan")
            deployments += sim.state.deployments.count - 1
            rollbacks += sim.plans.flatMap(\.events).filter { $0.message.contains("rolling back") }.count
            if primary.rolloutState != .failed && feasible {
                checkedConvergence += 1
                #expect(sim.wanted(primary.id).count == desired, "case \(number)")
                #expect(primary.rolloutState == .completed, "case \(number)")
                #expect(
                    sim.state.tasks.filter { $0.deploymentId != primary.id && $0.isOccupying }.isEmpty,
                    "case \(number): older deployments keep tasks")
            }
        }
        // The random cases exercise what they claim to.
        #expect(checkedConvergence >= Self.cases / 3, "\(checkedConvergence)")
        #expect(deployments >= Self.cases / 2, "\(deployments)")
        #expect(rollbacks >= 3, "\(rollbacks)")
    }

    @Test("DAEMON plans never put two tasks on one instance and converge to one per eligible instance")
    func daemon() {
        var random = SplitMix64(seed: 77)
        for number in 0..<Self.cases {
            let deployment = ServiceDeployment(
                id: Sim.oldId, status: .primary, taskDefinition: Sim.taskDefinitionV1, createdAt: Sim.epoch)
            let service = ServiceSpec(
                name: "agent", schedulingStrategy: .daemon, minimumHealthyPercent: Self.pick([0, 50, 100], &random),
                hasContainerHealthChecks: Self.chance(50, &random))
            var sim = Sim(
                state: ServiceState(
                    service: service, deployments: [deployment], instances: Sim.instances(Int(random.next() % 5) + 1)))
            for step in 0..<Self.chaosSteps {
                let plan = sim.step()
                var perInstance: [String: Int] = [:]
                for task in sim.state.tasks where task.isWanted {
                    perInstance[task.containerInstanceArn, default: 0] += 1
                }
                #expect(perInstance.values.allSatisfy { $0 <= 1 }, "case \(number) step \(step)")
                #expect(plan.starts.allSatisfy { $0.count == 1 && $0.containerInstanceArn != nil })
                Self.chaos(&sim, &random)
                if Self.chance(5, &random) {
                    sim.state.instances.append(
                        ServiceInstance(arn: Sim.instanceArn("join-\(number)-\(step)"), availabilityZone: "us-east-1a"))
                }
                if Self.chance(4, &random), !sim.state.instances.isEmpty {
                    let index = Int(random.next() % UInt64(sim.state.instances.count))
                    sim.state.instances[index].satisfiesDaemonConstraints.toggle()
                }
            }
            for index in sim.state.instances.indices { sim.state.instances[index].status = .active }
            var converged = false
            for _ in 0..<Self.quietRounds {
                sim.agentsConverge()
                sim.makeAllHealthy()
                sim.advance(TaskHealth.settlingTime + 1)
                if sim.step().isEmpty {
                    converged = true
                    break
                }
            }
            #expect(converged, "case \(number) never converged")
            // When the minimum keeps every instance's task, an update can stop no old task:
            // it stalls, as the arithmetic ECS documents says it must.
            let eligible = Set(sim.state.instances.filter(\.satisfiesDaemonConstraints).map(\.arn))
            let minimum = ServiceSpec.minimumHealthy(percent: service.minimumHealthyPercent, desired: eligible.count)
            guard let primary = sim.state.primary, primary.rolloutState != .failed, minimum < eligible.count
            else { continue }
            let hosts = sim.wanted(primary.id).map(\.containerInstanceArn)
            #expect(
                Set(hosts) == eligible && hosts.count == eligible.count,
                "case \(number): \(hosts) \(eligible) \(sim.state.instances) \(sim.state.tasks) \(sim.state.deployments)"
            )
        }
    }
}
