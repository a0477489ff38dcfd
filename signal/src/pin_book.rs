//! The rules of PINs: issuing, replacing, claiming, expiring.
//!
//! Pure logic over an in-memory map, with time and randomness passed in, so
//! every rule has a unit test. The hub persists each change to the store.

use std::collections::HashMap;
use std::time::Duration;

use protocol::{ErrorCode, Pin, SessionId};
use rand::Rng;
use time::OffsetDateTime;

use crate::pin_secret::{PinDigest, PinSecret, link_key_hash};
use crate::store::{PinRecord, PinState};

/// How long a dead PIN is remembered after it expires, so that a customer
/// who tries it again hears "used" or "expired" rather than "unknown", and
/// so that it is not handed out again the same day.
pub const REMEMBER_DEAD_PINS: Duration = Duration::from_secs(24 * 3600);

/// Every PIN the server remembers, by keyed hash.
#[derive(Debug, Default)]
pub struct PinBook {
    /// Live and dead PINs alike; dead ones answer with their own error code.
    pins: HashMap<PinDigest, PinRecord>,
    /// The session each used PIN started, so notes typed on the PIN card
    /// after the customer joined still find their session. Not persisted:
    /// after a restart, notes go to sessions directly.
    joined: HashMap<PinDigest, SessionId>,
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

/// A PIN about to be issued: saved first, then applied to the book.
#[derive(Debug, Clone)]
pub struct Issued {
    /// The PIN itself, for the technician; the book keeps only its hash.
    pub pin: Pin,
    pub record: PinRecord,
    /// The PIN this one replaces, to be superseded.
    pub superseded: Option<PinDigest>,
}

/// What to issue.
#[derive(Debug, Clone)]
pub struct IssueRequest<'a> {
    pub technician: &'a str,
    pub notes: Option<String>,
    pub replaces: Option<PinDigest>,
    pub now: OffsetDateTime,
    pub ttl: Duration,
    /// SHA-256 of the new PIN's link key.
    pub link_key_hash: String,
}

impl PinBook {
    /// A book holding what the store remembered.
    pub fn from_records(records: impl IntoIterator<Item = PinRecord>) -> Self {
        Self {
            pins: records.into_iter().map(|r| (r.digest, r)).collect(),
            joined: HashMap::new(),
        }
    }

    /// Plans a fresh PIN for a technician, optionally superseding one of
    /// their live PINs ("Create another PIN"). Notes carry over from the
    /// replaced PIN unless new ones are given. Changes nothing: the caller
    /// saves the result, then [`PinBook::apply_issue`]s it.
    pub fn plan_issue(
        &self,
        rng: &mut impl Rng,
        secret: &PinSecret,
        request: IssueRequest<'_>,
    ) -> Result<Issued, IssueError> {
        let mut inherited_notes = None;
        if let Some(old) = &request.replaces {
            match self.pins.get(old) {
                Some(r) if r.technician == request.technician && is_live(r, request.now) => {
                    inherited_notes = Some(r.notes.clone());
                }
                _ => return Err(IssueError::NotReplaceable),
            }
        }
        let (pin, digest) = self.fresh_pin(rng, secret).ok_or(IssueError::Exhausted)?;
        let record = PinRecord {
            digest,
            suffix: pin.suffix().to_owned(),
            technician: request.technician.to_owned(),
            notes: request.notes.or(inherited_notes).unwrap_or_default(),
            created_at: request.now,
            expires_at: request.now + request.ttl,
            state: PinState::Live,
            link_key_hash: request.link_key_hash,
        };
        Ok(Issued {
            pin,
            record,
            superseded: request.replaces,
        })
    }

    /// Puts a saved [`Issued`] into the book.
    pub fn apply_issue(&mut self, issued: &Issued) {
        self.pins
            .insert(issued.record.digest, issued.record.clone());
        if let Some(old) = &issued.superseded
            && let Some(r) = self.pins.get_mut(old)
        {
            r.state = PinState::Superseded;
        }
    }

    /// True when `key` is the link key of the PIN `digest`, whatever state
    /// the PIN is in. 128 random bits: checking costs no guessing budget.
    pub fn link_matches(&self, digest: &PinDigest, key: &str) -> bool {
        self.pins
            .get(digest)
            .is_some_and(|r| !r.link_key_hash.is_empty() && r.link_key_hash == link_key_hash(key))
    }

    /// A customer typed a PIN: on success the PIN is marked used (undo with
    /// [`PinBook::unclaim`] if saving that fails) and its record returned;
    /// otherwise the code says exactly why not.
    pub fn claim(
        &mut self,
        digest: &PinDigest,
        now: OffsetDateTime,
    ) -> Result<PinRecord, ErrorCode> {
        let live = match self.pins.get(digest) {
            None => return Err(ErrorCode::PinUnknown),
            Some(r) => match r.state {
                PinState::Used => return Err(ErrorCode::PinUsed),
                PinState::Superseded => return Err(ErrorCode::PinSuperseded),
                PinState::Live if !is_live(r, now) => return Err(ErrorCode::PinExpired),
                PinState::Live => r,
            },
        };
        let mut record = live.clone();
        record.state = PinState::Used;
        self.pins.insert(*digest, record.clone());
        Ok(record)
    }

    /// Gives a claimed PIN back (the join could not be saved).
    pub fn unclaim(&mut self, digest: &PinDigest) {
        if let Some(r) = self.pins.get_mut(digest) {
            r.state = PinState::Live;
        }
    }

    /// Remembers which session a claimed PIN started.
    pub fn record_join(&mut self, digest: &PinDigest, session: SessionId) {
        self.joined.insert(*digest, session);
    }

    /// Finds where `technician`'s notes for a PIN belong: its session, or
    /// the PIN itself (the returned record carries the new notes; save it,
    /// then [`PinBook::apply_notes`]). Other technicians' PINs are unknown
    /// to them.
    pub fn plan_notes(
        &self,
        technician: &str,
        digest: &PinDigest,
        notes: &str,
        now: OffsetDateTime,
    ) -> Result<NotesTarget, ErrorCode> {
        let record = match self.pins.get(digest) {
            Some(r) if r.technician == technician => r,
            _ => return Err(ErrorCode::PinUnknown),
        };
        if let Some(session) = self.joined.get(digest) {
            return Ok(NotesTarget::Session(*session));
        }
        if !is_live(record, now) {
            return Err(ErrorCode::OutOfOrder);
        }
        let mut record = record.clone();
        record.notes = notes.to_owned();
        Ok(NotesTarget::Pin(record))
    }

    pub fn apply_notes(&mut self, record: &PinRecord) {
        if let Some(r) = self.pins.get_mut(&record.digest) {
            r.notes = record.notes.clone();
        }
    }

    /// Ends every live PIN of `technician` now; returns how many.
    pub fn expire_technician(&mut self, technician: &str, now: OffsetDateTime) -> usize {
        let mut n = 0;
        for r in self.pins.values_mut() {
            if r.technician == technician && is_live(r, now) {
                r.expires_at = now;
                n += 1;
            }
        }
        n
    }

    /// Technicians who have live PINs.
    pub fn technicians_with_live_pins(&self, now: OffsetDateTime) -> Vec<String> {
        let mut names: Vec<String> = self
            .pins
            .values()
            .filter(|r| is_live(r, now))
            .map(|r| r.technician.clone())
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// Forgets PINs dead for longer than [`REMEMBER_DEAD_PINS`]; returns how
    /// many were forgotten.
    pub fn forget_old(&mut self, now: OffsetDateTime) -> usize {
        let before = self.pins.len();
        let cutoff = now - REMEMBER_DEAD_PINS;
        self.pins.retain(|_, r| r.expires_at >= cutoff);
        let pins = &self.pins;
        self.joined.retain(|digest, _| pins.contains_key(digest));
        before - self.pins.len()
    }

    /// Number of PINs a customer could still use.
    pub fn live_count(&self, now: OffsetDateTime) -> usize {
        self.pins.values().filter(|r| is_live(r, now)).count()
    }

    /// A uniformly random PIN not among the remembered ones. Rejection
    /// sampling keeps the distribution uniform; with at most a few thousand
    /// remembered PINs out of a million, it almost never loops.
    fn fresh_pin(&self, rng: &mut impl Rng, secret: &PinSecret) -> Option<(Pin, PinDigest)> {
        (0..1000)
            .filter_map(|_| Pin::from_number(rng.random_range(0..1_000_000)))
            .map(|pin| {
                let digest = secret.digest(&pin);
                (pin, digest)
            })
            .find(|(_, digest)| !self.pins.contains_key(digest))
    }
}

fn is_live(r: &PinRecord, now: OffsetDateTime) -> bool {
    r.state == PinState::Live && now < r.expires_at
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

    /// A book with its key and a seeded RNG, speaking in PINs.
    struct Desk {
        book: PinBook,
        rng: StdRng,
        secret: PinSecret,
    }

    impl Desk {
        fn new(seed: u64) -> Self {
            Desk {
                book: PinBook::default(),
                rng: StdRng::seed_from_u64(seed),
                secret: PinSecret::random(),
            }
        }

        fn issue_for(
            &mut self,
            technician: &str,
            notes: Option<&str>,
            replaces: Option<&Pin>,
        ) -> Result<Issued, IssueError> {
            let request = IssueRequest {
                technician,
                notes: notes.map(str::to_owned),
                replaces: replaces.map(|p| self.secret.digest(p)),
                now: t0(),
                ttl: TTL,
                link_key_hash: link_key_hash("k"),
            };
            let issued = self.book.plan_issue(&mut self.rng, &self.secret, request)?;
            self.book.apply_issue(&issued);
            Ok(issued)
        }

        fn issue(&mut self, replaces: Option<&Pin>) -> Result<Issued, IssueError> {
            self.issue_for("tess", None, replaces)
        }

        fn claim(&mut self, pin: &Pin, now: OffsetDateTime) -> Result<PinRecord, ErrorCode> {
            let digest = self.secret.digest(pin);
            self.book.claim(&digest, now)
        }
    }

    #[test]
    fn a_pin_works_once() {
        let mut desk = Desk::new(1);
        let pin = desk.issue(None).unwrap().pin;
        assert_eq!(desk.book.live_count(t0()), 1);
        let record = desk.claim(&pin, t0()).unwrap();
        assert_eq!(record.technician, "tess");
        assert_eq!(desk.claim(&pin, t0()), Err(ErrorCode::PinUsed));
        assert_eq!(desk.book.live_count(t0()), 0);
        // A claim whose save failed is given back.
        desk.book.unclaim(&desk.secret.digest(&pin));
        assert!(desk.claim(&pin, t0()).is_ok());
    }

    #[test]
    fn planning_changes_nothing() {
        let mut desk = Desk::new(9);
        let request = IssueRequest {
            technician: "tess",
            notes: None,
            replaces: None,
            now: t0(),
            ttl: TTL,
            link_key_hash: String::new(),
        };
        let planned = desk
            .book
            .plan_issue(&mut desk.rng, &desk.secret, request)
            .unwrap();
        assert_eq!(desk.book.live_count(t0()), 0);
        assert_eq!(desk.claim(&planned.pin, t0()), Err(ErrorCode::PinUnknown));
    }

    #[test]
    fn unknown_and_expired() {
        let mut desk = Desk::new(2);
        let pin = desk.issue(None).unwrap().pin;
        let other =
            Pin::from_number((pin.as_str().parse::<u32>().unwrap() + 1) % 1_000_000).unwrap();
        assert_eq!(desk.claim(&other, t0()), Err(ErrorCode::PinUnknown));
        assert_eq!(desk.claim(&pin, t0() + TTL), Err(ErrorCode::PinExpired));
        let just_before = t0() + TTL - time::Duration::seconds(1);
        assert!(desk.claim(&pin, just_before).is_ok());
    }

    #[test]
    fn link_keys_match_only_their_pin() {
        let mut desk = Desk::new(10);
        let pin = desk.issue(None).unwrap().pin;
        let digest = desk.secret.digest(&pin);
        assert!(desk.book.link_matches(&digest, "k"));
        assert!(!desk.book.link_matches(&digest, "K"));
        let other = desk.secret.digest(&Pin::parse("999999").unwrap());
        assert!(!desk.book.link_matches(&other, "k"));
    }

    #[test]
    fn create_another_pin_supersedes_and_keeps_notes() {
        let mut desk = Desk::new(3);
        let first = desk.issue_for("tess", Some("printer"), None).unwrap().pin;
        let second = desk.issue(Some(&first)).unwrap();
        assert_eq!(second.superseded, Some(desk.secret.digest(&first)));
        assert_eq!(second.record.notes, "printer");
        assert_ne!(second.pin, first);
        assert_eq!(desk.claim(&first, t0()), Err(ErrorCode::PinSuperseded));
        assert!(desk.claim(&second.pin, t0()).is_ok());
    }

    #[test]
    fn only_your_own_live_pin_can_be_replaced() {
        let mut desk = Desk::new(4);
        let pin = desk.issue(None).unwrap().pin;
        let err = desk.issue_for("mallory", None, Some(&pin));
        assert_eq!(err.unwrap_err(), IssueError::NotReplaceable);
        desk.claim(&pin, t0()).unwrap();
        assert_eq!(
            desk.issue(Some(&pin)).unwrap_err(),
            IssueError::NotReplaceable
        );
    }

    #[test]
    fn pins_are_unique_among_remembered_ones() {
        let mut desk = Desk::new(5);
        let mut seen = std::collections::HashSet::new();
        for _ in 0..5000 {
            let pin = desk.issue(None).unwrap().pin;
            assert!(seen.insert(pin), "a remembered PIN was issued twice");
        }
    }

    #[test]
    fn dead_pins_are_forgotten_after_a_day() {
        let mut desk = Desk::new(6);
        let pin = desk.issue(None).unwrap().pin;
        desk.claim(&pin, t0()).unwrap();
        assert_eq!(desk.book.forget_old(t0() + time::Duration::hours(23)), 0);
        assert_eq!(desk.book.forget_old(t0() + time::Duration::hours(25)), 1);
        assert_eq!(desk.claim(&pin, t0()), Err(ErrorCode::PinUnknown));
    }

    #[test]
    fn a_removed_technicians_pins_expire() {
        let mut desk = Desk::new(11);
        let pin = desk.issue(None).unwrap().pin;
        let kept = desk.issue_for("tom", None, None).unwrap().pin;
        assert_eq!(
            desk.book.technicians_with_live_pins(t0()),
            vec!["tess".to_owned(), "tom".to_owned()]
        );
        assert_eq!(desk.book.expire_technician("tess", t0()), 1);
        assert_eq!(desk.claim(&pin, t0()), Err(ErrorCode::PinExpired));
        assert!(desk.claim(&kept, t0()).is_ok());
    }

    #[test]
    fn notes_follow_the_pin_into_its_session() {
        let mut desk = Desk::new(7);
        let pin = desk.issue(None).unwrap().pin;
        let digest = desk.secret.digest(&pin);
        let target = desk.book.plan_notes("tess", &digest, "vpn", t0()).unwrap();
        let NotesTarget::Pin(record) = target else {
            panic!("a live PIN keeps its notes")
        };
        assert_eq!(record.notes, "vpn");
        desk.book.apply_notes(&record);
        assert_eq!(
            desk.book.plan_notes("tom", &digest, "x", t0()),
            Err(ErrorCode::PinUnknown)
        );
        let claimed = desk.claim(&pin, t0()).unwrap();
        assert_eq!(claimed.notes, "vpn");
        desk.book.record_join(&digest, SessionId(9));
        assert_eq!(
            desk.book.plan_notes("tess", &digest, "vpn, printer", t0()),
            Ok(NotesTarget::Session(SessionId(9)))
        );
        // An expired PIN nobody used has nowhere to put notes.
        let lonely = desk.issue(None).unwrap().pin;
        assert_eq!(
            desk.book
                .plan_notes("tess", &desk.secret.digest(&lonely), "x", t0() + TTL),
            Err(ErrorCode::OutOfOrder)
        );
    }
}
