import AdmiralModel
import Foundation
import GRDB
import Synchronization

/// The `EC2Store` on SQLite, in `ec2.sqlite` beside the control plane's database: one
/// row per resource (kind, id, JSON body). An update reads the registry, applies the
/// change, and writes only the rows that changed, in one transaction.
///
/// The registry last written is kept in memory (set on the writer queue by each update,
/// in commit order, and dropped when an update fails), so neither reads nor updates decode
/// every row again. This relies on the store being the database's only writer.
public final class SQLiteEC2Store: EC2Store {
    let writer: any DatabaseWriter
    let cache = Mutex<EC2State?>(nil)

    /// Opens (creating when needed) the database at `path`.
    public convenience init(path: String) throws {
        try self.init(writer: try SideDatabase.open(path: path, label: "admiral-ec2"))
    }

    /// A store in memory, for tests and for control planes built without a data folder.
    public static func inMemory() throws -> SQLiteEC2Store {
        try SQLiteEC2Store(writer: try DatabaseQueue())
    }

    init(writer: any DatabaseWriter) throws {
        self.writer = writer
        var migrator = DatabaseMigrator()
        migrator.registerMigration("ec2-v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE ec2_objects (
                        kind TEXT NOT NULL,
                        id TEXT NOT NULL,
                        body BLOB NOT NULL,
                        PRIMARY KEY (kind, id)
                    );
                    """)
        }
        try migrator.migrate(writer)
    }

    /// Closes the database.
    public func close() throws {
        try writer.close()
    }

    static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        encoder.outputFormatting = .sortedKeys
        return encoder
    }

    static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return decoder
    }

    enum Kind: String, CaseIterable {
        case vpc, subnet, securityGroup = "security-group", instance, launchTemplate = "launch-template"
    }

    static func load(_ db: Database) throws -> EC2State {
        let decoder = makeDecoder()
        var state = EC2State()
        for row in try Row.fetchAll(db, sql: "SELECT kind, body FROM ec2_objects") {
            let kind: String = row["kind"]
            let body: Data = row["body"]
            switch Kind(rawValue: kind) {
            case .vpc:
                let record = try decoder.decode(VpcRecord.self, from: body)
                state.vpcs[record.vpcId] = record
            case .subnet:
                let record = try decoder.decode(SubnetRecord.self, from: body)
                state.subnets[record.subnetId] = record
            case .securityGroup:
                let record = try decoder.decode(SecurityGroupRecord.self, from: body)
                state.securityGroups[record.groupId] = record
            case .instance:
                let record = try decoder.decode(InstanceRecord.self, from: body)
                state.instances[record.instanceId] = record
            case .launchTemplate:
                let record = try decoder.decode(LaunchTemplateRecord.self, from: body)
                state.launchTemplates[record.launchTemplateId] = record
            case nil:
                continue
            }
        }
        return state
    }

    static func save<R: Encodable & Equatable>(
        _ db: Database, kind: Kind, old: [String: R], new: [String: R], encoder: JSONEncoder
    ) throws {
        for (id, record) in new where old[id] != record {
            try db.execute(
                sql: "INSERT OR REPLACE INTO ec2_objects (kind, id, body) VALUES (?, ?, ?)",
                arguments: [kind.rawValue, id, try encoder.encode(record)])
        }
        for id in old.keys where new[id] == nil {
            try db.execute(sql: "DELETE FROM ec2_objects WHERE kind = ? AND id = ?", arguments: [kind.rawValue, id])
        }
    }

    public func read() async throws -> EC2State {
        if let cached = cache.withLock({ $0 }) { return cached }
        return try await writer.read { db in try Self.load(db) }
    }

    public func update<T: Sendable>(_ change: @escaping @Sendable (inout EC2State) throws -> T) async throws -> T {
        do {
            return try await write(change)
        } catch {
            cache.withLock { $0 = nil }
            throw error
        }
    }

    func write<T: Sendable>(_ change: @escaping @Sendable (inout EC2State) throws -> T) async throws -> T {
        try await writer.write { db in
            let old = try self.cache.withLock({ $0 }) ?? Self.load(db)
            var state = old
            let result = try change(&state)
            let encoder = Self.makeEncoder()
            try Self.save(db, kind: .vpc, old: old.vpcs, new: state.vpcs, encoder: encoder)
            try Self.save(db, kind: .subnet, old: old.subnets, new: state.subnets, encoder: encoder)
            try Self.save(
                db, kind: .securityGroup, old: old.securityGroups, new: state.securityGroups, encoder: encoder)
            try Self.save(db, kind: .instance, old: old.instances, new: state.instances, encoder: encoder)
            try Self.save(
                db, kind: .launchTemplate, old: old.launchTemplates, new: state.launchTemplates, encoder: encoder)
            self.cache.withLock { $0 = state }
            return result
        }
    }
}

/// An EC2 store in memory, the default of control planes built without a data folder.
public enum InMemoryEC2Store {
    /// A new, empty store.
    public static func make() -> any EC2Store {
        do {
            return try SQLiteEC2Store.inMemory()
        } catch {
            preconditionFailure("SQLite could not open an in-memory database: \(error)")
        }
    }
}
