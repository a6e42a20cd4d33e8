import GRDB

/// The SQLite schema, as ordered migrations. Never edit a shipped migration: append a new one.
///
/// Conventions (shared with the PostgreSQL store): UUIDs as lower-case text, times as REAL seconds
/// since the epoch, keys as BLOBs. In `daily_counters` and `sensor_types` an absent dimension is a
/// sentinel ('' or -1), not NULL, because NULLs never conflict in a primary key and UPSERT needs them to.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-initial") { db in
            try db.execute(sql: """
                CREATE TABLE meta (
                    name  TEXT PRIMARY KEY NOT NULL,
                    value INTEGER NOT NULL
                );
                INSERT INTO meta (name, value) VALUES ('generation', 0);

                CREATE TABLE settings (
                    id       INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
                    json     TEXT NOT NULL,
                    revision INTEGER NOT NULL
                );

                CREATE TABLE sensors (
                    uuid             TEXT PRIMARY KEY NOT NULL,
                    key              BLOB,
                    state            TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'blocked')),
                    description      TEXT NOT NULL DEFAULT '',
                    contact_mail     TEXT NOT NULL DEFAULT '',
                    block_source_ips INTEGER NOT NULL DEFAULT 0,
                    max_backlog      INTEGER,
                    kicked_until     REAL,
                    first_seen       REAL,
                    last_seen        REAL,
                    last_error       TEXT,
                    last_error_at    REAL
                );
                CREATE INDEX sensors_by_state ON sensors (state);

                CREATE TABLE sensor_ips (
                    sensor    TEXT NOT NULL REFERENCES sensors (uuid) ON DELETE CASCADE,
                    ip        TEXT NOT NULL,
                    last_seen REAL NOT NULL,
                    PRIMARY KEY (sensor, ip)
                );
                CREATE INDEX sensor_ips_by_recency ON sensor_ips (sensor, last_seen, ip);

                CREATE TABLE sensor_types (
                    sensor     TEXT NOT NULL REFERENCES sensors (uuid) ON DELETE CASCADE,
                    type       INTEGER NOT NULL,
                    meta_type  TEXT NOT NULL DEFAULT '',
                    first_seen REAL NOT NULL,
                    last_seen  REAL NOT NULL,
                    PRIMARY KEY (sensor, type, meta_type)
                );

                CREATE TABLE daily_counters (
                    day       TEXT NOT NULL,
                    sensor    TEXT NOT NULL DEFAULT '',
                    type      INTEGER NOT NULL DEFAULT -1,
                    source_ip TEXT NOT NULL DEFAULT '',
                    frames    INTEGER NOT NULL,
                    bytes     INTEGER NOT NULL,
                    PRIMARY KEY (day, sensor, type, source_ip)
                );
                CREATE INDEX daily_counters_by_sensor ON daily_counters (sensor, day);

                CREATE TABLE blocked_ips (
                    ip         TEXT PRIMARY KEY NOT NULL,
                    reason     TEXT NOT NULL,
                    blocked_at REAL NOT NULL
                );

                CREATE TABLE users (
                    name                 TEXT PRIMARY KEY NOT NULL,
                    role                 TEXT NOT NULL,
                    password_hash        TEXT NOT NULL,
                    created_at           REAL NOT NULL,
                    must_change_password INTEGER NOT NULL
                );

                CREATE TABLE queues (
                    name        TEXT PRIMARY KEY NOT NULL,
                    type        INTEGER NOT NULL,
                    meta_type   TEXT,
                    sensors     TEXT NOT NULL,
                    capacity    INTEGER NOT NULL,
                    drop_policy TEXT NOT NULL
                );

                CREATE TABLE admission_failures (
                    id        INTEGER PRIMARY KEY AUTOINCREMENT,
                    sensor    TEXT,
                    source_ip TEXT,
                    reason    TEXT NOT NULL,
                    at        REAL NOT NULL
                );
                """)
            try db.execute(
                sql: "INSERT INTO settings (id, json, revision) VALUES (1, ?, 0)",
                arguments: [try SettingsCoding.encode(ServerSettings())])
        }
        return migrator
    }
}
