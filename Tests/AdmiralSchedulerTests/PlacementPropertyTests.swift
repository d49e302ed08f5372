import AdmiralScheduler
import Testing

/// Property tests over random fleets and requests drawn from a seeded generator.
@Suite("Placement properties")
struct PlacementPropertyTests {
    static let cases = 300

    /// A random fleet: 1–40 instances over three zones, assorted sizes, statuses and attributes.
    static func fleet(_ random: inout SplitMix64) -> ClusterSnapshot {
        let size = Int(random.next() % 40) + 1
        let types = ["t2.small", "t2.large", "m5.large", "c5.xlarge"]
        return ClusterSnapshot(
            instances: (0..<size).map { number in
                let roll = random.next() % 20
                return Fixtures.instance(
                    "\(number)", zone: Fixtures.zones[Int(random.next() % 3)], type: types[Int(random.next() % 4)],
                    cpu: 256 * Int(random.next() % 12), memory: 512 * Int(random.next() % 12),
                    status: roll == 0 ? .draining : .active, connected: roll != 1,
                    extra: random.next() % 2 == 0 ? ["stack": "prod"] : [:],
                    groups: random.next() % 3 == 0 ? ["family:web": Int(random.next() % 3)] : [:],
                    tcp: random.next() % 4 == 0 ? [80] : [])
            })
    }

    static let strategyPool: [[PlacementStrategy]] = [
        [.random], [.binpack(.memory)], [.binpack(.cpu)], [.spread(.instanceId)], [Fixtures.azSpread],
        [Fixtures.azSpread, .binpack(.memory)], [Fixtures.azSpread, .spread(.instanceId)],
        [.spread(.attribute("ecs.instance-type")), .binpack(.cpu)], [.binpack(.memory), Fixtures.azSpread],
        [.spread(.instanceId), .random], [Fixtures.azSpread, .spread(.attribute("stack")), .binpack(.cpu)],
    ]

    static let expressions = [
        "attribute:stack == prod", "attribute:ecs.instance-type =~ t2.*", "not(task:group == family:web)",
        "runningTasksCount < 3",
        "attribute:ecs.availability-zone in [us-east-1a, us-east-1c] or attribute:stack exists",
        "task:group == family:web",
    ]

    static func request(_ random: inout SplitMix64) -> PlacementRequest {
        var constraints: [PlacementConstraint] = []
        if random.next() % 3 == 0 { constraints.append(.distinctInstance) }
        if random.next() % 2 == 0, let query = try? ClusterQuery(expressions[Int(random.next() % 6)]) {
            constraints.append(.memberOf(query))
        }
        return Fixtures.request(
            Int(random.next() % 12) + 1, cpu: 128 * Int(random.next() % 4), memory: 256 * Int(random.next() % 4 + 1),
            group: random.next() % 2 == 0 ? "family:web" : "family:api",
            strategies: strategyPool[Int(random.next() % UInt64(strategyPool.count))], constraints: constraints,
            seed: random.next(), tcp: random.next() % 5 == 0 ? [80] : [])
    }

    /// Replays a plan on a copy of the fleet, checking each placement against the
    /// constraints and resources as they stood just before it.
    static func violations(_ plan: PlacementPlan, _ request: PlacementRequest, _ fleet: ClusterSnapshot) -> [String] {
        var instances = fleet.instances
        var problems: [String] = []
        for id in plan.placements {
            guard let ordinal = fleet.ordinal(of: id) else { return ["unknown instance \(id)"] }
            var instance = instances[ordinal]
            if !instance.acceptsTasks { problems.append("\(id) does not accept tasks") }
            for constraint in request.constraints {
                switch constraint {
                case .distinctInstance where instance.taskGroups[request.group, default: 0] > 0:
                    problems.append("\(id) already runs \(request.group)")
                case .memberOf(let query) where !query.matches(instance):
                    problems.append("\(id) is not a member of \(query)")
                default: break
                }
            }
            if !instance.usedTCPPorts.isDisjoint(with: request.tcpPorts) { problems.append("\(id) port clash") }
            instance.remainingCPU -= request.cpu
            instance.remainingMemory -= request.memory
            if instance.remainingCPU < 0 || instance.remainingMemory < 0 { problems.append("\(id) oversubscribed") }
            instance.usedTCPPorts.formUnion(request.tcpPorts)
            instance.runningTasksCount += 1
            instance.taskGroups[request.group, default: 0] += 1
            instances[ordinal] = instance
        }
        return problems
    }

    @Test("no placement violates a constraint or oversubscribes a resource")
    func noViolations() {
        var random = SplitMix64(seed: 2026)
        for _ in 0..<Self.cases {
            var engine = PlacementEngine(snapshot: Self.fleet(&random))
            for _ in 0..<3 {
                let before = engine.snapshot
                let request = Self.request(&random)
                let plan = engine.place(request)
                #expect(Self.violations(plan, request, before).isEmpty)
                #expect(plan.placements.count + plan.unplacedCount == request.count)
                if plan.unplacedCount > 0 { #expect(!plan.failures.isEmpty) }
            }
        }
    }

    @Test("the indexed pass chooses exactly what the reference pass chooses (random aside)")
    func indexedMatchesReference() {
        var random = SplitMix64(seed: 99)
        for _ in 0..<Self.cases {
            let fleet = Self.fleet(&random)
            var indexed = PlacementEngine(snapshot: fleet)
            var reference = PlacementEngine(snapshot: fleet)
            reference.alwaysUseReferencePass = true
            for _ in 0..<3 {
                var request = Self.request(&random)
                if request.strategies.first == .random { request.strategies = [.binpack(.cpu)] }
                #expect(indexed.place(request) == reference.place(request), "\(request.strategies)")
            }
        }
    }

    @Test("on a fleet of hundreds the indexed pass still matches the reference pass")
    func largeFleetMatchesReference() throws {
        var random = SplitMix64(seed: 314)
        let fleet = ClusterSnapshot(
            instances: (0..<700).map { number in
                Fixtures.instance(
                    "\(number)", zone: Fixtures.zones[Int(random.next() % 3)], cpu: 256 * Int(random.next() % 16),
                    memory: 512 * Int(random.next() % 16), extra: number % 5 == 0 ? [:] : ["stack": "prod"])
            })
        var indexed = PlacementEngine(snapshot: fleet)
        var reference = PlacementEngine(snapshot: fleet)
        reference.alwaysUseReferencePass = true
        let shapes: [[PlacementStrategy]] = [
            [.binpack(.memory)], [Fixtures.azSpread, .binpack(.cpu)], [.spread(.instanceId)], [Fixtures.azSpread],
        ]
        let member = PlacementConstraint.memberOf(try ClusterQuery("attribute:stack exists"))
        for number in 0..<30 {
            let request = Fixtures.request(
                10, cpu: 128 * Int(random.next() % 5), memory: 256 * Int(random.next() % 5 + 1),
                group: "family:g\(number % 3)", strategies: shapes[number % shapes.count],
                constraints: number % 2 == 0 ? [] : [member])
            #expect(indexed.place(request) == reference.place(request))
        }
    }

    @Test("spread over zones never leaves two zones more than one task apart when capacity allows")
    func spreadBalance() {
        var random = SplitMix64(seed: 7)
        for _ in 0..<Self.cases {
            let size = Int(random.next() % 30) + 3
            let fleet = ClusterSnapshot(
                instances: (0..<size).map {
                    Fixtures.instance("\($0)", zone: Fixtures.zones[$0 % 3], cpu: 1 << 20, memory: 1 << 20)
                })
            var engine = PlacementEngine(snapshot: fleet)
            for _ in 0..<4 {
                let strategies: [PlacementStrategy] =
                    random.next() % 2 == 0 ? [Fixtures.azSpread] : [Fixtures.azSpread, .binpack(.memory)]
                _ = engine.place(Fixtures.request(Int(random.next() % 20) + 1, strategies: strategies))
                let perZone = engine.snapshot.tasks(of: "family:web")
                #expect((perZone.max() ?? 0) - (perZone.min() ?? 0) <= 1, "\(perZone)")
            }
            let perInstance = engine.snapshot.instances.map { $0.taskGroups["family:web", default: 0] }
            var spreadEngine = PlacementEngine(snapshot: fleet)
            _ = spreadEngine.place(Fixtures.request(perInstance.reduce(0, +), strategies: [.spread(.instanceId)]))
            let counts = spreadEngine.snapshot.instances.map { $0.taskGroups["family:web", default: 0] }
            #expect((counts.max() ?? 0) - (counts.min() ?? 0) <= 1)
        }
    }

    @Test("binpack never opens an unused instance while a used one still fits")
    func binpackPacks() {
        var random = SplitMix64(seed: 11)
        for _ in 0..<Self.cases {
            var engine = PlacementEngine(snapshot: Self.fleet(&random))
            let request = Fixtures.request(
                Int(random.next() % 30) + 1, cpu: 0, memory: 256 * Int(random.next() % 3 + 1),
                group: "family:batch", strategies: [.binpack(.memory)])
            var used = Set<String>()
            for _ in 0..<request.count {
                var single = request
                single.count = 1
                let before = engine.snapshot
                guard let chosen = engine.place(single).placements.first else { break }
                if !used.contains(chosen) {
                    let fits = before.instances.contains {
                        used.contains($0.id) && $0.remainingMemory >= request.memory && $0.acceptsTasks
                    }
                    #expect(!fits, "opened \(chosen) while a used instance still fits")
                }
                used.insert(chosen)
            }
        }
    }

    @Test("the same seed gives the same plan")
    func determinism() {
        var random = SplitMix64(seed: 5)
        for _ in 0..<Self.cases {
            let fleet = Self.fleet(&random)
            let request = Self.request(&random)
            #expect(PlacementEngine.plan(request, in: fleet) == PlacementEngine.plan(request, in: fleet))
        }
    }
}
