//! The offer: once the customer allows remote control, a token is minted
//! and the customer's page gets the helper's downloads; and the check a
//! download makes before the file goes out.

use std::path::{Path, PathBuf};

use protocol::helper::{PLATFORMS, file_name};
use protocol::ws::HelperDownload;
use protocol::{ErrorCode, ServerMessage, SessionId};
use time::OffsetDateTime;

use super::super::{Hub, Refusal, State};
use crate::client_addr::AddrKey;

/// A download the server is ready to send: the helper's file, to be
/// followed by the trailer with the token.
#[derive(Debug)]
pub struct Download {
    pub file: PathBuf,
    /// One of [`PLATFORMS`], for logs.
    pub platform: &'static str,
}

/// Where a platform's helper lives in the helper folder.
fn helper_path(dir: &Path, platform: &str) -> PathBuf {
    dir.join(format!("lifeline-helper-{platform}"))
}

/// The platforms the helper folder has a file for, in [`PLATFORMS`] order.
/// Looked at for each offer, so a build dropped into the folder counts
/// without a restart.
pub(in crate::hub) async fn available_platforms(dir: Option<&Path>) -> Vec<&'static str> {
    let Some(dir) = dir else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for platform in PLATFORMS {
        let is_file = tokio::fs::metadata(helper_path(dir, platform))
            .await
            .is_ok_and(|m| m.is_file());
        if is_file {
            found.push(*platform);
        }
    }
    found
}

/// Mints the session's token and offers the customer the downloads. Any
/// earlier offer of the session is worth nothing from now on.
pub(in crate::hub) fn offer(
    state: &mut State,
    id: SessionId,
    now: OffsetDateTime,
    platforms: &[&str],
) {
    let Some(session) = state.sessions.get_mut(&id) else {
        return;
    };
    if let Some(old) = session.helper.ticket.take() {
        state.helper_tokens.revoke(old);
    }
    let minted = state.helper_tokens.mint(id, now);
    session.helper.ticket = Some(minted.hash);
    let downloads = platforms
        .iter()
        .map(|platform| HelperDownload {
            platform: (*platform).to_owned(),
            url: format!("/helper/{platform}/{}", minted.text),
            file_name: file_name(platform),
        })
        .collect();
    session.customer.send(ServerMessage::HelperOffer {
        session: id,
        downloads,
        expires_at: minted.expires_at,
    });
}

impl Hub {
    /// `GET /helper/<platform>/<token>`, first half: the file this
    /// server has for the platform, if any (only names in [`PLATFORMS`]
    /// ever reach the disk).
    pub fn helper_file(&self, platform: &str) -> Result<Download, Refusal> {
        let known = PLATFORMS.iter().find(|p| **p == platform).copied();
        match (&self.shared.config.helper_dir, known) {
            (Some(dir), Some(platform)) => Ok(Download {
                file: helper_path(dir, platform),
                platform,
            }),
            _ => Err(Refusal::new(ErrorCode::HelperNotAvailable)),
        }
    }

    /// `GET /helper/<platform>/<token>`, second half: the token must be
    /// live (a download does not use it up). Wrong tokens count against
    /// the address's join budget, as wrong helper joins do.
    pub fn check_helper_token(&self, from: AddrKey, token: &str) -> Result<(), Refusal> {
        self.check_helper_budget(from)?;
        let now = self.shared.config.clock.now();
        let checked = self.state().helper_tokens.check(token, now);
        if let Err(code) = checked {
            self.charge_helper_failure(from);
            return Err(Refusal::new(code));
        }
        Ok(())
    }

    /// Refuses helper tokens from an address that spent its budget of
    /// failed joins.
    pub(in crate::hub) fn check_helper_budget(&self, from: AddrKey) -> Result<(), Refusal> {
        self.shared
            .join_by_addr
            .check(&from)
            .map_err(|retry| Refusal::retry_after(ErrorCode::RateLimited, retry.secs()))
    }

    /// A wrong helper token costs the address one failed join. Only the
    /// address's budget: 128-bit tokens are not guessed, and charging the
    /// server-wide budget would let one address lock everyone's typed PINs.
    pub(in crate::hub) fn charge_helper_failure(&self, from: AddrKey) {
        let _ = self.shared.join_by_addr.fail(&from);
    }
}
