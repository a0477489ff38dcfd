//! Schema and migrations, numbered by SQLite's `user_version`.

use rusqlite::Connection;

/// Each entry moves the schema from version `i` to `i + 1`. Append only:
/// an installed database has already run the earlier ones.
const MIGRATIONS: &[&str] = &[r#"
CREATE TABLE technicians (
    username      TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE TABLE logins (
    token_hash   TEXT PRIMARY KEY,
    username     TEXT NOT NULL REFERENCES technicians(username) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
);
CREATE TABLE pins (
    pin         TEXT PRIMARY KEY,
    technician  TEXT NOT NULL,
    notes       TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    state       TEXT NOT NULL
);
CREATE TABLE sessions (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    technician     TEXT NOT NULL,
    customer       TEXT NOT NULL,
    pin_suffix     TEXT NOT NULL,
    pin_created_at INTEGER NOT NULL,
    joined_at      INTEGER NOT NULL,
    started_at     INTEGER,
    ended_at       INTEGER,
    end_reason     TEXT,
    notes          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_by_technician ON sessions(technician, id);
CREATE TABLE consent_events (
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    at         INTEGER NOT NULL,
    scope      TEXT NOT NULL,
    event      TEXT NOT NULL
);
CREATE INDEX consent_by_session ON consent_events(session_id);
"#];

pub(super) fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    for (i, sql) in MIGRATIONS
        .iter()
        .enumerate()
        .skip(usize::try_from(version).unwrap_or(0))
    {
        conn.execute_batch(&format!(
            "BEGIN; {sql} PRAGMA user_version = {}; COMMIT;",
            i + 1
        ))?;
    }
    Ok(())
}
