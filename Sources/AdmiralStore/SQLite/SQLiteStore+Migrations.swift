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
        registerLoadBalancingMigrations(&migrator)
        return migrator
    }
}
