//! Schema and migrations, numbered by SQLite's `user_version`.

use rusqlite::Connection;

use crate::pin_secret::PinSecret;

/// Each entry moves the schema from version `i` to `i + 1`. Append only:
/// an installed database has already run the earlier ones. Entry 1
/// (version 2) is [`PINS_AS_DIGESTS_STEP`], which runs in Rust.
const MIGRATIONS: &[&str] = &[
    r#"
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
"#,
    PINS_AS_DIGESTS_STEP,
    // Version 3: screen recordings. The video is a file under the
    // recordings folder, named by `id`; this row says whose it is and how
    // far it got. `finished_at` is set once the file was made seekable.
    r#"
CREATE TABLE recordings (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id    INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    started_at    INTEGER NOT NULL,
    last_chunk_at INTEGER NOT NULL,
    chunks        INTEGER NOT NULL DEFAULT 0,
    bytes         INTEGER NOT NULL DEFAULT 0,
    finished_at   INTEGER,
    duration_ms   INTEGER
);
CREATE INDEX recordings_by_session ON recordings(session_id);
CREATE INDEX recordings_by_finish ON recordings(finished_at);
"#,
    // Version 4: file transfers, as the session's console reported them.
    r#"
CREATE TABLE transfers (
    session_id  INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    at          INTEGER NOT NULL,
    direction   TEXT NOT NULL,
    folder      TEXT,
    file_count  INTEGER NOT NULL,
    total_bytes INTEGER NOT NULL,
    files       TEXT NOT NULL,
    outcome     TEXT NOT NULL
);
CREATE INDEX transfers_by_session ON transfers(session_id);
"#,
    // Version 5: the technician's own screen shown to the customer, one
    // row per stretch (`stopped_at` is NULL while shown; a report reads
    // the session's end for one the session's end cut short); and the
    // chat lines said during a recording, kept as its subtitles.
    r#"
CREATE TABLE screen_shown (
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    started_at INTEGER NOT NULL,
    stopped_at INTEGER
);
CREATE INDEX screen_shown_by_session ON screen_shown(session_id);
CREATE TABLE recording_chat (
    recording_id INTEGER NOT NULL REFERENCES recordings(id) ON DELETE CASCADE,
    at_ms        INTEGER NOT NULL,
    speaker      TEXT NOT NULL,
    text         TEXT NOT NULL
);
CREATE INDEX recording_chat_by_recording ON recording_chat(recording_id, at_ms);
"#,
    // Version 6: remote control through the Lifeline Helper, one row per
    // stretch of Control (`ended_at` is NULL while it goes on; a report
    // reads the session's end for one the session's end cut short).
    r#"
CREATE TABLE control_periods (
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    started_at INTEGER NOT NULL,
    ended_at   INTEGER
);
CREATE INDEX control_periods_by_session ON control_periods(session_id);
"#,
];

/// Stands in [`MIGRATIONS`] for version 2, which needs the PIN key and so
/// is [`move_pins_to_digests`] rather than SQL.
const PINS_AS_DIGESTS_STEP: &str = "-- pins as keyed digests: run in Rust";

/// Version 2: PINs are kept as keyed hashes (`pin_secret`), with the
/// last two digits for reports and the hash of the link key. Needs the key,
/// so it runs in Rust rather than as SQL.
const PINS_AS_DIGESTS: &str = r#"
CREATE TABLE pins_v2 (
    digest        TEXT PRIMARY KEY,
    suffix        TEXT NOT NULL,
    technician    TEXT NOT NULL,
    notes         TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    state         TEXT NOT NULL,
    link_key_hash TEXT NOT NULL DEFAULT ''
);
"#;

pub(super) fn migrate(conn: &Connection, secret: &PinSecret) -> rusqlite::Result<()> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    for (i, sql) in MIGRATIONS
        .iter()
        .enumerate()
        .skip(usize::try_from(version).unwrap_or(0))
    {
        // In order, so that SQL steps after version 2 find its tables.
        if std::ptr::eq(*sql, PINS_AS_DIGESTS_STEP) {
            conn.execute_batch("BEGIN")?;
            let moved = move_pins_to_digests(conn, secret);
            conn.execute_batch(if moved.is_ok() { "COMMIT" } else { "ROLLBACK" })?;
            moved?;
            continue;
        }
        conn.execute_batch(&format!(
            "BEGIN; {sql} PRAGMA user_version = {}; COMMIT;",
            i + 1
        ))?;
    }
    Ok(())
}

fn move_pins_to_digests(conn: &Connection, secret: &PinSecret) -> rusqlite::Result<()> {
    conn.execute_batch(PINS_AS_DIGESTS)?;
    let rows: Vec<(String, String, String, i64, i64, String)> = conn
        .prepare("SELECT pin, technician, notes, created_at, expires_at, state FROM pins")?
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    for (pin, technician, notes, created, expires, state) in rows {
        // A row that does not parse can only come from outside tampering.
        let Ok(pin) = protocol::Pin::parse(&pin) else {
            continue;
        };
        conn.execute(
            "INSERT INTO pins_v2 (digest, suffix, technician, notes, created_at, expires_at, state)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            rusqlite::params![
                secret.digest(&pin).to_hex(),
                pin.suffix(),
                technician,
                notes,
                created,
                expires,
                state
            ],
        )?;
    }
    conn.execute_batch(
        "DROP TABLE pins; ALTER TABLE pins_v2 RENAME TO pins; PRAGMA user_version = 2;",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(conn: &Connection) -> usize {
        conn.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))
            .unwrap() as usize
    }

    fn has_table(conn: &Connection, name: &str) -> bool {
        conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
            [name],
            |r| r.get::<_, i64>(0),
        )
        .unwrap()
            == 1
    }

    #[test]
    fn a_new_database_gets_every_step() {
        let conn = Connection::open_in_memory().unwrap();
        migrate(&conn, &PinSecret::random()).unwrap();
        assert_eq!(version(&conn), MIGRATIONS.len());
        assert!(has_table(&conn, "recordings") && has_table(&conn, "transfers"));
        assert!(has_table(&conn, "screen_shown") && has_table(&conn, "recording_chat"));
        assert!(has_table(&conn, "control_periods"));
        assert!(has_table(&conn, "pins") && !has_table(&conn, "pins_v2"));
    }

    /// An install that stopped at version 2 (before recordings) gets the
    /// later steps, and its PINs are not moved a second time.
    #[test]
    fn a_version_2_database_gets_the_later_steps() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        move_pins_to_digests(&conn, &PinSecret::random()).unwrap();
        assert_eq!(version(&conn), 2);
        migrate(&conn, &PinSecret::random()).unwrap();
        assert_eq!(version(&conn), MIGRATIONS.len());
        assert!(has_table(&conn, "recordings") && has_table(&conn, "transfers"));
    }
}
