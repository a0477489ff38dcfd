//! A Lifeline Helper joining its session with the token from its download.

use protocol::api::ConsentEventKind;
use protocol::ws::{ConsentOutcome, ConsentScope, HelperStatus};
use protocol::{ErrorCode, ServerMessage, SessionId};

use super::super::consent::tell_both;
use super::super::{Hub, Outbox, Refusal};
use super::{tell_browsers, tell_control_mode};
use crate::client_addr::AddrKey;
use crate::names::clean_display_name;
use crate::store::Stretch;

/// Most characters of a helper's "why I cannot control this computer"
/// that both people get to read.
pub const MAX_DETAIL_CHARS: usize = 300;

/// What a good token came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Joined {
    /// The helper is the session's helper now.
    Attached(SessionId),
    /// The helper said it cannot control this computer; both people were
    /// told why, the permission ended, and its socket should close.
    Unavailable(SessionId),
}

impl Hub {
    /// `helper_join`: the token must be live; it is used up whatever
    /// happens next. A wrong one costs the address one failed join.
    pub fn helper_join(
        &self,
        helper: &Outbox,
        from: AddrKey,
        token: &str,
        platform: &str,
        unavailable: Option<&str>,
    ) -> Result<Joined, Refusal> {
        self.check_helper_budget(from)?;
        let now = self.shared.config.clock.now();
        let mut state = self.state();
        let id = match state.helper_tokens.claim(token, now) {
            Ok(id) => id,
            Err(code) => {
                drop(state);
                self.charge_helper_failure(from);
                tracing::info!(code = code.as_str(), "helper join refused");
                return Err(Refusal::new(code));
            }
        };
        let session = state
            .sessions
            .get_mut(&id)
            .filter(|s| s.sharing.contains(&ConsentScope::RemoteControl))
            .ok_or_else(|| Refusal::new(ErrorCode::HelperTokenExpired))?;
        if session.helper.socket.is_some() {
            return Err(Refusal::new(ErrorCode::HelperTokenUsed));
        }
        session.helper.ticket = None;
        let platform = known_platform(platform);

        if let Some(why) = unavailable {
            tell_browsers(session, HelperStatus::Unavailable, Some(detail(why)));
            // Control cannot happen on this computer: the permission ends
            // here, as if the customer had stopped it, so the technician
            // may ask again once the customer has fixed what the helper said.
            session
                .sharing
                .retain(|s| *s != ConsentScope::RemoteControl);
            let scope = ConsentScope::RemoteControl;
            self.shared.db.spawn(move |store| {
                store.add_consent_event(id, now, scope, ConsentEventKind::Stopped)
            });
            tell_both(session, scope, ConsentOutcome::Stopped);
            tracing::info!(session = %id, platform, "helper cannot control this computer");
            return Ok(Joined::Unavailable(id));
        }

        // Control is where a new helper starts: the customer has just
        // allowed it and started the helper themselves.
        session.helper.socket = Some(helper.clone());
        session.helper.controlling = true;
        self.shared
            .db
            .spawn(move |store| store.stretch_started(Stretch::Control, id, now));
        helper.send(ServerMessage::HelperJoined {
            session: id,
            technician: session.technician.clone(),
            customer: session.customer_name.clone(),
            ice_servers: self.shared.config.ice_servers.clone(),
        });
        tell_browsers(session, HelperStatus::Joined, None);
        tell_control_mode(session);
        tracing::info!(session = %id, platform, "helper joined");
        Ok(Joined::Attached(id))
    }
}

/// The platform for logs: only names we know, never what a client chose.
fn known_platform(platform: &str) -> &'static str {
    protocol::helper::PLATFORMS
        .iter()
        .find(|p| **p == platform)
        .copied()
        .unwrap_or("other")
}

/// The helper's reason, cleaned like a name (no control, bidi or invisible
/// characters) and cut to [`MAX_DETAIL_CHARS`].
fn detail(raw: &str) -> String {
    // Cut before cleaning too, so a huge reason costs little; generous, as
    // invisible characters are yet to go.
    let raw = match raw.char_indices().nth(4 * MAX_DETAIL_CHARS) {
        Some((cut, _)) => &raw[..cut],
        None => raw,
    };
    let Ok(clean) = clean_display_name(raw, 4 * MAX_DETAIL_CHARS) else {
        return "The Lifeline Helper cannot control this computer.".to_owned();
    };
    match clean.char_indices().nth(MAX_DETAIL_CHARS) {
        Some((cut, _)) => format!("{}…", &clean[..cut]),
        None => clean,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_are_cleaned_and_cut() {
        assert_eq!(
            detail("  Wayland\u{202E} is\tnot supported\u{7} "),
            "Wayland is not supported"
        );
        assert_eq!(
            detail("\u{200B}"),
            "The Lifeline Helper cannot control this computer."
        );
        let long = detail(&"x".repeat(5000));
        assert_eq!(long.chars().count(), MAX_DETAIL_CHARS + 1);
        assert!(long.ends_with('…'));
    }

    #[test]
    fn only_known_platforms_reach_the_logs() {
        assert_eq!(known_platform("linux-x86_64"), "linux-x86_64");
        assert_eq!(known_platform("\u{1b}[31mevil"), "other");
    }
}
