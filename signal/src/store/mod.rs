//! SQLite persistence under the data folder: technician accounts, login
//! sessions, PINs and session reports.
//!
//! Embedded on purpose: one binary and one folder is a complete install.
//! [`Store`] is the synchronous API (the `signal user` commands use it
//! directly); the running server reaches it only through [`Db`], the
//! database thread, so no statement ever runs under the hub's lock or on an
//! async thread. Statements are prepared once and cached.
//!
//! - `schema`: tables and migrations; `worker`: the database thread.
//! - `technicians`, `logins`, `pins`, `reports`, `recordings`,
//!   `recording_chat`, `screen_shown`, `control_periods`, `activity` (file
//!   transfers): one table family each.

mod activity;
mod logins;
mod periods;
mod pins;
mod recording_chat;
mod recordings;
mod reports;
mod schema;
mod technicians;
mod worker;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{Connection, Params, Row};
use time::OffsetDateTime;

use crate::pin_secret::PinSecret;

pub use logins::LoginSession;
pub use periods::Stretch;
pub use pins::{PinRecord, PinState};
pub use recording_chat::RecordedLine;
pub use recordings::{OpenRecording, SessionRecordings};
pub use reports::NewReport;
pub use technicians::TechnicianAccount;
pub use worker::Db;

/// Failure of the storage layer. Its text is for logs and the admin's
/// terminal, never for customers.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("cannot use the data folder {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("a technician named {0:?} already exists")]
    TechnicianExists(String),
    #[error("no technician named {0:?}")]
    NoSuchTechnician(String),
    /// The transaction a call ran in could not be committed (a full disk),
    /// so nothing it wrote was kept.
    #[error("could not save to the database: {0}")]
    Commit(String),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Makes every commit fail, as a full disk does. Only tests switch it on:
/// it lets them check that a failed write leaves nothing half done.
#[derive(Debug, Clone, Default)]
pub struct FaultSwitch(Arc<AtomicBool>);

impl FaultSwitch {
    pub fn fail_commits(&self, on: bool) {
        self.0.store(on, Ordering::Release);
    }

    fn failing(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
}

/// Cheap handle to the database; clones share one connection.
#[derive(Clone)]
pub struct Store {
    /// One connection behind a std mutex: SQLite serialises writers anyway,
    /// and only the database thread uses it while the server runs.
    conn: Arc<Mutex<Connection>>,
    /// Key of the PINs' keyed hashes (see `pin_secret`).
    secret: PinSecret,
    faults: FaultSwitch,
}

impl Store {
    /// File name of the database inside the data folder.
    pub const FILE_NAME: &'static str = "lifeline.sqlite3";

    /// Opens (creating if needed) the database in `data_dir`. The folder is
    /// made private to the server's user (0700, the database 0600): it holds
    /// live PINs' hashes, notes and reports.
    pub fn open(data_dir: &Path) -> Result<Self> {
        let dir_error = |source| StoreError::DataDir {
            path: data_dir.to_owned(),
            source,
        };
        std::fs::create_dir_all(data_dir).map_err(dir_error)?;
        let file = data_dir.join(Self::FILE_NAME);
        #[cfg(unix)]
        {
            use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
            let private = |path: &Path, mode| {
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
            };
            private(data_dir, 0o700).map_err(dir_error)?;
            // Created 0600 before SQLite sees it; its -wal and -shm files
            // take the database's permissions.
            std::fs::OpenOptions::new()
                .append(true)
                .create(true)
                .mode(0o600)
                .open(&file)
                .map_err(dir_error)?;
            private(&file, 0o600).map_err(dir_error)?;
        }
        let secret = PinSecret::load_or_create(data_dir).map_err(dir_error)?;
        let conn = Connection::open(file)?;
        Self::from_connection(conn, secret)
    }

    /// An in-memory database, for unit tests.
    pub fn open_in_memory() -> Result<Self> {
        Self::from_connection(Connection::open_in_memory()?, PinSecret::random())
    }

    fn from_connection(conn: Connection, secret: PinSecret) -> Result<Self> {
        // WAL lets `signal user add` write while the server runs; the busy
        // timeout makes the two wait for each other instead of failing.
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.set_prepared_statement_cache_capacity(64);
        schema::migrate(&conn, &secret)?;
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
            secret,
            faults: FaultSwitch::default(),
        })
    }

    /// The key PINs are hashed with.
    pub fn pin_secret(&self) -> &PinSecret {
        &self.secret
    }

    /// Uses `faults` (shared with whoever holds it) to decide whether
    /// commits fail; tests use it to simulate a full disk.
    pub fn with_faults(mut self, faults: FaultSwitch) -> Self {
        self.faults = faults;
        self
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite inconsistent
        // (statements are atomic), so a poisoned lock is safe to reuse.
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `work` in one transaction, committed if it returns `Ok`.
    fn in_transaction(&self, work: impl FnOnce(&Transaction<'_>) -> Result<()>) -> Result<()> {
        let before = {
            let conn = self.conn();
            exec_on(&conn, "BEGIN IMMEDIATE", [])?;
            conn.total_changes()
        };
        let outcome = work(&Transaction(self)).and_then(|()| {
            // A full disk fails commits that write; reads still work.
            if self.faults.failing() && self.conn().total_changes() != before {
                return Err(StoreError::Commit(
                    "database or disk is full (injected)".into(),
                ));
            }
            exec_on(&self.conn(), "COMMIT", []).map(drop)
        });
        if outcome.is_err() {
            let _ = exec_on(&self.conn(), "ROLLBACK", []);
        }
        outcome
    }
}

/// An open transaction, for [`Store::in_transaction`]'s work.
struct Transaction<'a>(&'a Store);

impl Transaction<'_> {
    /// Runs `work` in a savepoint, rolled back when it returns false.
    /// (Cached statements: a batch runs these for every call in it.)
    fn savepoint(&self, work: impl FnOnce() -> bool) -> Result<()> {
        exec_on(&self.0.conn(), "SAVEPOINT call", [])?;
        if !work() {
            exec_on(&self.0.conn(), "ROLLBACK TO call", [])?;
        }
        exec_on(&self.0.conn(), "RELEASE call", [])?;
        Ok(())
    }
}

/// A cached statement, executed.
fn exec_on(conn: &Connection, sql: &str, params: impl Params) -> Result<usize> {
    Ok(conn.prepare_cached(sql)?.execute(params)?)
}

/// A cached statement, for one row.
fn query_row_on<T>(
    conn: &Connection,
    sql: &str,
    params: impl Params,
    row: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    conn.prepare_cached(sql)?.query_row(params, row)
}

/// Times are stored as Unix seconds: compact, and comparable in SQL.
fn to_unix(t: OffsetDateTime) -> i64 {
    t.unix_timestamp()
}

fn from_unix(secs: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(secs).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// For tests: a waiting session of Tess's with Ann, joined at `at`.
#[cfg(test)]
pub(crate) fn tess_and_ann(store: &Store, at: OffsetDateTime) -> protocol::SessionId {
    store
        .insert_report(&NewReport {
            technician: "tess".into(),
            customer: "Ann".into(),
            pin_suffix: "56".into(),
            pin_created_at: at,
            joined_at: at,
            notes: String::new(),
        })
        .unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn the_data_folder_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("data");
        std::fs::create_dir(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        Store::open(&dir).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&dir.join(Store::FILE_NAME)), 0o600);
    }
}
