//! Issuing PINs and customers joining with them.

use protocol::api::{PinIssued, PinNotesSaved, PinRequest};
use protocol::limits::{MAX_NAME_CHARS, MAX_NOTES_CHARS};
use protocol::ws::SessionStatus;
use protocol::{ErrorCode, Pin, ServerMessage, SessionId};

use super::session::LiveSession;
use super::{Hub, Outbox, Refusal};
use crate::client_addr::AddrKey;
use crate::pin_book::{IssueError, NotesTarget};
use crate::store::{NewReport, PinState};

impl Hub {
    /// "New PIN" / "Create another PIN" for a signed-in technician.
    pub fn issue_pin(&self, technician: &str, request: PinRequest) -> Result<PinIssued, Refusal> {
        if let Some(notes) = &request.notes {
            check_notes(notes)?;
        }
        let replaces = match request.replaces.as_deref() {
            None => None,
            Some(text) => Some(Pin::parse(text).map_err(|e| Refusal::new(ErrorCode::from(e)))?),
        };
        let config = &self.shared.config;
        let now = config.clock.now();
        let issued = {
            let mut state = self.state();
            let issued = state
                .pins
                .issue(
                    &mut rand::rng(),
                    technician,
                    request.notes,
                    replaces.as_ref(),
                    now,
                    config.pin_ttl,
                )
                .map_err(|e| match e {
                    IssueError::NotReplaceable => {
                        Refusal::new(ErrorCode::BadRequest).saying(e.to_string())
                    }
                    IssueError::Exhausted => {
                        Refusal::new(ErrorCode::Internal).saying(e.to_string())
                    }
                })?;
            let store = &self.shared.store;
            store.save_pin(&issued.record)?;
            if let Some(old) = &issued.superseded {
                store.set_pin_state(old, PinState::Superseded)?;
            }
            issued
        };
        self.shared.metrics.pins_issued.inc();
        tracing::info!(technician, pin = ?issued.record.pin, "PIN issued");
        let record = issued.record;
        Ok(PinIssued {
            link: customer_link(&self.public_base(), &record.pin),
            pin: record.pin,
            expires_at: record.expires_at,
        })
    }

    /// Notes typed on the PIN card: kept on the PIN while it is live, and
    /// written to its session once a customer has joined with it.
    pub fn update_pin_notes(
        &self,
        technician: &str,
        pin_text: &str,
        notes: &str,
    ) -> Result<PinNotesSaved, Refusal> {
        check_notes(notes)?;
        let pin = Pin::parse(pin_text).map_err(|e| Refusal::new(ErrorCode::from(e)))?;
        let now = self.shared.config.clock.now();
        let target = {
            let mut state = self.state();
            let target = state
                .pins
                .set_notes(technician, &pin, notes, now)
                .map_err(|code| match code {
                    ErrorCode::OutOfOrder => Refusal::new(code)
                        .saying("That PIN is no longer valid and no session was started with it."),
                    code => Refusal::new(code).saying("You have no such PIN."),
                })?;
            if let NotesTarget::Pin(record) = &target {
                self.shared.store.save_pin(record)?;
            }
            target
        };
        let session = match target {
            NotesTarget::Pin(_) => None,
            NotesTarget::Session(id) => {
                self.update_notes(technician, id, notes)?;
                Some(id)
            }
        };
        Ok(PinNotesSaved {
            notes: notes.to_owned(),
            session,
        })
    }

    /// The base URL customer links start with.
    pub fn public_base(&self) -> String {
        self.shared
            .config
            .public_url
            .as_ref()
            .map(|u| u.as_str().trim_end_matches('/').to_owned())
            .unwrap_or_default()
    }

    /// A customer typed a PIN and a name. On success the session exists,
    /// the customer got `joined`, and the technician's queue rings.
    pub fn join(
        &self,
        customer: &Outbox,
        from: AddrKey,
        pin_text: &str,
        name: &str,
    ) -> Result<SessionId, Refusal> {
        let shared = &self.shared;
        for blocked in [
            shared.join_by_addr.check(&from),
            shared.join_global.check(&()),
        ] {
            if let Err(retry) = blocked {
                shared.metrics.pin_failure(ErrorCode::RateLimited);
                return Err(Refusal::retry_after(ErrorCode::RateLimited, retry.secs()));
            }
        }
        // Typos cost no budget: they say nothing about which PINs exist.
        let pin = Pin::parse(pin_text).map_err(|e| {
            let code = ErrorCode::from(e);
            shared.metrics.pin_failure(code);
            Refusal::new(code)
        })?;
        let name = clean_name(name)?;

        let now = shared.config.clock.now();
        let mut state = self.state();
        let record = match state.pins.claim(&pin, now) {
            Ok(record) => record,
            Err(code) => {
                drop(state);
                shared.metrics.pin_failure(code);
                // Charge both budgets; when either runs out, the next
                // attempt is refused before the PIN is even looked at.
                let _ = shared.join_by_addr.fail(&from);
                let _ = shared.join_global.fail(&());
                tracing::info!(?pin, code = code.as_str(), "join refused");
                return Err(Refusal::new(code));
            }
        };
        let store = &shared.store;
        store.set_pin_state(&pin, PinState::Used)?;
        let id = store.insert_report(&NewReport {
            technician: &record.technician,
            customer: &name,
            pin_suffix: pin.suffix(),
            pin_created_at: record.created_at,
            joined_at: now,
            notes: &record.notes,
        })?;
        state.pins.record_join(&pin, id);
        customer.send(ServerMessage::Joined {
            session: id,
            technician: record.technician.clone(),
            status: SessionStatus::Waiting,
        });
        state.sessions.insert(
            id,
            LiveSession {
                id,
                technician: record.technician.clone(),
                customer_name: name,
                customer: customer.clone(),
                console: None,
                pin_suffix: pin.suffix().to_owned(),
                joined_at: now,
                notes: record.notes,
                pending_consent: None,
                sharing: Vec::new(),
            },
        );
        self.push_queue(&state, &record.technician);
        tracing::info!(session = %id, technician = record.technician, "customer joined");
        Ok(id)
    }
}

/// Notes are free text, bounded.
pub(super) fn check_notes(notes: &str) -> Result<(), Refusal> {
    if notes.chars().count() > MAX_NOTES_CHARS {
        return Err(Refusal::new(ErrorCode::TooLong).saying(format!(
            "Notes can be at most {MAX_NOTES_CHARS} characters."
        )));
    }
    Ok(())
}

/// `<base>/?code=<pin>`; relative when no public URL is known.
fn customer_link(base: &str, pin: &Pin) -> String {
    format!("{base}/?code={pin}")
}

/// Trims the name and drops control characters (they would only garble the
/// console and the CSV report).
fn clean_name(name: &str) -> Result<String, Refusal> {
    let name: String = name.trim().chars().filter(|c| !c.is_control()).collect();
    if name.is_empty() {
        return Err(Refusal::new(ErrorCode::NameRequired));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(Refusal::new(ErrorCode::TooLong).saying(format!(
            "Please use a shorter name (at most {MAX_NAME_CHARS} characters)."
        )));
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_cleaned_and_bounded() {
        assert_eq!(clean_name("  Ann\u{7}  ").unwrap(), "Ann");
        assert_eq!(
            clean_name(" \t ").unwrap_err().code,
            ErrorCode::NameRequired
        );
        let long = "x".repeat(MAX_NAME_CHARS + 1);
        assert_eq!(clean_name(&long).unwrap_err().code, ErrorCode::TooLong);
    }

    #[test]
    fn links_carry_the_pin() {
        let pin = Pin::parse("012345").unwrap();
        assert_eq!(
            customer_link("https://help.example", &pin),
            "https://help.example/?code=012345"
        );
    }
}
