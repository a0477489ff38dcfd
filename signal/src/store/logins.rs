//! Signed-in browser sessions ("logins", to keep them apart from support
//! sessions). Only a SHA-256 of the cookie token is stored, so a copy of the
//! database does not let anyone sign in.

use rusqlite::{OptionalExtension, params};
use time::OffsetDateTime;

use super::{Result, Store, exec_on, query_row_on, to_unix};

/// A valid login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginSession {
    pub username: String,
    pub token_hash: String,
}

/// How stale `last_seen_at` may get before a request refreshes it: saves a
/// write on every request while keeping idle logout accurate to a minute.
const TOUCH_EVERY_SECS: i64 = 60;

impl Store {
    pub fn create_login(
        &self,
        token_hash: &str,
        username: &str,
        now: OffsetDateTime,
    ) -> Result<()> {
        exec_on(
            &self.conn(),
            "INSERT INTO logins (token_hash, username, created_at, last_seen_at) VALUES (?1, ?2, ?3, ?3)",
            params![token_hash, username, to_unix(now)],
        )?;
        Ok(())
    }

    /// Looks a login up and marks it as used now. A login idle longer than
    /// `idle_secs` is deleted and reported as absent.
    pub fn use_login(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
        idle_secs: i64,
    ) -> Result<Option<LoginSession>> {
        let conn = self.conn();
        let row: Option<(String, i64)> = query_row_on(
            &conn,
            "SELECT username, last_seen_at FROM logins WHERE token_hash = ?1",
            params![token_hash],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
        let Some((username, last_seen)) = row else {
            return Ok(None);
        };
        let now = to_unix(now);
        if now - last_seen > idle_secs {
            exec_on(
                &conn,
                "DELETE FROM logins WHERE token_hash = ?1",
                params![token_hash],
            )?;
            return Ok(None);
        }
        if now - last_seen >= TOUCH_EVERY_SECS {
            exec_on(
                &conn,
                "UPDATE logins SET last_seen_at = ?2 WHERE token_hash = ?1",
                params![token_hash, now],
            )?;
        }
        Ok(Some(LoginSession {
            username,
            token_hash: token_hash.to_owned(),
        }))
    }

    /// Marks a login as used now (a console socket is active), at most
    /// once a minute.
    pub fn touch_login(&self, token_hash: &str, now: OffsetDateTime) -> Result<()> {
        exec_on(
            &self.conn(),
            "UPDATE logins SET last_seen_at = ?2 WHERE token_hash = ?1 AND last_seen_at <= ?2 - ?3",
            params![token_hash, to_unix(now), TOUCH_EVERY_SECS],
        )?;
        Ok(())
    }

    /// The logins still valid: not signed out, not idle for longer than
    /// `idle_secs`, their technician not removed.
    pub fn valid_logins(
        &self,
        now: OffsetDateTime,
        idle_secs: i64,
    ) -> Result<std::collections::HashSet<String>> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare_cached("SELECT token_hash FROM logins WHERE last_seen_at >= ?1")?;
        let rows = stmt.query_map(params![to_unix(now) - idle_secs], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn delete_login(&self, token_hash: &str) -> Result<()> {
        exec_on(
            &self.conn(),
            "DELETE FROM logins WHERE token_hash = ?1",
            params![token_hash],
        )?;
        Ok(())
    }

    /// Forgets every login idle for longer than `idle_secs`.
    pub fn purge_idle_logins(&self, now: OffsetDateTime, idle_secs: i64) -> Result<usize> {
        exec_on(
            &self.conn(),
            "DELETE FROM logins WHERE last_seen_at < ?1",
            params![to_unix(now) - idle_secs],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_logins_expire() {
        let store = Store::open_in_memory().unwrap();
        let t0 = OffsetDateTime::UNIX_EPOCH + time::Duration::days(1);
        store.add_technician("tess", "h", t0).unwrap();
        store.create_login("abc", "tess", t0).unwrap();
        let idle = 8 * 3600;
        let seen = store
            .use_login("abc", t0 + time::Duration::hours(7), idle)
            .unwrap();
        assert_eq!(seen.unwrap().username, "tess");
        // Used at 7 h, so still valid at 14 h...
        assert!(
            store
                .use_login("abc", t0 + time::Duration::hours(14), idle)
                .unwrap()
                .is_some()
        );
        // ...but not after 8 idle hours.
        assert!(
            store
                .use_login("abc", t0 + time::Duration::hours(23), idle)
                .unwrap()
                .is_none()
        );
        assert!(
            store.use_login("abc", t0, idle).unwrap().is_none(),
            "deleted for good"
        );
    }

    #[test]
    fn removing_a_technician_signs_them_out() {
        let store = Store::open_in_memory().unwrap();
        let t0 = OffsetDateTime::UNIX_EPOCH;
        store.add_technician("tess", "h", t0).unwrap();
        store.create_login("abc", "tess", t0).unwrap();
        store.remove_technician("tess").unwrap();
        assert!(store.use_login("abc", t0, 100).unwrap().is_none());
    }
}
