//! PINs as stored, so that live PINs survive a restart and dead ones keep
//! answering "used"/"superseded" instead of "unknown" for a while. Only
//! keyed hashes are stored (see `pin_secret`).

use rusqlite::params;
use time::OffsetDateTime;

use super::{Result, Store, exec_on, from_unix, to_unix};
use crate::pin_secret::PinDigest;

/// Where a PIN is in its life. Expiry is not a state: it follows from
/// `expires_at` and the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinState {
    /// Issued, waiting for the customer.
    Live,
    /// A customer joined with it.
    Used,
    /// The technician made another PIN in its place.
    Superseded,
}

impl PinState {
    fn as_str(self) -> &'static str {
        match self {
            PinState::Live => "live",
            PinState::Used => "used",
            PinState::Superseded => "superseded",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "used" => PinState::Used,
            "superseded" => PinState::Superseded,
            _ => PinState::Live,
        }
    }
}

/// One issued PIN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinRecord {
    /// The PIN's keyed hash: how it is found when a customer types it.
    pub digest: PinDigest,
    /// Its last two digits, for the report and the queue.
    pub suffix: String,
    /// Who issued it; the session lands in this technician's queue.
    pub technician: String,
    /// Notes typed with "New PIN"; they start the session report's notes.
    pub notes: String,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub state: PinState,
    /// SHA-256 of the link key; empty for PINs from before link keys.
    pub link_key_hash: String,
}

impl Store {
    pub fn save_pin(&self, record: &PinRecord) -> Result<()> {
        exec_on(
            &self.conn(),
            "INSERT INTO pins (digest, suffix, technician, notes, created_at, expires_at, state, link_key_hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT(digest) DO UPDATE SET suffix = ?2, technician = ?3, notes = ?4,
                 created_at = ?5, expires_at = ?6, state = ?7, link_key_hash = ?8",
            params![
                record.digest.to_hex(),
                record.suffix,
                record.technician,
                record.notes,
                to_unix(record.created_at),
                to_unix(record.expires_at),
                record.state.as_str(),
                record.link_key_hash,
            ],
        )?;
        Ok(())
    }

    pub fn set_pin_state(&self, digest: PinDigest, state: PinState) -> Result<()> {
        exec_on(
            &self.conn(),
            "UPDATE pins SET state = ?2 WHERE digest = ?1",
            params![digest.to_hex(), state.as_str()],
        )?;
        Ok(())
    }

    /// Ends every live PIN of `technician` now (their account was removed).
    pub fn expire_pins_of(&self, technician: &str, now: OffsetDateTime) -> Result<usize> {
        exec_on(
            &self.conn(),
            "UPDATE pins SET expires_at = ?2 WHERE technician = ?1 AND state = 'live' AND expires_at > ?2",
            params![technician, to_unix(now)],
        )
    }

    /// Every remembered PIN, live or dead.
    pub fn load_pins(&self) -> Result<Vec<PinRecord>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT digest, suffix, technician, notes, created_at, expires_at, state, link_key_hash FROM pins",
        )?;
        let rows = stmt.query_map([], |r| {
            let digest: String = r.get(0)?;
            let state: String = r.get(6)?;
            Ok((
                digest,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                state,
                r.get(7)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (digest, suffix, technician, notes, created, expires, state, link_key_hash) = row?;
            // A row that does not parse can only come from outside tampering;
            // skipping it loses one PIN, refusing to start loses the service.
            let Some(digest) = PinDigest::from_hex(&digest) else {
                continue;
            };
            out.push(PinRecord {
                digest,
                suffix,
                technician,
                notes,
                created_at: from_unix(created),
                expires_at: from_unix(expires),
                state: PinState::parse(&state),
                link_key_hash,
            });
        }
        Ok(out)
    }

    /// Forgets PINs that expired before `cutoff`.
    pub fn forget_pins_expired_before(&self, cutoff: OffsetDateTime) -> Result<usize> {
        exec_on(
            &self.conn(),
            "DELETE FROM pins WHERE expires_at < ?1",
            params![to_unix(cutoff)],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::Pin;

    #[test]
    fn pins_round_trip_as_digests_and_are_forgotten() {
        let store = Store::open_in_memory().unwrap();
        let t0 = OffsetDateTime::UNIX_EPOCH + time::Duration::days(1);
        let pin = Pin::parse("012345").unwrap();
        let record = PinRecord {
            digest: store.pin_secret().digest(&pin),
            suffix: pin.suffix().to_owned(),
            technician: "tess".into(),
            notes: "printer".into(),
            created_at: t0,
            expires_at: t0 + time::Duration::minutes(20),
            state: PinState::Live,
            link_key_hash: "ab".into(),
        };
        store.save_pin(&record).unwrap();
        assert_eq!(store.load_pins().unwrap(), vec![record.clone()]);
        let stored: String = store
            .conn()
            .query_row("SELECT group_concat(digest || suffix) FROM pins", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert!(!stored.contains("012345"), "the PIN itself is not stored");
        store.set_pin_state(record.digest, PinState::Used).unwrap();
        assert_eq!(store.load_pins().unwrap()[0].state, PinState::Used);
        assert_eq!(store.forget_pins_expired_before(t0).unwrap(), 0);
        assert_eq!(
            store
                .forget_pins_expired_before(t0 + time::Duration::hours(1))
                .unwrap(),
            1
        );
        assert!(store.load_pins().unwrap().is_empty());
    }
}
