import AdmiralModel
import AdmiralScheduler
import Testing

@Suite("Placement strategy and constraint validation")
struct PlacementPolicyTests {
    func rejects(_ body: () throws -> Void, mentioning text: String) {
        do {
            try body()
            Issue.record("expected an InvalidParameterException mentioning \(text)")
        } catch let error as AdmiralError {
            #expect(error.code == .invalidParameter)
            #expect(error.message.contains(text), "\(error.message)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("strategies from the wire map to the engine's strategies")
    func strategies() throws {
        let parsed = try PlacementStrategy.parse([
            .init(type: .spread, field: "attribute:ecs.availability-zone"), .init(type: .spread, field: "host"),
            .init(type: .binpack, field: "MEMORY"), .init(type: .random),
        ])
        #expect(
            parsed == [.spread(.attribute("ecs.availability-zone")), .spread(.instanceId), .binpack(.memory), .random])
    }

    @Test("no strategy gives the default: random for RunTask, zones then instances for services")
    func defaults() throws {
        #expect(try PlacementStrategy.parse(nil) == [.random])
        #expect(
            try PlacementStrategy.parse([], defaults: PlacementStrategy.serviceDefault)
                == [.spread(.attribute("ecs.availability-zone")), .spread(.instanceId)])
    }

    @Test("invalid strategies are rejected")
    func invalidStrategies() {
        rejects(
            { _ = try PlacementStrategy.parse(Array(repeating: .init(type: .random), count: 6)) },
            mentioning: "at most 5")
        rejects(
            { _ = try PlacementStrategy.parse([.init(type: .binpack, field: "disk")]) }, mentioning: "cpu or memory")
        rejects({ _ = try PlacementStrategy.parse([.init(type: .spread)]) }, mentioning: "instanceId")
        rejects({ _ = try PlacementStrategy.parse([.init(type: .spread, field: "zone")]) }, mentioning: "attribute:")
        rejects({ _ = try PlacementStrategy.parse([.init(field: "cpu")]) }, mentioning: "type")
    }

    @Test("invalid constraints are rejected")
    func invalidConstraints() {
        rejects(
            { _ = try PlacementConstraint.parse([.init(type: .distinctInstance, expression: "a == b")]) },
            mentioning: "no expression")
        rejects({ _ = try PlacementConstraint.parse([.init(type: .memberOf)]) }, mentioning: "needs an expression")
        rejects(
            { _ = try PlacementConstraint.parse([.init(type: .memberOf, expression: "attribute:a ==")]) },
            mentioning: "position")
        rejects(
            { _ = try PlacementConstraint.parse(Array(repeating: .init(type: .distinctInstance), count: 11)) },
            mentioning: "at most 10")
        rejects(
            {
                _ = try PlacementConstraint.parse(
                    Array(repeating: .init(type: .distinctInstance), count: 4),
                    taskDefinition: try PlacementConstraint.parseTaskDefinition(
                        Array(repeating: .init(type: .memberOf, expression: "attribute:a exists"), count: 7)))
            }, mentioning: "at most 10")
    }

    @Test("request and task definition constraints are combined")
    func combined() throws {
        let parsed = try PlacementConstraint.parse(
            [.init(type: .distinctInstance)],
            taskDefinition: try PlacementConstraint.parseTaskDefinition([
                .init(type: .memberOf, expression: "attribute:a exists")
            ]))
        #expect(parsed.map(\.description) == ["distinctInstance", "memberOf(attribute:a exists)"])
    }
}

@Suite("Required attributes")
struct RequiredAttributeTests {
    @Test("a task definition's requiresAttributes become requirements that filter instances")
    func requiresAttributes() {
        let required = PlacementRequest.RequiredAttribute.from([
            ECS.Attribute(name: "ecs.capability.task-eni"), ECS.Attribute(name: "stack", value: "prod"),
        ])
        #expect(required == [.init(name: "ecs.capability.task-eni"), .init(name: "stack", value: "prod")])
        let snapshot = ClusterSnapshot(instances: [
            Fixtures.instance("a", extra: ["ecs.capability.task-eni": nil, "stack": "dev"]),
            Fixtures.instance("b", extra: ["ecs.capability.task-eni": nil, "stack": "prod"]),
        ])
        var request = Fixtures.request(2)
        request.requiredAttributes = required
        let plan = PlacementEngine.plan(request, in: snapshot)
        #expect(plan.placements == ["ci-b", "ci-b"])
    }
}
