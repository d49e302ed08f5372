import AdmiralModel
import Foundation
import GRDB

/// Where EC2 Auto Scaling keeps launch configurations, groups, their instances,
/// activities, policies, scheduled actions and lifecycle hooks. Every API call is one
/// `write` (or `read`): a closure that throws rolls the whole call back, so a refused
/// call writes nothing.
public protocol AutoScalingStore: Sendable {
    /// Runs `body` in a read transaction (a consistent snapshot).
    func read<T: Sendable>(_ body: @escaping @Sendable (AutoScalingTransaction) throws -> T) async throws -> T
    /// Runs `body` in a write transaction, committed when it returns, rolled back when it throws.
    func write<T: Sendable>(_ body: @escaping @Sendable (AutoScalingTransaction) throws -> T) async throws -> T
}

/// The kinds of object kept by group: the keys of ``AutoScalingTransaction/objects(_:group:as:)``.
public enum AutoScalingObjectKind: String, Sendable {
    case launchConfiguration = "lc"
    case group
    case instance
    case policy
    case scheduledAction = "scheduled"
    case lifecycleHook = "hook"
}

/// One transaction of an ``AutoScalingStore``: typed reads and writes of its rows. Only
/// valid inside the closure it is given to.
public struct AutoScalingTransaction {
    let db: Database
    let encoder: JSONEncoder
    let decoder: JSONDecoder

    // MARK: Generic objects

    /// Every object of a kind (of one group when `group` is given), by group and name.
    public func objects<T: Decodable>(_ kind: AutoScalingObjectKind, group: String? = nil, as type: T.Type) throws
        -> [T]
    {
        var sql = "SELECT body FROM asg_objects WHERE kind = ?"
        var arguments: StatementArguments = [kind.rawValue]
        if let group {
            sql += " AND group_name = ?"
            arguments += [group]
        }
        sql += " ORDER BY group_name, name"
        return try Data.fetchAll(db, sql: sql, arguments: arguments).map { try decoder.decode(type, from: $0) }
    }

    /// One object by kind, group and name.
    public func object<T: Decodable>(_ kind: AutoScalingObjectKind, group: String = "", name: String, as type: T.Type)
        throws -> T?
    {
        try Data.fetchOne(
            db, sql: "SELECT body FROM asg_objects WHERE kind = ? AND group_name = ? AND name = ?",
            arguments: [kind.rawValue, group, name]
        ).map { try decoder.decode(type, from: $0) }
    }

    /// Creates or replaces an object.
    public func put(_ kind: AutoScalingObjectKind, group: String = "", name: String, _ body: some Encodable) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO asg_objects (kind, group_name, name, body) VALUES (?, ?, ?, ?)",
            arguments: [kind.rawValue, group, name, try encoder.encode(body)])
    }

    /// Deletes an object; returns whether it existed.
    @discardableResult
    public func delete(_ kind: AutoScalingObjectKind, group: String = "", name: String) throws -> Bool {
        try db.execute(
            sql: "DELETE FROM asg_objects WHERE kind = ? AND group_name = ? AND name = ?",
            arguments: [kind.rawValue, group, name])
        return db.changesCount > 0
    }

    /// How many objects of a kind there are.
    public func count(_ kind: AutoScalingObjectKind) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM asg_objects WHERE kind = ?", arguments: [kind.rawValue]) ?? 0
    }

    // MARK: Launch configurations

    public func launchConfigurations() throws -> [EC2AutoScaling.LaunchConfiguration] {
        try objects(.launchConfiguration, as: EC2AutoScaling.LaunchConfiguration.self)
    }

    public func launchConfiguration(_ name: String) throws -> EC2AutoScaling.LaunchConfiguration? {
        try object(.launchConfiguration, name: name, as: EC2AutoScaling.LaunchConfiguration.self)
    }

    public func put(_ configuration: EC2AutoScaling.LaunchConfiguration) throws {
        try put(.launchConfiguration, name: configuration.launchConfigurationName, configuration)
    }

    // MARK: Groups

    public func groups() throws -> [AutoScalingGroupRecord] {
        try objects(.group, as: AutoScalingGroupRecord.self)
    }

    public func group(_ name: String) throws -> AutoScalingGroupRecord? {
        try object(.group, name: name, as: AutoScalingGroupRecord.self)
    }

    public func put(_ group: AutoScalingGroupRecord) throws {
        try put(.group, name: group.name, group)
    }

    /// Deletes a group with its instances' records, policies, scheduled actions and hooks.
    public func deleteGroup(_ name: String) throws {
        try db.execute(
            sql: "DELETE FROM asg_objects WHERE (kind = ? AND group_name = '' AND name = ?) OR group_name = ?",
            arguments: [AutoScalingObjectKind.group.rawValue, name, name])
    }

    // MARK: Instances

    /// The instances of a group (all when nil), by instance id.
    public func instances(group: String?) throws -> [AutoScalingInstanceRecord] {
        try objects(.instance, group: group, as: AutoScalingInstanceRecord.self)
    }

    /// The record of an instance, whatever its group.
    public func instance(_ instanceId: String) throws -> AutoScalingInstanceRecord? {
        try Data.fetchOne(
            db, sql: "SELECT body FROM asg_objects WHERE kind = ? AND name = ?",
            arguments: [AutoScalingObjectKind.instance.rawValue, instanceId]
        ).map { try decoder.decode(AutoScalingInstanceRecord.self, from: $0) }
    }

    public func put(_ instance: AutoScalingInstanceRecord) throws {
        try put(.instance, group: instance.groupName, name: instance.instanceId, instance)
    }

    public func deleteInstance(_ instance: AutoScalingInstanceRecord) throws {
        try delete(.instance, group: instance.groupName, name: instance.instanceId)
    }

    // MARK: Activities

    /// Appends an activity, or replaces the one with its id (keeping its place).
    public func put(_ activity: EC2AutoScaling.Activity) throws {
        let body = try encoder.encode(activity)
        try db.execute(
            sql: "UPDATE asg_activities SET body = ? WHERE activity_id = ?", arguments: [body, activity.activityId])
        if db.changesCount == 0 {
            try db.execute(
                sql: "INSERT INTO asg_activities (activity_id, group_name, body) VALUES (?, ?, ?)",
                arguments: [activity.activityId, activity.autoScalingGroupName, body])
        }
    }

    /// One activity by id.
    public func activity(_ activityId: String) throws -> EC2AutoScaling.Activity? {
        try Data.fetchOne(db, sql: "SELECT body FROM asg_activities WHERE activity_id = ?", arguments: [activityId])
            .map { try decoder.decode(EC2AutoScaling.Activity.self, from: $0) }
    }

    /// Activities newest first (of a group when given), after the position `after`; the
    /// position of the next page when there is one.
    public func activities(group: String?, ids: [String]?, after: Int64?, limit: Int) throws
        -> (activities: [EC2AutoScaling.Activity], next: Int64?)
    {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let group {
            conditions.append("group_name = ?")
            arguments += [group]
        }
        if let ids, !ids.isEmpty {
            conditions.append("activity_id IN (" + ids.map { _ in "?" }.joined(separator: ",") + ")")
            arguments += StatementArguments(ids)
        }
        if let after {
            conditions.append("id < ?")
            arguments += [after]
        }
        var sql = "SELECT id, body FROM asg_activities"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY id DESC LIMIT ?"
        arguments += [limit + 1]
        var rows = try Row.fetchAll(db, sql: sql, arguments: arguments)
        var next: Int64?
        if rows.count > limit {
            rows.removeLast()
            next = rows.last?["id"]
        }
        return (try rows.map { try decoder.decode(EC2AutoScaling.Activity.self, from: $0["body"] as Data) }, next)
    }
}

/// The ``AutoScalingStore`` on SQLite, in `ec2-autoscaling.sqlite` beside the control
/// plane's database (or in memory for tests): JSON bodies by kind, group and name, and
/// activities in arrival order.
public final class SQLiteAutoScalingStore: AutoScalingStore {
    let writer: any DatabaseWriter

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }()

    /// Opens (creating when needed) the database at `path`.
    public convenience init(path: String) throws {
        try self.init(writer: try SideDatabase.open(path: path, label: "admiral-ec2-autoscaling"))
    }

    /// A store in memory, for tests and for control planes built without a data folder.
    public static func inMemory() throws -> SQLiteAutoScalingStore {
        try SQLiteAutoScalingStore(writer: try DatabaseQueue())
    }

    init(writer: any DatabaseWriter) throws {
        self.writer = writer
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-ec2-autoscaling") { db in
            try db.execute(
                sql: """
                    CREATE TABLE asg_objects (
                        kind TEXT NOT NULL,
                        group_name TEXT NOT NULL,
                        name TEXT NOT NULL,
                        body BLOB NOT NULL,
                        PRIMARY KEY (kind, group_name, name)
                    );
                    CREATE INDEX asg_objects_name ON asg_objects(kind, name);
                    CREATE INDEX asg_objects_group ON asg_objects(group_name);
                    CREATE TABLE asg_activities (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        activity_id TEXT NOT NULL UNIQUE,
                        group_name TEXT NOT NULL,
                        body BLOB NOT NULL
                    );
                    CREATE INDEX asg_activities_group ON asg_activities(group_name, id);
                    """)
        }
        try migrator.migrate(writer)
    }

    /// Closes the database.
    public func close() throws {
        try writer.close()
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (AutoScalingTransaction) throws -> T) async throws -> T {
        try await writer.read { db in
            try body(AutoScalingTransaction(db: db, encoder: Self.encoder, decoder: Self.decoder))
        }
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (AutoScalingTransaction) throws -> T) async throws -> T {
        try await writer.write { db in
            try body(AutoScalingTransaction(db: db, encoder: Self.encoder, decoder: Self.decoder))
        }
    }
}

/// An EC2 Auto Scaling store in memory, for control planes built without a data folder.
public enum InMemoryAutoScalingStore {
    /// A new, empty store.
    public static func make() -> any AutoScalingStore {
        do {
            return try SQLiteAutoScalingStore.inMemory()
        } catch {
            preconditionFailure("SQLite could not open an in-memory database: \(error)")
        }
    }
}
