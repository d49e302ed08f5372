import AdmiralModel
import Foundation
import GRDB

extension SQLiteStore: LoadBalancerStore {
    public func loadBalancingState() async throws -> LoadBalancingState {
        try await pool.read { db in try self.fetchLoadBalancingState(db) }
    }

    public func updateLoadBalancing<T: Sendable>(
        _ change: @Sendable (inout LoadBalancingState) throws -> T
    ) async throws -> (value: T, state: LoadBalancingState) {
        try await timedWrite { db in
            let old = try self.fetchLoadBalancingState(db)
            var new = old
            let value = try change(&new)
            new.version = old.version
            guard new != old else { return (value, old) }
            new.version = old.version + 1
            try self.writeLoadBalancingChanges(db, from: old, to: new)
            return (value, new)
        }
    }

    func fetchLoadBalancingState(_ db: Database) throws -> LoadBalancingState {
        var state = LoadBalancingState()
        if let row = try Row.fetchOne(db, sql: "SELECT version, next_zone_position FROM elb_state WHERE singleton = 1")
        {
            state.version = row["version"]
            state.nextZonePosition = row["next_zone_position"]
        }
        for row in try Row.fetchAll(db, sql: "SELECT body FROM elb_load_balancers") {
            let record = try decode(LoadBalancerRecord.self, from: row["body"])
            state.loadBalancers[record.id] = record
        }
        for row in try Row.fetchAll(db, sql: "SELECT body FROM elb_target_groups") {
            let record = try decode(TargetGroupRecord.self, from: row["body"])
            state.targetGroups[record.id] = record
        }
        for row in try Row.fetchAll(db, sql: "SELECT body FROM elb_listeners") {
            let record = try decode(ListenerRecord.self, from: row["body"])
            state.listeners[record.id] = record
        }
        for row in try Row.fetchAll(db, sql: "SELECT body FROM elb_rules") {
            let record = try decode(ListenerRuleRecord.self, from: row["body"])
            state.rules[record.id] = record
        }
        for row in try Row.fetchAll(db, sql: "SELECT body FROM elb_targets") {
            let record = try decode(TargetRecord.self, from: row["body"])
            state.targets[record.key] = record
        }
        for row in try Row.fetchAll(db, sql: "SELECT subnet_id, zone FROM elb_subnet_zones") {
            state.subnetZones[row["subnet_id"]] = row["zone"]
        }
        return state
    }

    /// Writes the rows that differ. Changed rows are deleted before any row is inserted,
    /// so that swaps (two rules exchanging priorities) never meet a uniqueness constraint
    /// half way.
    func writeLoadBalancingChanges(_ db: Database, from old: LoadBalancingState, to new: LoadBalancingState) throws {
        try db.execute(
            sql: "UPDATE elb_state SET version = ?, next_zone_position = ? WHERE singleton = 1",
            arguments: [new.version, new.nextZonePosition])
        try sync(db, old.loadBalancers, new.loadBalancers, table: "elb_load_balancers") { record in
            (
                "INSERT INTO elb_load_balancers (id, name, body) VALUES (?, ?, ?)",
                [record.id, record.name, try self.encode(record)]
            )
        }
        try sync(db, old.targetGroups, new.targetGroups, table: "elb_target_groups") { record in
            (
                "INSERT INTO elb_target_groups (id, name, body) VALUES (?, ?, ?)",
                [record.id, record.name, try self.encode(record)]
            )
        }
        try sync(db, old.listeners, new.listeners, table: "elb_listeners") { record in
            (
                "INSERT INTO elb_listeners (id, load_balancer_id, port, body) VALUES (?, ?, ?, ?)",
                [record.id, record.loadBalancerId, record.port, try self.encode(record)]
            )
        }
        try sync(db, old.rules, new.rules, table: "elb_rules") { record in
            (
                "INSERT INTO elb_rules (id, listener_id, priority, body) VALUES (?, ?, ?, ?)",
                [record.id, record.listenerId, record.priority, try self.encode(record)]
            )
        }
        for (key, record) in old.targets where new.targets[key] != record {
            try db.execute(
                sql: "DELETE FROM elb_targets WHERE target_group_id = ? AND target_id = ? AND port = ?",
                arguments: [key.targetGroupId, key.id, key.port])
        }
        for (key, record) in new.targets where old.targets[key] != record {
            try db.execute(
                sql: "INSERT INTO elb_targets (target_group_id, target_id, port, body) VALUES (?, ?, ?, ?)",
                arguments: [key.targetGroupId, key.id, key.port, try encode(record)])
        }
        for (subnet, zone) in new.subnetZones where old.subnetZones[subnet] != zone {
            try db.execute(
                sql: "INSERT OR REPLACE INTO elb_subnet_zones (subnet_id, zone) VALUES (?, ?)",
                arguments: [subnet, zone])
        }
        for subnet in old.subnetZones.keys where new.subnetZones[subnet] == nil {
            try db.execute(sql: "DELETE FROM elb_subnet_zones WHERE subnet_id = ?", arguments: [subnet])
        }
    }

    /// Deletes removed and changed rows of a table keyed by `id`, then inserts new and
    /// changed ones.
    private func sync<Record: Equatable>(
        _ db: Database, _ old: [String: Record], _ new: [String: Record], table: String,
        insert: (Record) throws -> (String, StatementArguments)
    ) throws {
        for (id, record) in old where new[id] != record {
            try db.execute(sql: "DELETE FROM \(table) WHERE id = ?", arguments: [id])
        }
        for (id, record) in new where old[id] != record {
            let (sql, arguments) = try insert(record)
            try db.execute(sql: sql, arguments: arguments)
        }
    }
}
