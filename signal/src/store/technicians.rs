//! Technician accounts.

use rusqlite::{OptionalExtension, params};
use time::OffsetDateTime;

use super::{Result, Store, StoreError, exec_on, from_unix, query_row_on, to_unix};

/// An account as `signal user list` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TechnicianAccount {
    pub username: String,
    pub created_at: OffsetDateTime,
}

impl Store {
    /// Adds an account with an already-hashed password.
    pub fn add_technician(
        &self,
        username: &str,
        password_hash: &str,
        now: OffsetDateTime,
    ) -> Result<()> {
        let conn = self.conn();
        let inserted = exec_on(
            &conn,
            "INSERT INTO technicians (username, password_hash, created_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(username) DO NOTHING",
            params![username, password_hash, to_unix(now)],
        )?;
        if inserted == 0 {
            return Err(StoreError::TechnicianExists(username.to_owned()));
        }
        Ok(())
    }

    /// Removes an account and signs it out everywhere.
    pub fn remove_technician(&self, username: &str) -> Result<()> {
        let removed = exec_on(
            &self.conn(),
            "DELETE FROM technicians WHERE username = ?1",
            params![username],
        )?;
        if removed == 0 {
            return Err(StoreError::NoSuchTechnician(username.to_owned()));
        }
        Ok(())
    }

    /// All accounts, by name.
    pub fn technicians(&self) -> Result<Vec<TechnicianAccount>> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare_cached("SELECT username, created_at FROM technicians ORDER BY username")?;
        let rows = stmt.query_map([], |r| {
            Ok(TechnicianAccount {
                username: r.get(0)?,
                created_at: from_unix(r.get(1)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Number of accounts; zero means the admin still has to create one.
    pub fn technician_count(&self) -> Result<u64> {
        let n: i64 = query_row_on(&self.conn(), "SELECT COUNT(*) FROM technicians", [], |r| {
            r.get(0)
        })?;
        Ok(n.max(0) as u64)
    }

    /// The stored password hash, if the account exists.
    pub fn password_hash(&self, username: &str) -> Result<Option<String>> {
        Ok(query_row_on(
            &self.conn(),
            "SELECT password_hash FROM technicians WHERE username = ?1",
            params![username],
            |r| r.get(0),
        )
        .optional()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_list_remove() {
        let store = Store::open_in_memory().unwrap();
        let now = OffsetDateTime::UNIX_EPOCH;
        store.add_technician("tess", "hash", now).unwrap();
        assert!(matches!(
            store.add_technician("tess", "other", now),
            Err(StoreError::TechnicianExists(_))
        ));
        assert_eq!(store.technician_count().unwrap(), 1);
        assert_eq!(
            store.password_hash("tess").unwrap().as_deref(),
            Some("hash")
        );
        assert_eq!(store.technicians().unwrap()[0].username, "tess");
        store.remove_technician("tess").unwrap();
        assert!(matches!(
            store.remove_technician("tess"),
            Err(StoreError::NoSuchTechnician(_))
        ));
        assert_eq!(store.password_hash("tess").unwrap(), None);
    }
}
