import GRDB

extension SQLiteStore {
    /// Registers the Elastic Load Balancing schema, in raw SQL that never references
    /// application types. Records keep their JSON body beside the columns that carry the
    /// uniqueness rules (names, ports per load balancer, priorities per listener).
    static func registerLoadBalancingMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("elbv2-v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE elb_state (
                        singleton INTEGER PRIMARY KEY NOT NULL CHECK (singleton = 1),
                        version INTEGER NOT NULL,
                        next_zone_position INTEGER NOT NULL
                    );
                    INSERT INTO elb_state (singleton, version, next_zone_position) VALUES (1, 0, 0);

                    CREATE TABLE elb_load_balancers (
                        id TEXT PRIMARY KEY NOT NULL,
                        name TEXT NOT NULL UNIQUE,
                        body BLOB NOT NULL
                    );

                    CREATE TABLE elb_target_groups (
                        id TEXT PRIMARY KEY NOT NULL,
                        name TEXT NOT NULL UNIQUE,
                        body BLOB NOT NULL
                    );

                    CREATE TABLE elb_listeners (
                        id TEXT PRIMARY KEY NOT NULL,
                        load_balancer_id TEXT NOT NULL,
                        port INTEGER NOT NULL,
                        body BLOB NOT NULL,
                        UNIQUE (load_balancer_id, port)
                    );

                    CREATE TABLE elb_rules (
                        id TEXT PRIMARY KEY NOT NULL,
                        listener_id TEXT NOT NULL,
                        priority INTEGER,
                        body BLOB NOT NULL,
                        UNIQUE (listener_id, priority)
                    );

                    CREATE TABLE elb_targets (
                        target_group_id TEXT NOT NULL,
                        target_id TEXT NOT NULL,
                        port INTEGER NOT NULL,
                        body BLOB NOT NULL,
                        PRIMARY KEY (target_group_id, target_id, port)
                    );

                    CREATE TABLE elb_subnet_zones (
                        subnet_id TEXT PRIMARY KEY NOT NULL,
                        zone TEXT NOT NULL
                    );
                    """)
        }
    }
}
