import GRDB

extension SQLiteStore {
    /// The schema, in raw SQL that never references application types, so that old
    /// migrations keep meaning what they meant.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-clusters-task-definitions-tags") { db in
            try db.execute(
                sql: """
                    CREATE TABLE clusters (
                        name TEXT PRIMARY KEY NOT NULL,
                        status TEXT NOT NULL,
                        created_at REAL NOT NULL,
                        body BLOB NOT NULL
                    );
                    CREATE INDEX clusters_status_name ON clusters(status, name);

                    CREATE TABLE task_definition_families (
                        family TEXT PRIMARY KEY NOT NULL,
                        last_revision INTEGER NOT NULL
                    );

                    CREATE TABLE task_definitions (
                        family TEXT NOT NULL,
                        revision INTEGER NOT NULL,
                        status TEXT NOT NULL,
                        body BLOB NOT NULL,
                        PRIMARY KEY (family, revision)
                    );
                    CREATE INDEX task_definitions_status ON task_definitions(status, family, revision);

                    CREATE TABLE tags (
                        resource TEXT NOT NULL,
                        key TEXT NOT NULL,
                        value TEXT NOT NULL,
                        position INTEGER NOT NULL,
                        PRIMARY KEY (resource, key)
                    );
                    """)
        }
        registerInstancesAndTasks(&migrator)
        registerServices(&migrator)
        registerLoadBalancingMigrations(&migrator)
        registerCapacityProviders(&migrator)
        migrator.registerMigration("v5-provisioning-tasks") { db in
            // Tasks waiting for capacity are few and looked for often.
            try db.execute(
                sql: "CREATE INDEX tasks_provisioning ON tasks(cluster, id) WHERE last_status = 'PROVISIONING'")
        }
        return migrator
    }

    /// Container instances and tasks. Each row keeps the whole record as JSON in `body`
    /// beside the columns the queries filter on. An instance's `row_version` changes on
    /// every write and is never reused, so decoded instances can be cached by it.
    static func registerInstancesAndTasks(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v2-container-instances-tasks") { db in
            try db.execute(
                sql: """
                    CREATE TABLE container_instances (
                        cluster TEXT NOT NULL,
                        id TEXT NOT NULL,
                        ec2_instance_id TEXT NOT NULL,
                        status TEXT NOT NULL,
                        row_version INTEGER NOT NULL,
                        body BLOB NOT NULL,
                        PRIMARY KEY (cluster, id)
                    );
                    CREATE INDEX container_instances_status ON container_instances(cluster, status, id);
                    CREATE INDEX container_instances_ec2 ON container_instances(cluster, ec2_instance_id);

                    CREATE TABLE tasks (
                        cluster TEXT NOT NULL,
                        id TEXT NOT NULL,
                        container_instance TEXT NOT NULL,
                        family TEXT NOT NULL,
                        last_status TEXT NOT NULL,
                        desired_status TEXT NOT NULL,
                        started_by TEXT,
                        service TEXT,
                        stopped_at REAL,
                        body BLOB NOT NULL,
                        PRIMARY KEY (cluster, id)
                    );
                    CREATE INDEX tasks_instance ON tasks(cluster, container_instance, last_status);
                    CREATE INDEX tasks_desired ON tasks(cluster, desired_status, id);
                    CREATE INDEX tasks_stopped_at ON tasks(stopped_at) WHERE stopped_at IS NOT NULL;
                    CREATE INDEX tasks_last_status ON tasks(cluster, last_status);
                    """)
        }
    }

    /// ECS services, and the index that finds a service's tasks.
    static func registerServices(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v3-services") { db in
            try db.execute(
                sql: """
                    CREATE TABLE services (
                        cluster TEXT NOT NULL,
                        name TEXT NOT NULL,
                        status TEXT NOT NULL,
                        scheduling_strategy TEXT NOT NULL,
                        body BLOB NOT NULL,
                        PRIMARY KEY (cluster, name)
                    );
                    CREATE INDEX services_status ON services(cluster, status, name);
                    CREATE INDEX tasks_service ON tasks(cluster, service, last_status);
                    """)
        }
    }
}
