//! PINs as stored, so that live PINs survive a restart and dead ones keep
//! answering "used"/"superseded" instead of "unknown" for a while.

use protocol::Pin;
use rusqlite::params;
use time::OffsetDateTime;

use super::{Result, Store, from_unix, to_unix};

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
    pub pin: Pin,
    /// Who issued it; the session lands in this technician's queue.
    pub technician: String,
    /// Notes typed with "New PIN"; they start the session report's notes.
    pub notes: String,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub state: PinState,
}

impl Store {
    pub fn save_pin(&self, record: &PinRecord) -> Result<()> {
        self.conn().execute(
            "INSERT INTO pins (pin, technician, notes, created_at, expires_at, state)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT(pin) DO UPDATE SET technician = ?2, notes = ?3, created_at = ?4,
                 expires_at = ?5, state = ?6",
            params![
                record.pin.as_str(),
                record.technician,
                record.notes,
                to_unix(record.created_at),
                to_unix(record.expires_at),
                record.state.as_str()
            ],
        )?;
        Ok(())
    }

    pub fn set_pin_state(&self, pin: &Pin, state: PinState) -> Result<()> {
        self.conn().execute(
            "UPDATE pins SET state = ?2 WHERE pin = ?1",
            params![pin.as_str(), state.as_str()],
        )?;
        Ok(())
    }

    /// Every remembered PIN, live or dead.
    pub fn load_pins(&self) -> Result<Vec<PinRecord>> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare("SELECT pin, technician, notes, created_at, expires_at, state FROM pins")?;
        let rows = stmt.query_map([], |r| {
            let pin: String = r.get(0)?;
            let state: String = r.get(5)?;
            Ok((pin, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, state))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (pin, technician, notes, created, expires, state) = row?;
            // A row that does not parse can only come from outside tampering;
            // skipping it loses one PIN, refusing to start loses the service.
            let Ok(pin) = Pin::parse(&pin) else { continue };
            out.push(PinRecord {
                pin,
                technician,
                notes,
                created_at: from_unix(created),
                expires_at: from_unix(expires),
                state: PinState::parse(&state),
            });
        }
        Ok(out)
    }

    /// Forgets PINs that expired before `cutoff`.
    pub fn forget_pins_expired_before(&self, cutoff: OffsetDateTime) -> Result<usize> {
        Ok(self.conn().execute(
            "DELETE FROM pins WHERE expires_at < ?1",
            params![to_unix(cutoff)],
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_round_trip_and_are_forgotten() {
        let store = Store::open_in_memory().unwrap();
        let t0 = OffsetDateTime::UNIX_EPOCH + time::Duration::days(1);
        let record = PinRecord {
            pin: Pin::parse("012345").unwrap(),
            technician: "tess".into(),
            notes: "printer".into(),
            created_at: t0,
            expires_at: t0 + time::Duration::minutes(20),
            state: PinState::Live,
        };
        store.save_pin(&record).unwrap();
        assert_eq!(store.load_pins().unwrap(), vec![record.clone()]);
        store.set_pin_state(&record.pin, PinState::Used).unwrap();
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
