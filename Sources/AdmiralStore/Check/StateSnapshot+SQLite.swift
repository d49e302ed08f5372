import AdmiralModel
import Foundation
import GRDB

/// Why the state of a data folder could not be read (`admiral check` exits 2).
public struct StateReadError: Error, Sendable, CustomStringConvertible {
    /// What went wrong and what to do.
    public var message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

extension StateSnapshot {
    /// The control plane's database in a data folder.
    public static let mainDatabaseName = "admiral.sqlite"
    /// CloudWatch's database (alarms).
    static let metricsDatabaseName = "metrics.sqlite"
    /// Application Auto Scaling's database (targets, policies).
    static let scalingDatabaseName = "autoscaling.sqlite"

    /// Reads the state kept in the data folder `folder`, as `admiral server --data-dir`
    /// keeps it, while a server may be writing it: each database is opened read-only and
    /// read in one transaction, so each is a consistent snapshot; nothing is written and
    /// no migration runs. `region` and `accountId` name the side databases' objects.
    public static func read(dataFolder folder: String, region: String, accountId: String) throws -> StateSnapshot {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw StateReadError("The data folder \(folder) does not exist.")
        }
        let mainPath = (folder as NSString).appendingPathComponent(mainDatabaseName)
        guard FileManager.default.fileExists(atPath: mainPath) else {
            throw StateReadError(
                "The data folder \(folder) holds no \(mainDatabaseName): "
                    + "it is not one `admiral server --data-dir` uses.")
        }
        var snapshot = StateSnapshot()
        try readDatabase(at: mainPath) { db in
            try requireSchema(db, migrator: SQLiteStore.migrator, path: mainPath)
            try snapshot.readMain(db)
        }
        let metricsPath = (folder as NSString).appendingPathComponent(metricsDatabaseName)
        if FileManager.default.fileExists(atPath: metricsPath) {
            try readDatabase(at: metricsPath) { db in
                try requireSchema(db, migrator: SQLiteMetricStore.migrator, path: metricsPath)
                for row in try Row.fetchAll(db, sql: "SELECT name, body FROM alarms ORDER BY name") {
                    let name: String = row["name"]
                    snapshot.alarms.append(
                        StoredObject(
                            name: "alarm \(name)", subject: "arn:aws:cloudwatch:\(region):\(accountId):alarm:\(name)",
                            body: row["body"]))
                }
            }
        }
        let scalingPath = (folder as NSString).appendingPathComponent(scalingDatabaseName)
        if FileManager.default.fileExists(atPath: scalingPath) {
            try readDatabase(at: scalingPath) { db in
                guard try db.tableExists("scaling_objects") else {
                    throw StateReadError(
                        "\(scalingPath) has no scaling_objects table: its schema is older than this admiral expects. "
                            + "Start `admiral server` of this version on the folder once to migrate it, "
                            + "then check again.")
                }
                let rows = try Row.fetchAll(
                    db,
                    sql: "SELECT kind, resource_id, name, body FROM scaling_objects ORDER BY kind, resource_id, name")
                for row in rows {
                    let kind: String = row["kind"]
                    let resource: String = row["resource_id"]
                    let name: String = row["name"]
                    snapshot.scalingObjects.append(
                        StoredObject(
                            name: "scaling \(kind) \(name.isEmpty ? resource : name)",
                            subject: "\(resource)\(name.isEmpty ? "" : " (\(kind) \(name))")", body: row["body"]))
                }
            }
        }
        return snapshot
    }

    /// Opens a database read-only and runs `body` in one read transaction.
    static func readDatabase(at path: String, _ body: (Database) throws -> Void) throws {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        configuration.label = "admiral-check"
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.inDatabase { db in
                try db.inTransaction(.deferred) {
                    try body(db)
                    return .commit
                }
            }
            try queue.close()
        } catch let error as StateReadError {
            throw error
        } catch {
            throw StateReadError("Cannot read \(path): \(error)")
        }
    }

    /// Refuses a database whose schema is not exactly the one this binary's migrations make.
    static func requireSchema(_ db: Database, migrator: DatabaseMigrator, path: String) throws {
        let applied = try migrator.appliedIdentifiers(db)
        let known = migrator.migrations
        guard !applied.isEmpty else {
            throw StateReadError("\(path) holds no Admiral schema (no migration was ever applied to it).")
        }
        let missing = known.filter { !applied.contains($0) }
        if !missing.isEmpty {
            throw StateReadError(
                "The schema of \(path) is older than this admiral expects (migrations not applied: "
                    + "\(missing.joined(separator: ", "))). Start `admiral server` of this version on the folder "
                    + "once to migrate it, then check again.")
        }
        let unknown = applied.subtracting(known).sorted()
        if !unknown.isEmpty {
            throw StateReadError(
                "\(path) was migrated by a newer admiral (migrations unknown here: "
                    + "\(unknown.joined(separator: ", "))); check it with that version.")
        }
    }

    /// Reads every row of the control plane's database.
    mutating func readMain(_ db: Database) throws {
        let decoder = ECS.makeDecoder()
        func decoded<T: Decodable>(_ type: T.Type, _ row: Row, table: String, key: String) -> T? {
            do {
                return try decoder.decode(type, from: row["body"])
            } catch {
                unreadable.append(
                    Violation(
                        .unreadableRow, subject: "\(table)/\(key)",
                        "The row's body does not decode as \(type) (\(error)); the server cannot read it either."))
                return nil
            }
        }
        clusters = try Row.fetchAll(db, sql: "SELECT name, status FROM clusters ORDER BY name").map {
            Cluster(name: $0["name"], status: $0["status"])
        }
        taskDefinitions = try Row.fetchAll(
            db, sql: "SELECT family, revision, status FROM task_definitions ORDER BY family, revision"
        ).map { TaskDefinitionRow(family: $0["family"], revision: $0["revision"], status: $0["status"]) }
        for row in try Row.fetchAll(db, sql: "SELECT family, last_revision FROM task_definition_families") {
            familyCounters[row["family"]] = row["last_revision"]
        }
        for row in try Row.fetchAll(db, sql: "SELECT cluster, id, body FROM container_instances ORDER BY cluster, id") {
            let key = "\(row["cluster"] as String)/\(row["id"] as String)"
            if let record = decoded(ContainerInstanceRecord.self, row, table: "container_instances", key: key) {
                instances.append(record)
            }
        }
        for row in try Row.fetchAll(db, sql: "SELECT cluster, id, body FROM tasks ORDER BY cluster, id") {
            let key = "\(row["cluster"] as String)/\(row["id"] as String)"
            if let record = decoded(TaskRecord.self, row, table: "tasks", key: key) { tasks.append(record) }
        }
        for row in try Row.fetchAll(db, sql: "SELECT cluster, name, body FROM services ORDER BY cluster, name") {
            let key = "\(row["cluster"] as String)/\(row["name"] as String)"
            if let record = decoded(ServiceRecord.self, row, table: "services", key: key) { services.append(record) }
        }
        for row in try Row.fetchAll(db, sql: "SELECT id, body FROM elb_load_balancers") {
            if let record = decoded(LoadBalancerRecord.self, row, table: "elb_load_balancers", key: row["id"]) {
                loadBalancing.loadBalancers[record.id] = record
            }
        }
        for row in try Row.fetchAll(db, sql: "SELECT id, body FROM elb_target_groups") {
            if let record = decoded(TargetGroupRecord.self, row, table: "elb_target_groups", key: row["id"]) {
                loadBalancing.targetGroups[record.id] = record
            }
        }
        for row in try Row.fetchAll(db, sql: "SELECT id, body FROM elb_listeners") {
            if let record = decoded(ListenerRecord.self, row, table: "elb_listeners", key: row["id"]) {
                loadBalancing.listeners[record.id] = record
            }
        }
        for row in try Row.fetchAll(db, sql: "SELECT id, body FROM elb_rules") {
            if let record = decoded(ListenerRuleRecord.self, row, table: "elb_rules", key: row["id"]) {
                loadBalancing.rules[record.id] = record
            }
        }
        let targetRows = try Row.fetchAll(db, sql: "SELECT target_group_id, target_id, port, body FROM elb_targets")
        for row in targetRows {
            let key = "\(row["target_group_id"] as String)/\(row["target_id"] as String):\(row["port"] as Int)"
            if let record = decoded(TargetRecord.self, row, table: "elb_targets", key: key) {
                loadBalancing.targets[record.key] = record
            }
        }
    }
}
