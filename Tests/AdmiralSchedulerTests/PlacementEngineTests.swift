import AdmiralModel
import AdmiralScheduler
import Testing

@Suite("Placement engine")
struct PlacementEngineTests {
    typealias F = Fixtures

    @Test("binpack on memory fills the instance with the least memory that still fits")
    func binpackMemory() {
        let snapshot = ClusterSnapshot(instances: [
            F.instance("big", memory: 8192), F.instance("small", memory: 1024), F.instance("mid", memory: 2048),
        ])
        let plan = PlacementEngine.plan(F.request(6, memory: 512, strategies: [.binpack(.memory)]), in: snapshot)
        #expect(plan.placements == ["ci-small", "ci-small", "ci-mid", "ci-mid", "ci-mid", "ci-mid"])
    }

    @Test("binpack on cpu packs by remaining CPU")
    func binpackCPU() {
        let snapshot = ClusterSnapshot(instances: [F.instance("a", cpu: 4096), F.instance("b", cpu: 512)])
        let plan = PlacementEngine.plan(F.request(3, cpu: 256, strategies: [.binpack(.cpu)]), in: snapshot)
        #expect(plan.placements == ["ci-b", "ci-b", "ci-a"])
    }

    @Test("spread over instances puts one task on each before doubling up")
    func spreadInstances() {
        let snapshot = ClusterSnapshot(instances: (0..<4).map { F.instance("\($0)") })
        let plan = PlacementEngine.plan(F.request(6, strategies: [.spread(.instanceId)]), in: snapshot)
        #expect(Set(plan.placements.prefix(4)).count == 4)
        #expect(plan.placements.suffix(2) == ["ci-0", "ci-1"])
    }

    @Test("spread counts the tasks already in the group, not other groups")
    func spreadCountsGroup() {
        let snapshot = ClusterSnapshot(instances: [
            F.instance("a", zone: "us-east-1a", groups: ["family:web": 2, "family:db": 5]),
            F.instance("b", zone: "us-east-1b", groups: ["family:db": 9]),
            F.instance("c", zone: "us-east-1c"),
        ])
        let plan = PlacementEngine.plan(F.request(4, strategies: [F.azSpread]), in: snapshot)
        #expect(plan.placements.filter { $0 == "ci-a" }.isEmpty)
        #expect(Set(plan.placements) == ["ci-b", "ci-c"])
    }

    @Test("random placement is the same for the same seed and varies with the seed")
    func randomDeterminism() {
        let snapshot = ClusterSnapshot(instances: (0..<20).map { F.instance("\($0)") })
        let first = PlacementEngine.plan(F.request(10, strategies: [.random], seed: 7), in: snapshot)
        let again = PlacementEngine.plan(F.request(10, strategies: [.random], seed: 7), in: snapshot)
        let other = PlacementEngine.plan(F.request(10, strategies: [.random], seed: 8), in: snapshot)
        #expect(first == again)
        #expect(first != other)
        #expect(Set(first.placements).count > 3)
    }

    @Test("console choice AZ balanced spread: zones then instances")
    func consoleAZSpread() {
        let plan = PlacementEngine.plan(F.request(6, strategies: PlacementStrategy.serviceDefault), in: F.twelve())
        var engine = PlacementEngine(snapshot: F.twelve())
        _ = engine.place(F.request(6, strategies: PlacementStrategy.serviceDefault))
        #expect(engine.snapshot.tasks(of: "family:web") == [2, 2, 2])
        #expect(Set(plan.placements).count == 6)
    }

    @Test("console choice AZ balanced binpack: zones then least memory")
    func consoleAZBinpack() {
        var engine = PlacementEngine(snapshot: F.twelve())
        let plan = engine.place(F.request(6, strategies: [F.azSpread, .binpack(.memory)]))
        #expect(engine.snapshot.tasks(of: "family:web") == [2, 2, 2])
        // In each zone the instance with the least memory (2048 MiB: 0, 4, 8 in zones a, b, c) fills first.
        #expect(Set(plan.placements) == ["ci-0", "ci-4", "ci-8"])
    }

    @Test("console choice binpack: one instance until it is full")
    func consoleBinpack() {
        let plan = PlacementEngine.plan(F.request(8, memory: 256, strategies: [.binpack(.memory)]), in: F.twelve())
        #expect(plan.placements == Array(repeating: "ci-0", count: 8))
    }

    @Test("console choice one task per host: distinctInstance")
    func consoleOneTaskPerHost() {
        let plan = PlacementEngine.plan(
            F.request(14, strategies: [.random], constraints: [.distinctInstance]), in: F.twelve())
        #expect(plan.placements.count == 12)
        #expect(Set(plan.placements).count == 12)
        #expect(plan.unplacedCount == 2)
        #expect(plan.reason == .distinctInstance)
    }

    @Test("console choice custom: memberOf with spread and binpack")
    func consoleCustom() throws {
        let constraint = try F.memberOf("attribute:stack == prod and attribute:ecs.instance-type =~ t2.*")
        var engine = PlacementEngine(snapshot: F.twelve())
        let plan = engine.place(
            F.request(4, strategies: [F.azSpread, .binpack(.cpu)], constraints: [constraint]))
        // prod (even) t2 instances: 0 (t2.small, zone a), 4 (t2.small, zone b), 8 (t2.small, zone c)
        #expect(Set(plan.placements).isSubset(of: ["ci-0", "ci-4", "ci-8"]))
        #expect(plan.placements.count == 4)
    }

    @Test("draining, inactive and disconnected instances get no tasks and report AGENT")
    func agentFilter() {
        let snapshot = ClusterSnapshot(instances: [
            F.instance("d", status: .draining), F.instance("i", status: .inactive), F.instance("x", connected: false),
        ])
        let plan = PlacementEngine.plan(F.request(1), in: snapshot)
        #expect(plan.placements.isEmpty)
        #expect(plan.failures.map(\.reason) == [.agent, .agent, .agent])
        #expect(plan.ecsFailures.first == ECS.Failure(arn: "ci-d", reason: "AGENT"))
    }

    @Test("each resource shortage reports its ECS reason")
    func resourceReasons() {
        let cases: [(InstanceSnapshot, PlacementFailure.Reason)] = [
            (F.instance("c", cpu: 64), .cpu),
            (F.instance("m", memory: 100), .memory),
            (F.instance("p", tcp: [80]), .ports),
            (F.instance("u", udp: [53]), .portsUDP),
        ]
        for (instance, reason) in cases {
            let plan = PlacementEngine.plan(
                F.request(1, tcp: [80], udp: [53]), in: ClusterSnapshot(instances: [instance]))
            #expect(plan.reason == reason)
            #expect(plan.failures == [PlacementFailure(instanceId: instance.id, reason: reason)])
        }
    }

    @Test("missing required attributes report ATTRIBUTE; unmet memberOf reports MemberOf")
    func attributeAndMemberOf() throws {
        let snapshot = ClusterSnapshot(instances: [F.instance("a")])
        var request = F.request(1)
        request.requiredAttributes = [.init(name: "com.amazonaws.ecs.capability.docker-remote-api.1.19")]
        #expect(PlacementEngine.plan(request, in: snapshot).reason == .attribute)
        let memberOf = F.request(1, constraints: [try F.memberOf("attribute:ecs.instance-type == m5.*")])
        #expect(PlacementEngine.plan(memberOf, in: snapshot).reason == .memberOf)
    }

    @Test("the reported reason is that of the instance that came closest")
    func closestReason() {
        let snapshot = ClusterSnapshot(instances: [
            F.instance("agent", connected: false), F.instance("cpu", cpu: 10), F.instance("mem", memory: 10),
        ])
        let plan = PlacementEngine.plan(F.request(1), in: snapshot)
        #expect(plan.reason == .memory)
        #expect(plan.failures.map(\.reason) == [.agent, .cpu, .memory])
    }

    @Test("an empty cluster reports that no container instances were found")
    func emptyCluster() {
        let plan = PlacementEngine.plan(F.request(2), in: ClusterSnapshot(instances: []))
        #expect(plan.unplacedCount == 2)
        #expect(plan.ecsFailures == [ECS.Failure(reason: "No Container Instances were found in your cluster.")])
    }

    @Test("a request places what fits and fails the rest")
    func partialPlacement() {
        let snapshot = ClusterSnapshot(instances: [F.instance("a", memory: 1024), F.instance("b", memory: 512)])
        let plan = PlacementEngine.plan(F.request(5, memory: 512, strategies: [.spread(.instanceId)]), in: snapshot)
        #expect(plan.placements.count == 3)
        #expect(plan.unplacedCount == 2)
        #expect(plan.reason == .memory)
    }

    @Test("fixed host ports allow one task per instance; dynamic ports need none")
    func ports() {
        let snapshot = ClusterSnapshot(instances: [F.instance("a"), F.instance("b")])
        let fixed = PlacementEngine.plan(F.request(3, strategies: [.binpack(.memory)], tcp: [8080]), in: snapshot)
        #expect(fixed.placements == ["ci-a", "ci-b"])
        #expect(fixed.reason == .ports)
        let dynamic = PlacementEngine.plan(F.request(3, strategies: [.binpack(.memory)]), in: snapshot)
        #expect(dynamic.placements.count == 3)
    }

    @Test("task:group affinity follows tasks placed earlier in the same engine")
    func groupAffinity() throws {
        var engine = PlacementEngine(snapshot: F.twelve())
        let db = engine.place(F.request(1, group: "family:db", strategies: [.spread(.instanceId)]))
        let web = engine.place(
            F.request(
                3, group: "family:web", strategies: [.random],
                constraints: [try F.memberOf("task:group == family:db")]))
        #expect(web.placements == Array(repeating: db.placements[0], count: 3))
        let away = engine.place(
            F.request(
                11, group: "family:cache", strategies: [.spread(.instanceId)],
                constraints: [try F.memberOf("not(task:group == family:db)")]))
        #expect(!away.placements.contains(db.placements[0]))
    }

    @Test("a count far beyond what the cluster holds places what fits and reserves nothing for the rest")
    func hugeCount() {
        var engine = PlacementEngine(snapshot: ClusterSnapshot(instances: [F.instance("a", cpu: 1024, memory: 1024)]))
        let plan = engine.place(F.request(Int(Int32.max), cpu: 256, memory: 256))
        #expect(plan.placements.count == 4)
        #expect(plan.unplacedCount == Int(Int32.max) - 4)
        #expect(plan.placements.capacity < 10_000)
    }

    @Test("an engine kept across requests never oversubscribes")
    func incremental() {
        var engine = PlacementEngine(snapshot: ClusterSnapshot(instances: [F.instance("a", cpu: 1024, memory: 1024)]))
        let first = engine.place(F.request(3, cpu: 256, memory: 256, strategies: [.binpack(.memory)]))
        let second = engine.place(F.request(3, cpu: 256, memory: 256, strategies: [.binpack(.memory)]))
        #expect(first.placements.count == 3)
        #expect(second.placements.count == 1)
        #expect(engine.snapshot["ci-a"]?.remainingMemory == 0)
        #expect(engine.snapshot["ci-a"]?.runningTasksCount == 4)
    }
}
