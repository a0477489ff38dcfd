//! Issuing PINs and customers joining with them.

use protocol::api::{PinIssued, PinNotesSaved, PinRequest};
use protocol::limits::{MAX_NAME_CHARS, MAX_NOTES_CHARS};
use protocol::ws::SessionStatus;
use protocol::{ErrorCode, Pin, ServerMessage, SessionId};

use super::session::LiveSession;
use super::{Hub, Outbox, Refusal};
use crate::client_addr::AddrKey;
use crate::names::clean_display_name;
use crate::pin_book::{IssueError, IssueRequest, NotesTarget};
use crate::pin_secret::LinkKey;
use crate::store::{NewReport, PinState};

impl Hub {
    /// "New PIN" / "Create another PIN" for a signed-in technician. The
    /// PIN is saved before it exists anywhere else: if saving fails, no
    /// customer can use it and the technician is told.
    pub async fn issue_pin(
        &self,
        technician: &str,
        request: PinRequest,
    ) -> Result<PinIssued, Refusal> {
        if let Some(notes) = &request.notes {
            check_notes(notes)?;
        }
        let secret = &self.shared.secret;
        let replaces = match request.replaces.as_deref() {
            None => None,
            Some(text) => Some(
                secret.digest(&Pin::parse(text).map_err(|e| Refusal::new(ErrorCode::from(e)))?),
            ),
        };
        let config = &self.shared.config;
        let _one_at_a_time = self.shared.issuing.lock().await;
        let now = config.clock.now();
        let link_key = LinkKey::new();
        let issued = self
            .state()
            .pins
            .plan_issue(
                &mut rand::rng(),
                secret,
                IssueRequest {
                    technician,
                    notes: request.notes,
                    replaces,
                    now,
                    ttl: config.pin_ttl,
                    link_key_hash: link_key.hash,
                },
            )
            .map_err(|e| match e {
                IssueError::NotReplaceable => {
                    Refusal::new(ErrorCode::BadRequest).saying(e.to_string())
                }
                IssueError::Exhausted => Refusal::new(ErrorCode::Internal).saying(e.to_string()),
            })?;
        let saved = issued.clone();
        self.shared
            .db
            .call(move |store| {
                store.save_pin(&saved.record)?;
                if let Some(old) = saved.superseded {
                    store.set_pin_state(old, PinState::Superseded)?;
                }
                Ok(())
            })
            .await?;
        self.state().pins.apply_issue(&issued);
        self.shared.metrics.pins_issued.inc();
        tracing::info!(technician, pin = ?issued.pin, "PIN issued");
        Ok(PinIssued {
            link: customer_link(&self.public_base(), &issued.pin, &link_key.text),
            pin: issued.pin,
            expires_at: issued.record.expires_at,
        })
    }

    /// Notes typed on the PIN card: kept on the PIN while it is live, and
    /// written to its session once a customer has joined with it.
    pub async fn update_pin_notes(
        &self,
        technician: &str,
        pin_text: &str,
        notes: &str,
    ) -> Result<PinNotesSaved, Refusal> {
        check_notes(notes)?;
        let pin = Pin::parse(pin_text).map_err(|e| Refusal::new(ErrorCode::from(e)))?;
        let digest = self.shared.secret.digest(&pin);
        let now = self.shared.config.clock.now();
        let target = self
            .state()
            .pins
            .plan_notes(technician, &digest, notes, now)
            .map_err(|code| match code {
                ErrorCode::OutOfOrder => Refusal::new(code)
                    .saying("That PIN is no longer valid and no session was started with it."),
                code => Refusal::new(code).saying("You have no such PIN."),
            })?;
        let session = match target {
            NotesTarget::Pin(record) => {
                let saved = record.clone();
                self.shared
                    .db
                    .call(move |store| store.save_pin(&saved))
                    .await?;
                self.state().pins.apply_notes(&record);
                None
            }
            NotesTarget::Session(id) => {
                self.update_notes(technician, id, notes).await?;
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

    /// A customer typed a PIN and a name (or opened the link, which brings
    /// the link `key` too). On success the session exists and is saved, the
    /// customer got `joined`, and the technician's queue rings.
    pub async fn join(
        &self,
        customer: &Outbox,
        from: AddrKey,
        pin_text: &str,
        name: &str,
        key: Option<&str>,
    ) -> Result<SessionId, Refusal> {
        let shared = &self.shared;
        let pin = Pin::parse(pin_text).map_err(|e| {
            let code = ErrorCode::from(e);
            shared.metrics.pin_failure(code);
            Refusal::new(code)
        })?;
        let digest = shared.secret.digest(&pin);
        // Whoever holds the link key came by the link: no guessing budget
        // applies to them, spent or not (128 random bits are not guessed).
        let by_link = key.is_some_and(|k| self.state().pins.link_matches(&digest, k));
        if !by_link {
            for blocked in [
                shared.join_by_addr.check(&from),
                shared.join_global.check(&()),
            ] {
                if let Err(retry) = blocked {
                    shared.metrics.pin_failure(ErrorCode::RateLimited);
                    return Err(Refusal::retry_after(ErrorCode::RateLimited, retry.secs()));
                }
            }
        }
        // Typos cost no budget: they say nothing about which PINs exist.
        let name = clean_name(name)?;

        let now = shared.config.clock.now();
        let claimed = self.state().pins.claim(&digest, now);
        let record = match claimed {
            Ok(record) => record,
            Err(code) => {
                shared.metrics.pin_failure(code);
                if !by_link {
                    self.charge_guess(from);
                }
                tracing::info!(?pin, code = code.as_str(), "join refused");
                return Err(Refusal::new(code));
            }
        };
        let report = NewReport {
            technician: record.technician.clone(),
            customer: name.clone(),
            pin_suffix: record.suffix.clone(),
            pin_created_at: record.created_at,
            joined_at: now,
            notes: record.notes.clone(),
        };
        let saved = shared
            .db
            .call(move |store| {
                store.set_pin_state(digest, PinState::Used)?;
                store.insert_report(&report)
            })
            .await;
        let id = match saved {
            Ok(id) => id,
            Err(e) => {
                // Nothing was kept: the PIN is live again for the next try.
                self.state().pins.unclaim(&digest);
                return Err(e.into());
            }
        };
        let mut state = self.state();
        state.pins.record_join(&digest, id);
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
                pin_suffix: record.suffix,
                joined_at: now,
                notes: record.notes,
                pending_consent: None,
                sharing: Vec::new(),
                screen_shown: false,
                helper: Default::default(),
            },
        );
        self.push_entry(&state, &record.technician, id);
        tracing::info!(session = %id, technician = record.technician, by_link, "customer joined");
        Ok(id)
    }

    /// Charges a failed guess to both budgets; when either runs out, the
    /// next typed attempt is refused before the PIN is even looked at.
    fn charge_guess(&self, from: AddrKey) {
        let shared = &self.shared;
        let _ = shared.join_by_addr.fail(&from);
        if shared.join_global.fail(&()).is_err() {
            shared.metrics.pin_budget_exhausted.inc();
            tracing::warn!(
                "the server-wide budget for wrong PINs is spent: typed PINs are refused for now \
                 (customers who open their link still get in); someone may be guessing PINs"
            );
        }
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

/// `<base>/?code=<pin>&key=<link key>`; relative when no public URL is
/// known. The PIN stays readable in the link for the phone case.
fn customer_link(base: &str, pin: &Pin, key: &str) -> String {
    format!("{base}/?code={pin}&key={key}")
}

/// The name as the console and the report show it: bidi overrides,
/// invisible and control characters removed (see `names`).
fn clean_name(name: &str) -> Result<String, Refusal> {
    clean_display_name(name, MAX_NAME_CHARS)
        .map_err(|p| Refusal::new(p.code()).saying(p.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_cleaned_and_bounded() {
        assert_eq!(clean_name("  Ann\u{7}  ").unwrap(), "Ann");
        assert_eq!(clean_name("\u{202E}Ann\u{200B}").unwrap(), "Ann");
        assert_eq!(
            clean_name("\u{200B}\u{200D}").unwrap_err().code,
            ErrorCode::NameRequired
        );
        assert_eq!(
            clean_name(" \t ").unwrap_err().code,
            ErrorCode::NameRequired
        );
        let long = "x".repeat(MAX_NAME_CHARS + 1);
        assert_eq!(clean_name(&long).unwrap_err().code, ErrorCode::TooLong);
    }

    #[test]
    fn links_carry_the_pin_and_the_key() {
        let pin = Pin::parse("012345").unwrap();
        assert_eq!(
            customer_link("https://help.example", &pin, "abc"),
            "https://help.example/?code=012345&key=abc"
        );
    }
}
