//! SQLite persistence under the data folder: technician accounts, login
//! sessions, PINs and session reports.
//!
//! Embedded on purpose: one binary and one folder is a complete install.
//! Every call is a short synchronous statement, so callers may use the store
//! while holding the hub's lock but never across an `.await`. Password
//! hashing, the one slow thing, happens outside (see `password`).

mod logins;
mod pins;
mod reports;
mod schema;
mod technicians;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::Connection;
use time::OffsetDateTime;

pub use logins::LoginSession;
pub use pins::{PinRecord, PinState};
pub use reports::NewReport;
pub use technicians::TechnicianAccount;

/// Failure of the storage layer. Its text is for logs and the admin's
/// terminal, never for customers.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("cannot create the data folder {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("a technician named {0:?} already exists")]
    TechnicianExists(String),
    #[error("no technician named {0:?}")]
    NoSuchTechnician(String),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Cheap handle to the database; clones share one connection.
#[derive(Clone)]
pub struct Store {
    /// One connection behind a std mutex: SQLite serialises writers anyway,
    /// and statements here take microseconds, so a pool would only add
    /// moving parts.
    conn: Arc<Mutex<Connection>>,
}

impl Store {
    /// File name of the database inside the data folder.
    pub const FILE_NAME: &'static str = "lifeline.sqlite3";

    /// Opens (creating if needed) the database in `data_dir`.
    pub fn open(data_dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::DataDir {
            path: data_dir.to_owned(),
            source,
        })?;
        let conn = Connection::open(data_dir.join(Self::FILE_NAME))?;
        Self::from_connection(conn)
    }

    /// An in-memory database, for unit tests.
    pub fn open_in_memory() -> Result<Self> {
        Self::from_connection(Connection::open_in_memory()?)
    }

    fn from_connection(conn: Connection) -> Result<Self> {
        // WAL lets `signal user add` write while the server runs; the busy
        // timeout makes the two wait for each other instead of failing.
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        schema::migrate(&conn)?;
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite inconsistent
        // (statements are atomic), so a poisoned lock is safe to reuse.
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Times are stored as Unix seconds: compact, and comparable in SQL.
fn to_unix(t: OffsetDateTime) -> i64 {
    t.unix_timestamp()
}

fn from_unix(secs: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(secs).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}
