import AdmiralModel
import AdmiralStore
import Foundation
import GRDB
import Testing

/// A small realistic state, built through the store's own API: a cluster, two
/// instances, three revisions of `web` and one of `worker`, a REPLICA service behind a
/// target group with two RUNNING tasks (one a target), a DAEMON service with one task,
/// and a RunTask task that ran and STOPPED.
struct CheckedState {
    static let region = "us-east-1"
    static let account = "000000000000"
    static let deployment = "ecs-svc/1111111111111111111"
    static let daemonDeployment = "ecs-svc/2222222222222222222"
    static let groupId = "0123456789abcdef"
    static let groupARN = "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/\(groupId)"
    static let names = ECSNames(region: region, accountId: account)

    let database: TemporaryDatabase
    var store: SQLiteStore { database.store }
    var folder: String { database.folder.path }

    init() async throws {
        database = try TemporaryDatabase()
        let store = database.store
        _ = try await store.createCluster(clusterRecord("c"), tags: [])
        for _ in 1...3 {
            _ = try await store.registerTaskDefinition(family: "web", definition: taskDefinition("web"), tags: [])
        }
        _ = try await store.registerTaskDefinition(family: "worker", definition: taskDefinition("worker"), tags: [])
        _ = try await store.registerContainerInstance(instanceRecord("c", "a", memory: 2048, ports: [22]), reusing: nil)
        _ = try await store.registerContainerInstance(instanceRecord("c", "b", memory: 2048, ports: [22]), reusing: nil)
        let webDefinition = Self.names.taskDefinitionARN(family: "web", revision: 1)
        let balancer = ECS.LoadBalancer(targetGroupArn: Self.groupARN, containerName: "app", containerPort: 80)
        _ = try await store.createService(
            Self.service("web", definition: webDefinition, deployment: Self.deployment, balancers: [balancer]), tags: []
        ) { _ in false }
        _ = try await store.createService(
            Self.service("probe", definition: webDefinition, deployment: Self.daemonDeployment, strategy: .daemon),
            tags: []
        ) { _ in false }
        _ = try await store.createTasks(cluster: "c", tags: []) { _ in
            PlacementOutcome(
                tasks: [
                    taskRecord("c", "t1", on: "a", ports: [8080], group: "service:web", startedBy: Self.deployment),
                    taskRecord("c", "t2", on: "b", ports: [8080], group: "service:web", startedBy: Self.deployment),
                    taskRecord(
                        "c", "d1", on: "a", memory: 64, group: "service:probe", startedBy: Self.daemonDeployment),
                    taskRecord("c", "r1", on: "b", memory: 128),
                ], failures: [])
        }
        _ = try await store.updateTasks(cluster: "c", ids: ["t1", "t2", "d1"]) { task in
            task.lastStatus = .running
            task.task.containers = [
                ECS.Container(
                    name: "app", lastStatus: "RUNNING",
                    networkBindings: [ECS.NetworkBinding(containerPort: 80, hostPort: 8080)])
            ]
        }
        _ = try await store.updateTasks(cluster: "c", ids: ["r1"]) { task in
            task.desiredStatus = .stopped
            task.lastStatus = .stopped
            task.task.stoppedAt = Date(timeIntervalSince1970: 1_700_000_500)
        }
        let settings = try TargetGroupRules.settings(
            for: ELBv2.CreateTargetGroupInput(name: "web", protocol: .http, port: 80, targetType: .instance),
            defaultVpcId: "vpc-admiral")
        _ = try await store.updateLoadBalancing { state in
            state.targetGroups[Self.groupId] = TargetGroupRecord(
                id: Self.groupId, name: "web", settings: settings, attributes: [:], tags: [],
                createdAt: Date(timeIntervalSince1970: 1_700_000_000))
            let key = TargetKey(targetGroupId: Self.groupId, id: "i-a", port: 8080)
            state.targets[key] = TargetRecord(
                key: key, availabilityZone: nil, registeredAt: Date(timeIntervalSince1970: 1_700_000_300))
        }
        _ = try await store.updateTasks(cluster: "c", ids: ["t1"]) { task in
            task.loadBalancerTargets = [TaskTarget(targetGroupArn: Self.groupARN, id: "i-a", port: 8080)]
        }
    }

    static func service(
        _ name: String, definition: String, deployment: String, strategy: ECS.SchedulingStrategy = .replica,
        balancers: [ECS.LoadBalancer] = []
    ) -> ServiceRecord {
        ServiceRecord(
            cluster: "c", name: name, status: .active,
            service: ECS.Service(
                loadBalancers: balancers, desiredCount: 2, taskDefinition: definition,
                deployments: [
                    ECS.Deployment(
                        id: deployment, status: "PRIMARY", taskDefinition: definition, desiredCount: 2,
                        createdAt: Date(timeIntervalSince1970: 1_700_000_000))
                ], schedulingStrategy: strategy),
            clientToken: nil)
    }

    /// The violations of the folder as `admiral check` reads it.
    func violations() throws -> [Violation] {
        let snapshot = try StateSnapshot.read(dataFolder: folder, region: Self.region, accountId: Self.account)
        return InvariantChecker(region: Self.region, accountId: Self.account).check(snapshot)
    }

    /// Changes the database behind the store's back, as corruption would.
    func corrupt(_ change: (Database) throws -> Void) throws {
        let queue = try DatabaseQueue(path: database.folder.appendingPathComponent("admiral.sqlite").path)
        try queue.write(change)
        try queue.close()
    }

    func cleanup() { database.cleanup() }
}

@Suite("admiral check: the invariants of the stored state")
struct InvariantCheckerTests {
    let names = CheckedState.names

    @Test("a state built through the store, read while the store is open, breaks no invariant")
    func consistent() async throws {
        let state = try await CheckedState()
        defer { state.cleanup() }
        let snapshot = try StateSnapshot.read(dataFolder: state.folder, region: "us-east-1", accountId: "000000000000")
        #expect(snapshot.tasks.count == 4 && snapshot.liveTasks.count == 3)
        #expect(snapshot.instances.count == 2 && snapshot.services.count == 2)
        #expect(snapshot.loadBalancing.targets.count == 1)
        let violations = try state.violations()
        #expect(violations.isEmpty, "\(violations.map(\.description))")
    }

    @Test("an instance whose recorded usage differs from its tasks' reservations is reported")
    func usage() async throws {
        let state = try await CheckedState()
        defer { state.cleanup() }
        try state.corrupt { db in
            let body = try #require(try Data.fetchOne(db, sql: "SELECT body FROM container_instances WHERE id = 'a'"))
            var record = try ECS.makeDecoder().decode(ContainerInstanceRecord.self, from: body)
            record.usage.memory += 100
            record.usage.tcpPorts = []
            try db.execute(
                sql: "UPDATE container_instances SET body = ? WHERE id = 'a'",
                arguments: [try ECS.makeEncoder().encode(record)])
        }
        let violations = try state.violations()
        let arn = names.containerInstanceARN(cluster: "c", id: "a")
        let found = violations.filter { $0.invariant == .instanceUsage && $0.subject == arn }
        #expect(found.count == 2, "\(violations.map(\.description))")
        #expect(
            found.contains {
                $0.message.contains("memory in use is 420 MiB, but its 2 task(s) not STOPPED reserve 320 MiB")
            })
        #expect(found.contains { $0.message.contains("reserved by tasks but not recorded: 8080") })
        #expect(violations.count == found.count)
    }

    @Test("a task whose container instance row is gone is reported, with the instance's ARN")
    func missingInstance() async throws {
        let state = try await CheckedState()
        defer { state.cleanup() }
        try state.corrupt { db in try db.execute(sql: "DELETE FROM container_instances WHERE id = 'b'") }
        let violations = try state.violations()
        let missing = names.containerInstanceARN(cluster: "c", id: "b")
        for id in ["t2", "r1"] {
            #expect(
                violations.contains {
                    $0.invariant == .danglingReference && $0.subject == names.taskARN(cluster: "c", id: id)
                        && $0.message.contains(missing)
                }, "\(violations.map(\.description))")
        }
    }

    @Test("a gap in a family's revisions is reported")
    func revisionGap() async throws {
        let state = try await CheckedState()
        defer { state.cleanup() }
        try state.corrupt { db in
            try db.execute(sql: "DELETE FROM task_definitions WHERE family = 'web' AND revision = 2")
        }
        let violations = try state.violations()
        #expect(
            violations.map(\.description) == [
                "VIOLATION revisions arn:aws:ecs:us-east-1:000000000000:task-definition/web: Revisions of family 'web' "
                    + "must be 1...3 with none missing: revision(s) 2 are missing."
            ])
    }

    @Test("a target in a service's target group that is no live task of the service is reported")
    func strayTarget() async throws {
        let state = try await CheckedState()
        defer { state.cleanup() }
        _ = try await state.store.updateLoadBalancing { lb in
            let key = TargetKey(targetGroupId: CheckedState.groupId, id: "i-b", port: 9999)
            lb.targets[key] = TargetRecord(
                key: key, availabilityZone: nil, registeredAt: Date(timeIntervalSince1970: 0))
        }
        // And the target of a task that stops stays registered: also stray.
        _ = try await state.store.updateTasks(cluster: "c", ids: ["t1"]) { task in
            task.desiredStatus = .stopped
            task.lastStatus = .stopped
        }
        let violations = try state.violations()
        let stray = violations.filter { $0.invariant == .strayTarget }
        #expect(stray.count == 2, "\(violations.map(\.description))")
        #expect(stray.allSatisfy { $0.subject == CheckedState.groupARN })
        #expect(stray.contains { $0.message.hasPrefix("Target i-b:9999 ") })
        #expect(stray.contains { $0.message.hasPrefix("Target i-a:8080 ") })
        #expect(stray.allSatisfy { $0.message.contains(self.names.serviceARN(cluster: "c", name: "web")) })
    }

    @Test("a RUNNING service task that no live deployment counts is reported")
    func deploymentCounts() async throws {
        let state = try await CheckedState()
        defer { state.cleanup() }
        _ = try await state.store.updateTasks(cluster: "c", ids: ["t2"]) { $0.startedBy = "ecs-svc/9" }
        _ = try await state.store.updateService(cluster: "c", name: "web") { record in
            record.service.deployments?.append(ECS.Deployment(id: "ecs-svc/0", status: "PRIMARY"))
        }
        let violations = try state.violations()
        let web = names.serviceARN(cluster: "c", name: "web")
        #expect(
            violations.contains {
                $0.invariant == .deploymentCount && $0.subject == names.taskARN(cluster: "c", id: "t2")
                    && $0.message.contains("'ecs-svc/9', which is none of the service's deployments")
            }, "\(violations.map(\.description))")
        #expect(
            violations.contains {
                $0.invariant == .deployments && $0.subject == web && $0.message.contains("has 2 PRIMARY deployments")
            })
        #expect(violations.count == 2)
    }

    @Test("two live tasks of a DAEMON service on one instance are reported")
    func daemonSlot() async throws {
        let state = try await CheckedState()
        defer { state.cleanup() }
        _ = try await state.store.createTasks(cluster: "c", tags: []) { _ in
            PlacementOutcome(
                tasks: [
                    taskRecord(
                        "c", "d2", on: "a", memory: 64, group: "service:probe", startedBy: CheckedState.daemonDeployment
                    )
                ], failures: [])
        }
        let violations = try state.violations()
        #expect(violations.count == 1, "\(violations.map(\.description))")
        #expect(violations.first?.invariant == .daemonSlot)
        #expect(violations.first?.subject == names.serviceARN(cluster: "c", name: "probe"))
        #expect(violations.first?.message.contains(names.taskARN(cluster: "c", id: "d2")) == true)
    }

    @Test("a stored ARN that does not parse is reported")
    func arns() async throws {
        let state = try await CheckedState()
        defer { state.cleanup() }
        _ = try await state.store.updateService(cluster: "c", name: "web") { record in
            record.service.taskDefinition = "web:1"
            record.service.loadBalancers?[0].targetGroupArn = "arn:aws:elasticloadbalancing:us-east-1:0:targetgroup/web"
        }
        let violations = try state.violations().filter { $0.invariant == .arn }
        #expect(violations.count == 2, "\(violations.map(\.description))")
        #expect(violations.allSatisfy { $0.subject == self.names.serviceARN(cluster: "c", name: "web") })
        #expect(violations.contains { $0.message.hasPrefix("taskDefinition 'web:1' is not an ARN") })
        #expect(violations.contains { $0.message.contains("is not a target group ARN") })
    }

    @Test("ARN shapes: ECS, load balancing, alarms and scaling policies")
    func arnShapes() {
        let good = [
            "arn:aws:ecs:us-east-1:000000000000:task/c/0123456789abcdef0123456789abcdef",
            "arn:aws:ecs:us-east-1:000000000000:cluster/default",
            "arn:aws:cloudwatch:us-east-1:000000000000:alarm:cpu high",
            "arn:aws:autoscaling:us-east-1:000000000000:scalingPolicy:1b2c:resource/ecs/service/c/web:policyName/out",
            "arn:aws:sns:us-east-1:000000000000:topic",
            CheckedState.groupARN,
        ]
        for text in good { #expect(InvariantCheckerProbe.problem(text) == nil, "\(text)") }
        let bad = [
            "web:1", "arn:aws:ecs:us-east-1:000000000000:widget/x", "arn:aws:cloudwatch:us-east-1:000000000000:alarm:",
            "arn:aws:autoscaling:us-east-1:000000000000:scalingPolicy:1b2c:policyName/out",
            "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/xyz",
        ]
        for text in bad { #expect(InvariantCheckerProbe.problem(text) != nil, "\(text)") }
    }

    @Test("an older schema, a missing folder and a folder without a database cannot be read")
    func unreadable() async throws {
        let state = try await CheckedState()
        defer { state.cleanup() }
        #expect(throws: StateReadError.self) {
            try StateSnapshot.read(dataFolder: state.folder + "/nowhere", region: "us-east-1", accountId: "0")
        }
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("admiral-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect(throws: StateReadError.self) {
            try StateSnapshot.read(dataFolder: empty.path, region: "us-east-1", accountId: "0")
        }
        try state.corrupt { db in try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v3-services'") }
        let error = #expect(throws: StateReadError.self) {
            try StateSnapshot.read(dataFolder: state.folder, region: "us-east-1", accountId: "0")
        }
        #expect(error?.message.contains("older than this admiral expects") == true)
        #expect(error?.message.contains("v3-services") == true)
    }

    @Test("a Docker host: a running container of an unknown or STOPPED task, a RUNNING task without its container")
    func host() async throws {
        let state = try await CheckedState()
        defer { state.cleanup() }
        let snapshot = try StateSnapshot.read(dataFolder: state.folder, region: "us-east-1", accountId: "000000000000")
        let checker = InvariantChecker(region: "us-east-1", accountId: "000000000000")
        func container(_ task: String, _ state: String, instance: String = "a") -> HostContainer {
            HostContainer(
                id: "\(task)-\(state)-0123456789", name: "ecs-web-1-app-\(task)", state: state, cluster: "c",
                taskArn: names.taskARN(cluster: "c", id: task), containerName: "app", containerInstanceId: instance)
        }
        let healthy = [
            container("t1", "running"), container("d1", "running"), container("t2", "running", instance: "b"),
            container("r1", "exited", instance: "b"),
        ]
        let clean = checker.checkHost(snapshot, containers: healthy, host: "unix:///d.sock")
        #expect(clean.isEmpty, "\(clean.map(\.description))")
        // t2 runs on b, which now has a container on this host; r1 is STOPPED; "ghost" is unknown.
        let broken = [
            container("t1", "running"), container("r1", "running", instance: "b"), container("ghost", "running"),
            container("gone", "exited"),
        ]
        let violations = checker.checkHost(snapshot, containers: broken, host: "unix:///d.sock")
        let lines = violations.map { "\($0.invariant.rawValue) \($0.subject)" }.sorted()
        #expect(
            lines == [
                "host-container \(names.taskARN(cluster: "c", id: "ghost"))",
                "host-container \(names.taskARN(cluster: "c", id: "r1"))",
                "host-task \(names.taskARN(cluster: "c", id: "d1"))",
                "host-task \(names.taskARN(cluster: "c", id: "t2"))",
            ], "\(violations.map(\.description))")
    }
}

/// Reaches the checker's ARN rules through an alarm action, as a stored alarm keeps one.
enum InvariantCheckerProbe {
    static func problem(_ text: String) -> String? {
        var snapshot = StateSnapshot()
        let body = (try? JSONSerialization.data(withJSONObject: ["AlarmActions": [text]])) ?? Data()
        snapshot.alarms = [StateSnapshot.StoredObject(name: "alarm probe", subject: "probe", body: body)]
        return InvariantChecker(region: "us-east-1", accountId: "000000000000").check(snapshot).first?.message
    }
}
