//! The rules of PINs: issuing, replacing, claiming, expiring.
//!
//! Pure logic over an in-memory map, with time and randomness passed in, so
//! every rule has a unit test. The hub persists each change to the store.

use std::collections::HashMap;
use std::time::Duration;

use protocol::{ErrorCode, Pin, SessionId};
use rand::Rng;
use time::OffsetDateTime;

use crate::store::{PinRecord, PinState};

/// How long a dead PIN is remembered after it expires, so that a customer
/// who tries it again hears "used" or "expired" rather than "unknown", and
/// so that it is not handed out again the same day.
pub const REMEMBER_DEAD_PINS: Duration = Duration::from_secs(24 * 3600);

/// Every PIN the server remembers.
#[derive(Debug, Default)]
pub struct PinBook {
    /// Live and dead PINs alike; dead ones answer with their own error code.
    pins: HashMap<Pin, PinRecord>,
    /// The session each used PIN started, so notes typed on the PIN card
    /// after the customer joined still find their session. Not persisted:
    /// after a restart, notes go to sessions directly.
    joined: HashMap<Pin, SessionId>,
}

/// Where notes for a PIN belong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotesTarget {
    /// The PIN is live: the notes wait on it (this is its updated record).
    Pin(PinRecord),
    /// A customer joined with it: the notes are that session's.
    Session(SessionId),
}

/// Why a PIN could not be issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IssueError {
    /// `replaces` names a PIN that is not one of this technician's live PINs.
    #[error("That PIN is not one of your live PINs, so it cannot be replaced.")]
    NotReplaceable,
    /// Practically impossible: the PIN space is full of remembered PINs.
    #[error("No free PIN is available right now. Please try again in a minute.")]
    Exhausted,
}

/// What issuing changed, for the store.
#[derive(Debug)]
pub struct Issued {
    pub record: PinRecord,
    /// The PIN this one replaced, now superseded.
    pub superseded: Option<Pin>,
}

impl PinBook {
    /// A book holding what the store remembered.
    pub fn from_records(records: impl IntoIterator<Item = PinRecord>) -> Self {
        Self {
            pins: records.into_iter().map(|r| (r.pin.clone(), r)).collect(),
            joined: HashMap::new(),
        }
    }

    /// Issues a fresh PIN for `technician`, optionally superseding one of
    /// their live PINs ("Create another PIN"). Notes carry over from the
    /// replaced PIN unless new ones are given.
    pub fn issue(
        &mut self,
        rng: &mut impl Rng,
        technician: &str,
        notes: Option<String>,
        replaces: Option<&Pin>,
        now: OffsetDateTime,
        ttl: Duration,
    ) -> Result<Issued, IssueError> {
        let mut inherited_notes = None;
        if let Some(old) = replaces {
            match self.pins.get(old) {
                Some(r) if r.technician == technician && self.is_live(r, now) => {
                    inherited_notes = Some(r.notes.clone());
                }
                _ => return Err(IssueError::NotReplaceable),
            }
        }
        let pin = self.fresh_pin(rng).ok_or(IssueError::Exhausted)?;
        let record = PinRecord {
            pin: pin.clone(),
            technician: technician.to_owned(),
            notes: notes.or(inherited_notes).unwrap_or_default(),
            created_at: now,
            expires_at: now + ttl,
            state: PinState::Live,
        };
        self.pins.insert(pin, record.clone());
        let superseded = replaces.cloned();
        if let Some(old) = &superseded
            && let Some(r) = self.pins.get_mut(old)
        {
            r.state = PinState::Superseded;
        }
        Ok(Issued { record, superseded })
    }

    /// A customer typed `pin`: on success the PIN is used up and its record
    /// returned; otherwise the code says exactly why not.
    pub fn claim(&mut self, pin: &Pin, now: OffsetDateTime) -> Result<PinRecord, ErrorCode> {
        let live = match self.pins.get(pin) {
            None => return Err(ErrorCode::PinUnknown),
            Some(r) => match r.state {
                PinState::Used => return Err(ErrorCode::PinUsed),
                PinState::Superseded => return Err(ErrorCode::PinSuperseded),
                PinState::Live if !self.is_live(r, now) => return Err(ErrorCode::PinExpired),
                PinState::Live => r,
            },
        };
        let mut record = live.clone();
        record.state = PinState::Used;
        self.pins.insert(pin.clone(), record.clone());
        Ok(record)
    }

    /// Remembers which session a claimed PIN started.
    pub fn record_join(&mut self, pin: &Pin, session: SessionId) {
        self.joined.insert(pin.clone(), session);
    }

    /// Finds where `technician`'s notes for `pin` belong, updating a live
    /// PIN's notes in place. Other technicians' PINs are unknown to them.
    pub fn set_notes(
        &mut self,
        technician: &str,
        pin: &Pin,
        notes: &str,
        now: OffsetDateTime,
    ) -> Result<NotesTarget, ErrorCode> {
        let live = match self.pins.get(pin) {
            Some(r) if r.technician == technician => self.is_live(r, now),
            _ => return Err(ErrorCode::PinUnknown),
        };
        if let Some(session) = self.joined.get(pin) {
            return Ok(NotesTarget::Session(*session));
        }
        if !live {
            return Err(ErrorCode::OutOfOrder);
        }
        let record = self.pins.get_mut(pin).ok_or(ErrorCode::PinUnknown)?;
        record.notes = notes.to_owned();
        Ok(NotesTarget::Pin(record.clone()))
    }

    /// Forgets PINs dead for longer than [`REMEMBER_DEAD_PINS`]; returns how
    /// many were forgotten.
    pub fn forget_old(&mut self, now: OffsetDateTime) -> usize {
        let before = self.pins.len();
        let cutoff = now - REMEMBER_DEAD_PINS;
        self.pins.retain(|_, r| r.expires_at >= cutoff);
        let pins = &self.pins;
        self.joined.retain(|pin, _| pins.contains_key(pin));
        before - self.pins.len()
    }

    /// Number of PINs a customer could still use.
    pub fn live_count(&self, now: OffsetDateTime) -> usize {
        self.pins.values().filter(|r| self.is_live(r, now)).count()
    }

    fn is_live(&self, r: &PinRecord, now: OffsetDateTime) -> bool {
        r.state == PinState::Live && now < r.expires_at
    }

    /// A uniformly random PIN not among the remembered ones. Rejection
    /// sampling keeps the distribution uniform; with at most a few thousand
    /// remembered PINs out of a million, it almost never loops.
    fn fresh_pin(&self, rng: &mut impl Rng) -> Option<Pin> {
        (0..1000)
            .filter_map(|_| Pin::from_number(rng.random_range(0..1_000_000)))
            .find(|pin| !self.pins.contains_key(pin))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    const TTL: Duration = Duration::from_secs(20 * 60);

    fn t0() -> OffsetDateTime {
        time::macros::datetime!(2026-11-22 10:00 UTC)
    }

    fn issue(
        book: &mut PinBook,
        rng: &mut StdRng,
        replaces: Option<&Pin>,
    ) -> Result<Issued, IssueError> {
        book.issue(rng, "tess", None, replaces, t0(), TTL)
    }

    #[test]
    fn a_pin_works_once() {
        let mut rng = StdRng::seed_from_u64(1);
        let mut book = PinBook::default();
        let pin = issue(&mut book, &mut rng, None).unwrap().record.pin;
        assert_eq!(book.live_count(t0()), 1);
        let record = book.claim(&pin, t0()).unwrap();
        assert_eq!(record.technician, "tess");
        assert_eq!(book.claim(&pin, t0()), Err(ErrorCode::PinUsed));
        assert_eq!(book.live_count(t0()), 0);
    }

    #[test]
    fn unknown_and_expired() {
        let mut rng = StdRng::seed_from_u64(2);
        let mut book = PinBook::default();
        let pin = issue(&mut book, &mut rng, None).unwrap().record.pin;
        let other =
            Pin::from_number((pin.as_str().parse::<u32>().unwrap() + 1) % 1_000_000).unwrap();
        assert_eq!(book.claim(&other, t0()), Err(ErrorCode::PinUnknown));
        let just_before = t0() + TTL - time::Duration::seconds(1);
        assert!(book.clone_claim(&pin, just_before).is_ok());
        assert_eq!(book.claim(&pin, t0() + TTL), Err(ErrorCode::PinExpired));
    }

    #[test]
    fn create_another_pin_supersedes_and_keeps_notes() {
        let mut rng = StdRng::seed_from_u64(3);
        let mut book = PinBook::default();
        let first = book
            .issue(&mut rng, "tess", Some("printer".into()), None, t0(), TTL)
            .unwrap()
            .record;
        let second = issue(&mut book, &mut rng, Some(&first.pin)).unwrap();
        assert_eq!(second.superseded.as_ref(), Some(&first.pin));
        assert_eq!(second.record.notes, "printer");
        assert_ne!(second.record.pin, first.pin);
        assert_eq!(book.claim(&first.pin, t0()), Err(ErrorCode::PinSuperseded));
        assert!(book.claim(&second.record.pin, t0()).is_ok());
    }

    #[test]
    fn only_your_own_live_pin_can_be_replaced() {
        let mut rng = StdRng::seed_from_u64(4);
        let mut book = PinBook::default();
        let pin = issue(&mut book, &mut rng, None).unwrap().record.pin;
        let err = book.issue(&mut rng, "mallory", None, Some(&pin), t0(), TTL);
        assert_eq!(err.unwrap_err(), IssueError::NotReplaceable);
        book.claim(&pin, t0()).unwrap();
        assert_eq!(
            issue(&mut book, &mut rng, Some(&pin)).unwrap_err(),
            IssueError::NotReplaceable
        );
    }

    #[test]
    fn pins_are_unique_among_remembered_ones() {
        let mut rng = StdRng::seed_from_u64(5);
        let mut book = PinBook::default();
        let mut seen = std::collections::HashSet::new();
        for _ in 0..5000 {
            let pin = issue(&mut book, &mut rng, None).unwrap().record.pin;
            assert!(seen.insert(pin), "a remembered PIN was issued twice");
        }
    }

    #[test]
    fn dead_pins_are_forgotten_after_a_day() {
        let mut rng = StdRng::seed_from_u64(6);
        let mut book = PinBook::default();
        let pin = issue(&mut book, &mut rng, None).unwrap().record.pin;
        book.claim(&pin, t0()).unwrap();
        assert_eq!(book.forget_old(t0() + time::Duration::hours(23)), 0);
        assert_eq!(book.forget_old(t0() + time::Duration::hours(25)), 1);
        assert_eq!(book.claim(&pin, t0()), Err(ErrorCode::PinUnknown));
    }

    #[test]
    fn notes_follow_the_pin_into_its_session() {
        let mut rng = StdRng::seed_from_u64(7);
        let mut book = PinBook::default();
        let pin = issue(&mut book, &mut rng, None).unwrap().record.pin;
        let target = book.set_notes("tess", &pin, "vpn", t0()).unwrap();
        assert!(matches!(target, NotesTarget::Pin(r) if r.notes == "vpn"));
        assert_eq!(
            book.set_notes("tom", &pin, "x", t0()),
            Err(ErrorCode::PinUnknown)
        );
        let claimed = book.claim(&pin, t0()).unwrap();
        assert_eq!(claimed.notes, "vpn");
        book.record_join(&pin, SessionId(9));
        assert_eq!(
            book.set_notes("tess", &pin, "vpn, printer", t0()),
            Ok(NotesTarget::Session(SessionId(9)))
        );
        // An expired PIN nobody used has nowhere to put notes.
        let lonely = issue(&mut book, &mut rng, None).unwrap().record.pin;
        assert_eq!(
            book.set_notes("tess", &lonely, "x", t0() + TTL),
            Err(ErrorCode::OutOfOrder)
        );
    }

    impl PinBook {
        /// Claims on a copy, leaving this book untouched.
        fn clone_claim(&self, pin: &Pin, now: OffsetDateTime) -> Result<PinRecord, ErrorCode> {
            PinBook::from_records(self.pins.values().cloned()).claim(pin, now)
        }
    }
}
