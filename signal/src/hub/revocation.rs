//! Logins end (sign-out, idle logout, a removed account, perhaps from
//! another process such as `signal user remove`); their consoles must not
//! go on. Each tick compares the open consoles with the valid logins in the
//! database and closes the others, and a removed technician's live PINs
//! expire and their waiting customers are told.

use std::collections::HashSet;

use protocol::SessionId;
use protocol::ws::EndReason;
use time::OffsetDateTime;

use super::{CloseCause, Hub};

impl Hub {
    pub(super) async fn revoke_ended_logins(&self, now: OffsetDateTime) {
        let idle = self.shared.config.idle_logout.as_secs() as i64;
        let found = self
            .shared
            .db
            .call(move |store| {
                let logins = store.valid_logins(now, idle)?;
                let technicians: HashSet<String> = store
                    .technicians()?
                    .into_iter()
                    .map(|t| t.username)
                    .collect();
                Ok((logins, technicians))
            })
            .await;
        let (logins, technicians) = match found {
            Ok(found) => found,
            Err(e) => {
                tracing::warn!("cannot check logins: {e}");
                return;
            }
        };
        let mut orphaned: Vec<SessionId> = Vec::new();
        {
            let mut state = self.state();
            for (technician, consoles) in &state.consoles {
                for console in consoles {
                    if !logins.contains(&console.login) {
                        tracing::info!(technician, "closing a console whose login ended");
                        console.outbox.close_because(CloseCause::SignedOut);
                    }
                }
            }
            for technician in state.pins.technicians_with_live_pins(now) {
                if technicians.contains(&technician) {
                    continue;
                }
                let expired = state.pins.expire_technician(&technician, now);
                tracing::info!(
                    technician,
                    expired,
                    "account removed: its live PINs expired"
                );
                let who = technician.clone();
                self.shared
                    .db
                    .spawn(move |store| store.expire_pins_of(&who, now).map(|_| ()));
            }
            orphaned.extend(
                state
                    .sessions
                    .values()
                    .filter(|s| s.console.is_none() && !technicians.contains(&s.technician))
                    .map(|s| s.id),
            );
        }
        for id in orphaned {
            self.end(id, EndReason::TechnicianLeft);
        }
    }
}
