//! Helper tokens: what binds one downloaded Lifeline Helper to one session.
//!
//! A token is 128 random bits, written as 32 hex digits into the
//! download's trailer. The server keeps only its SHA-256 (like a link key,
//! 128 random bits need no key or salt: nothing smaller than the whole
//! space can be searched), in memory: a restart ends every session, and
//! its tokens with them. A token is worth one join, within
//! [`TOKEN_LIFETIME_SECS`] of the offer.

use std::collections::HashMap;

use protocol::helper::TOKEN_LIFETIME_SECS;
use protocol::{ErrorCode, SessionId};
use rand::RngCore;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

/// How long a token is remembered after it expired, so that a late or
/// second try hears "used" or "expired" rather than "unknown". After that
/// it is forgotten and counts as unknown, which is as safe.
const REMEMBER_AFTER_EXPIRY: time::Duration = time::Duration::minutes(60);

/// A token as the server keeps it.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenHash([u8; 32]);

impl std::fmt::Debug for TokenHash {
    // Short enough to tell two apart in a debug print, useless to a guesser.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TokenHash({}…)", hex::encode(&self.0[..4]))
    }
}

/// The hash of a token's text, or `None` for text that cannot be a token
/// (so it never reaches the map).
fn hash_of(text: &str) -> Option<TokenHash> {
    let well_formed = text.len() == 32 && text.bytes().all(|b| b.is_ascii_hexdigit());
    well_formed.then(|| TokenHash(Sha256::digest(text.to_ascii_lowercase().as_bytes()).into()))
}

/// Where a token stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TicketState {
    /// Offered; the helper may download and join.
    Live,
    /// A helper joined with it.
    Used,
    /// Its session or its permission ended before a helper joined.
    Revoked,
}

#[derive(Debug, Clone, Copy)]
struct Ticket {
    session: SessionId,
    expires_at: OffsetDateTime,
    state: TicketState,
}

/// Every token the server offered and still remembers.
#[derive(Debug, Default)]
pub struct Tickets(HashMap<TokenHash, Ticket>);

/// A freshly minted token: the text goes into the offer's links, only the
/// hash is kept.
pub struct Minted {
    pub text: String,
    pub hash: TokenHash,
    pub expires_at: OffsetDateTime,
}

impl Tickets {
    /// A new live token for `session`.
    pub fn mint(&mut self, session: SessionId, now: OffsetDateTime) -> Minted {
        let mut raw = [0u8; 16];
        rand::rng().fill_bytes(&mut raw);
        let text = hex::encode(raw);
        let hash = hash_of(&text).expect("32 hex digits are a token");
        let expires_at = now + time::Duration::seconds(TOKEN_LIFETIME_SECS as i64);
        self.0.insert(
            hash,
            Ticket {
                session,
                expires_at,
                state: TicketState::Live,
            },
        );
        Minted {
            text,
            hash,
            expires_at,
        }
    }

    /// The session a live token belongs to, without using it up (a
    /// download may be repeated until the helper joins).
    pub fn check(&self, text: &str, now: OffsetDateTime) -> Result<SessionId, ErrorCode> {
        let ticket = hash_of(text)
            .and_then(|h| self.0.get(&h))
            .ok_or(ErrorCode::HelperTokenUnknown)?;
        match ticket.state {
            TicketState::Used => Err(ErrorCode::HelperTokenUsed),
            TicketState::Revoked => Err(ErrorCode::HelperTokenExpired),
            TicketState::Live if now >= ticket.expires_at => Err(ErrorCode::HelperTokenExpired),
            TicketState::Live => Ok(ticket.session),
        }
    }

    /// Uses a live token up: a helper joins with it.
    pub fn claim(&mut self, text: &str, now: OffsetDateTime) -> Result<SessionId, ErrorCode> {
        let session = self.check(text, now)?;
        if let Some(ticket) = hash_of(text).and_then(|h| self.0.get_mut(&h)) {
            ticket.state = TicketState::Used;
        }
        Ok(session)
    }

    /// The session or the permission ended: a live token is worth nothing.
    pub fn revoke(&mut self, hash: TokenHash) {
        if let Some(ticket) = self.0.get_mut(&hash)
            && ticket.state == TicketState::Live
        {
            ticket.state = TicketState::Revoked;
        }
    }

    /// Forgets tokens long past their expiry.
    pub fn forget_old(&mut self, now: OffsetDateTime) {
        self.0
            .retain(|_, t| now < t.expires_at + REMEMBER_AFTER_EXPIRY);
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.0.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> OffsetDateTime {
        OffsetDateTime::UNIX_EPOCH + time::Duration::days(1)
    }

    #[test]
    fn a_token_is_128_random_bits_kept_only_as_a_hash() {
        let mut tickets = Tickets::default();
        let a = tickets.mint(SessionId(1), t0());
        let b = tickets.mint(SessionId(1), t0());
        assert_eq!(a.text.len(), 32);
        assert!(a.text.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a.text, b.text);
        assert!(!format!("{tickets:?}").contains(&a.text));
        assert_eq!(
            a.expires_at - t0(),
            time::Duration::seconds(TOKEN_LIFETIME_SECS as i64)
        );
    }

    #[test]
    fn a_token_is_good_for_one_join_within_its_lifetime() {
        let mut tickets = Tickets::default();
        let minted = tickets.mint(SessionId(7), t0());
        // Downloads do not use it up.
        assert_eq!(tickets.check(&minted.text, t0()), Ok(SessionId(7)));
        assert_eq!(tickets.check(&minted.text, t0()), Ok(SessionId(7)));
        // Hex is hex in either case.
        let upper = minted.text.to_ascii_uppercase();
        assert_eq!(tickets.check(&upper, t0()), Ok(SessionId(7)));
        assert_eq!(tickets.claim(&minted.text, t0()), Ok(SessionId(7)));
        assert_eq!(
            tickets.claim(&minted.text, t0()),
            Err(ErrorCode::HelperTokenUsed)
        );
        assert_eq!(
            tickets.check(&minted.text, t0()),
            Err(ErrorCode::HelperTokenUsed)
        );
    }

    #[test]
    fn expired_revoked_and_unknown_tokens_are_told_apart() {
        let mut tickets = Tickets::default();
        let late = tickets.mint(SessionId(1), t0());
        let end = late.expires_at;
        assert_eq!(
            tickets.claim(&late.text, end - time::Duration::seconds(1)),
            Ok(SessionId(1))
        );
        let expired = tickets.mint(SessionId(2), t0());
        assert_eq!(
            tickets.claim(&expired.text, end),
            Err(ErrorCode::HelperTokenExpired)
        );
        let revoked = tickets.mint(SessionId(3), t0());
        tickets.revoke(revoked.hash);
        assert_eq!(
            tickets.claim(&revoked.text, t0()),
            Err(ErrorCode::HelperTokenExpired)
        );
        for bad in [
            "",
            "nothex",
            &"0".repeat(32),
            &"z".repeat(32),
            &"ab".repeat(40),
        ] {
            assert_eq!(
                tickets.claim(bad, t0()),
                Err(ErrorCode::HelperTokenUnknown),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn old_tokens_are_forgotten() {
        let mut tickets = Tickets::default();
        let old = tickets.mint(SessionId(1), t0());
        tickets.forget_old(old.expires_at);
        assert_eq!(tickets.len(), 1, "remembered for a while after expiry");
        tickets.forget_old(old.expires_at + REMEMBER_AFTER_EXPIRY);
        assert_eq!(tickets.len(), 0);
        assert_eq!(
            tickets.check(&old.text, t0()),
            Err(ErrorCode::HelperTokenUnknown)
        );
    }
}
