import AdmiralModel
import AdmiralScheduler
import Foundation
import Testing

@Suite("Cluster query language")
struct ClusterQueryTests {
    let small = Fixtures.instance("a", zone: "us-east-1a", type: "t2.small", extra: ["stack": "prod", "flag": nil])
    let large = Fixtures.instance("b", zone: "us-east-1b", type: "m5.large", groups: ["service:db": 2])

    func holds(_ expression: String, _ instance: InstanceSnapshot) throws -> Bool {
        try ClusterQuery(expression).matches(instance)
    }

    @Test("attribute equality and inequality compare the value and need the attribute")
    func equality() throws {
        #expect(try holds("attribute:ecs.instance-type == t2.small", small))
        #expect(try !holds("attribute:ecs.instance-type == t2.small", large))
        #expect(try holds("attribute:stack != dev", small))
        #expect(try !holds("attribute:stack != dev", large))
        #expect(try holds("attribute:stack equals prod", small))
        #expect(try holds("attribute:stack not_equals dev", small))
    }

    @Test("exists and !exists test presence, including attributes without value")
    func existence() throws {
        #expect(try holds("attribute:flag exists", small))
        #expect(try holds("attribute:stack exists", small))
        #expect(try !holds("attribute:stack exists", large))
        #expect(try holds("attribute:stack !exists", large))
        #expect(try holds("attribute:stack not_exists", large))
    }

    @Test("in and not in take lists of bare or quoted values")
    func lists() throws {
        #expect(try holds("attribute:ecs.availability-zone in [us-east-1a, us-east-1b]", small))
        #expect(try holds("ec2InstanceId in ['i-a', 'i-wxyx7890']", small))
        #expect(try !holds("ec2InstanceId not in ['i-a', \"i-c\"]", small))
        #expect(try holds("ec2InstanceId !in [i-c]", small))
        #expect(try holds("ec2InstanceId not_in [i-c]", small))
    }

    @Test("matches and not matches take whole-value regular expressions")
    func patterns() throws {
        #expect(try holds("attribute:ecs.instance-type =~ t2.*", small))
        #expect(try !holds("attribute:ecs.instance-type =~ t2", small))
        #expect(try holds("attribute:ecs.instance-type !~ t2.*", large))
        #expect(try holds("attribute:ecs.instance-type matches (t2|m5)\\..*", large))
        #expect(try holds("attribute:ecs.instance-type not_matches g2.*", large))
    }

    @Test("a star in an equality value is a wildcard")
    func wildcards() throws {
        #expect(try holds("attribute:ecs.instance-type == t2.*", small))
        #expect(try holds("attribute:ecs.availability-zone in [*-1b]", large))
        #expect(try !holds("attribute:ecs.instance-type == *.large", small))
    }

    @Test("ordering operators compare numbers, versions and dates")
    func ordering() throws {
        #expect(try holds("runningTasksCount == 0", small))
        #expect(try holds("runningTasksCount >= 2", large))
        #expect(try holds("runningTasksCount < 3", large))
        #expect(try holds("runningTasksCount greater_than 1", large))
        #expect(try holds("agentVersion < 1.20.1", small))
        #expect(try holds("agentVersion >= 1.20", small))
        #expect(try !holds("agentVersion > 1.20.0", small))
        #expect(try holds("registeredAt > 2023-01-01", small))
        #expect(try holds("registeredAt <= 2023-11-14T22:13:20Z", small))
        #expect(try holds("registeredAt == 2023-11-14T22:13:20+00:00", small))
        #expect(try holds("registeredAt less_than_equal 2023-11-14T22:13:20", small))
        #expect(try holds("attribute:stack > prob", small))
    }

    @Test("agentConnected, ec2InstanceId and task:group are subjects too")
    func builtIns() throws {
        #expect(try holds("agentConnected == true", small))
        #expect(try holds("ec2InstanceId == i-a", small))
        #expect(try holds("task:group == service:db", large))
        #expect(try holds("not(task:group == service:db)", small))
        #expect(try holds("task:group != service:web", large))
        #expect(try holds("task:group exists", large))
        #expect(try holds("task:group =~ service:.*", large))
    }

    @Test("and binds tighter than or, not tighter than and, parentheses override")
    func precedence() throws {
        let expression = "attribute:stack == prod or attribute:ecs.instance-type == m5.large and runningTasksCount == 9"
        #expect(try holds(expression, small))
        #expect(try !holds(expression, large))
        #expect(try !holds("(attribute:stack == prod or runningTasksCount == 2) and ec2InstanceId == i-b", small))
        #expect(try holds("(attribute:stack == prod || runningTasksCount == 2) && ec2InstanceId == i-b", large))
        #expect(try holds("! attribute:stack exists and runningTasksCount == 2", large))
        #expect(try holds("not attribute:stack == dev and attribute:stack exists", small))
        #expect(
            try holds(
                "attribute:ecs.instance-type =~ t2.* and attribute:ecs.availability-zone != us-east-1d", small))
    }

    @Test("a query that reads task groups or running counts depends on placements")
    func dynamicSubjects() throws {
        #expect(try ClusterQuery("task:group == x").dependsOnPlacements)
        #expect(try ClusterQuery("attribute:a exists or runningTasksCount > 1").dependsOnPlacements)
        #expect(try !ClusterQuery("attribute:a exists").dependsOnPlacements)
    }

    @Test(
        "malformed expressions are InvalidParameterException naming the position",
        arguments: [
            ("", 1),
            ("attribute:stack", 16),
            ("attribute:stack ==", 19),
            ("color == red", 1),
            ("attribute:stack in [a, b", 25),
            ("attribute:stack in a", 20),
            ("(attribute:stack exists", 24),
            ("attribute:stack exists and", 27),
            ("attribute:stack exists attribute:x exists", 24),
            ("runningTasksCount == many", 22),
            ("registeredAt > yesterday", 16),
            ("agentVersion in [1.0]", 14),
            ("ec2InstanceId > i-a", 15),
            ("attribute:a =~ 'x(('", 16),
            ("attribute:a == 'open", 16),
            ("attribute:a == b)", 17),
        ])
    func malformed(expression: String, position: Int) {
        do {
            _ = try ClusterQuery(expression)
            Issue.record("expected '\(expression)' to be rejected")
        } catch let error as AdmiralError {
            #expect(error.code == .invalidParameter)
            #expect(error.message.contains("at position \(position)"), "\(error.message)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("a client's expression cannot choose how deep the parser recurses: nesting and length are bounded")
    func boundedExpressions() throws {
        // Found by fuzzing: 20,000 nested parentheses overflowed the parser's stack, and
        // ListContainerInstances passes its filter to this parser.
        let deep = String(repeating: "(", count: 20_000)
        #expect(throws: AdmiralError.self) { try ClusterQuery(deep) }
        let nested = String(repeating: "(", count: 33) + "attribute:a == b" + String(repeating: ")", count: 33)
        #expect(throws: AdmiralError.self) { try ClusterQuery(nested) }
        let nots = String(repeating: "not ", count: 40) + "attribute:a == b"
        #expect(throws: AdmiralError.self) { try ClusterQuery(nots) }
        let fine = String(repeating: "(", count: 31) + "attribute:a == b" + String(repeating: ")", count: 31)
        #expect(try ClusterQuery(fine).description == fine)
        let long = Array(repeating: "attribute:a == b", count: 200).joined(separator: " or ")
        #expect(long.utf8.count > ClusterQuery.maximumLength)
        #expect(throws: AdmiralError.self) { try ClusterQuery(long) }
    }

    @Test("=~ patterns that a backtracking matcher takes exponential time on are refused; the rest match whole")
    func linearPatterns() throws {
        for pattern in ["(a+)+", "(a|ab)*", "((x)*)+y", "(t2|t3)+"] {
            #expect(throws: AdmiralError.self) { try ClusterQuery("attribute:a =~ '\(pattern)'") }
        }
        for pattern in ["t2.*", "(t2|t3)\\..*", "m5[a-z]*\\.x?large", "[(]+x", "a{2,3}(b)?"] {
            _ = try ClusterQuery("attribute:a =~ '\(pattern)'")
        }
        let query = try ClusterQuery("attribute:type =~ '(t2|t3)\\..*'")
        let instance = InstanceSnapshot(id: "i", attributes: ["type": "t3.small"], remainingCPU: 1, remainingMemory: 1)
        #expect(query.matches(instance))
        let other = InstanceSnapshot(id: "j", attributes: ["type": "xt3.small"], remainingCPU: 1, remainingMemory: 1)
        #expect(!query.matches(other))
    }
}
