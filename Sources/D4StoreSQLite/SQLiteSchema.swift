import D4Store
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
        // The built-in telescope analyzer's results. Lists (ports, responses, top ports) are JSON text,
        // like a queue's sensor list: readable, and jsonb-ready for PostgreSQL.
        migrator.registerMigration("v2-analysis") { db in
            try db.execute(sql: """
                CREATE TABLE attacks (
                    id                         TEXT PRIMARY KEY NOT NULL,
                    node                       TEXT NOT NULL DEFAULT '',
                    victim                     TEXT NOT NULL,
                    start_time                 REAL NOT NULL,
                    end_time                   REAL NOT NULL,
                    ongoing                    INTEGER NOT NULL,
                    packets                    INTEGER NOT NULL,
                    bytes                      INTEGER NOT NULL,
                    protocol                   TEXT NOT NULL,
                    protocols                  TEXT NOT NULL,
                    ports                      TEXT NOT NULL,
                    responses                  TEXT NOT NULL,
                    sensor_addresses           INTEGER NOT NULL,
                    sensor_addresses_estimated INTEGER NOT NULL,
                    peak_pps                   REAL NOT NULL,
                    peak_minute_pps            REAL NOT NULL,
                    mean_pps                   REAL NOT NULL,
                    estimated_pps              REAL,
                    estimated_peak_pps         REAL,
                    monitored_addresses        INTEGER,
                    monitored_share            TEXT NOT NULL,
                    updated_at                 REAL NOT NULL
                );
                CREATE INDEX attacks_by_start ON attacks (start_time);
                CREATE INDEX attacks_by_victim ON attacks (victim, start_time);
                CREATE INDEX attacks_ongoing ON attacks (node) WHERE ongoing = 1;

                CREATE TABLE botnet_counts (
                    period          TEXT NOT NULL CHECK (period IN ('hour', 'day')),
                    start_time      REAL NOT NULL,
                    node            TEXT NOT NULL DEFAULT '',
                    mirai_sources   INTEGER NOT NULL,
                    mirai_packets   INTEGER NOT NULL,
                    netis_sources   INTEGER NOT NULL,
                    netis_packets   INTEGER NOT NULL,
                    scanner_sources INTEGER NOT NULL,
                    scan_packets    INTEGER NOT NULL,
                    top_ports       TEXT NOT NULL,
                    truncated       INTEGER NOT NULL,
                    complete        INTEGER NOT NULL,
                    updated_at      REAL NOT NULL,
                    PRIMARY KEY (period, start_time, node)
                );
                """)
        }
        return migrator
    }

    /// Creates a database at `path` with the migrations up to `lastMigration` only, then runs `sql`
    /// (rows an older d4 version would have written): how tests make a file as that version left it.
    static func createDatabase(path: String, upTo lastMigration: String, then sql: String = "") throws {
        let queue = try DatabaseQueue(path: path)
        try migrator.migrate(queue, upTo: lastMigration)
        if !sql.isEmpty { try queue.write { db in try db.execute(sql: sql) } }
        try queue.close()
    }
}
