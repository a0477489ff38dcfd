//! The console's HTTP side: who is signed in, signing in and out, PINs and
//! their notes, session notes, and the reports list. A request the server
//! refuses because the login is gone signs the console out, whatever it was.

use std::rc::Rc;

use protocol::SessionId;
use protocol::api::PinRequest;
use wasm_bindgen_futures::spawn_local;

use super::{Inner, TechnicianDesk};
use crate::browser;
use crate::format::unix_ms;
use crate::net::api::{self, ApiFailure};
use crate::sound;
use crate::state::Problem;
use crate::state::console::{Action, AuthAction, PinAction, ReportsAction, TabAction};

impl TechnicianDesk {
    /// On load: who is signed in? Online at once if someone is.
    pub fn check_sign_in(&self) {
        let desk = self.clone();
        spawn_local(async move {
            match api::me().await {
                Ok(me) => {
                    let username = me.map(|m| m.username);
                    let signed_in = username.is_some();
                    desk.emit(Action::Auth(AuthAction::Checked(username)));
                    if signed_in {
                        desk.signed_in();
                    }
                }
                Err(_) => desk.emit(Action::SignedOut(Some(Problem::Unreachable))),
            }
        });
    }

    /// The sign-in form was sent. Runs inside the click, so the ring's
    /// audio may be unlocked for later.
    pub fn sign_in(&self, username: String, password: String) {
        sound::unlock();
        self.emit(Action::Auth(AuthAction::SignInStarted));
        let desk = self.clone();
        spawn_local(async move {
            match api::login(&username, &password).await {
                Ok(me) => {
                    desk.emit(Action::Auth(AuthAction::SignedIn(me.username)));
                    desk.signed_in();
                }
                Err(failure) => {
                    desk.emit(Action::Auth(AuthAction::SignInFailed(failure.problem())))
                }
            }
        });
    }

    /// Sign out: everything closes here at once; the server forgets the login.
    pub fn sign_out(&self) {
        self.go_offline();
        self.emit(Action::SignedOut(None));
        spawn_local(async {
            let _ = api::logout().await;
        });
    }

    /// New PIN (`another`: Create another PIN, replacing the one on show),
    /// with the card's notes if any.
    pub fn new_pin(&self, another: bool, notes: &str, current: Option<String>) {
        self.emit(Action::Pin(PinAction::Requested));
        let request = PinRequest {
            notes: Some(notes.to_owned()).filter(|n| !n.trim().is_empty()),
            replaces: if another { current } else { None },
        };
        let desk = self.clone();
        spawn_local(async move {
            match api::create_pin(&request).await {
                Ok(issued) => desk.emit(Action::Pin(PinAction::Issued {
                    pin: issued.pin.as_str().to_owned(),
                    link: issued.link,
                    expires_at_ms: unix_ms(issued.expires_at),
                    request,
                })),
                Err(failure) => {
                    let problem = failure.problem();
                    desk.fail(&failure, Action::Pin(PinAction::Failed(problem)));
                }
            }
        });
    }

    /// Copy link: the result shows on the card.
    pub fn copy_link(&self, link: String) {
        let desk = self.clone();
        spawn_local(async move {
            let ok = browser::copy_text(&link).await;
            desk.emit(Action::Pin(PinAction::Copied(ok)));
        });
    }

    /// Saves the PIN card's notes to its PIN (or, once a customer joined
    /// with it, to that session; the answer says which).
    pub fn save_pin_notes(&self, pin: String, text: String) {
        self.emit(Action::Pin(PinAction::NotesSaving { pin: pin.clone() }));
        let desk = self.clone();
        spawn_local(async move {
            match api::save_pin_notes(&pin, &text).await {
                Ok(saved) => desk.emit(Action::Pin(PinAction::NotesSaved {
                    pin,
                    text,
                    session: saved.session,
                })),
                Err(failure) => {
                    let problem = failure.problem();
                    let action = Action::Pin(PinAction::NotesFailed { pin, problem });
                    desk.fail(&failure, action);
                }
            }
        });
    }

    /// Saves a session's notes to its report.
    pub fn save_notes(&self, session: SessionId, text: String) {
        self.emit(Action::Tab(session, TabAction::NotesSaving));
        let desk = self.clone();
        spawn_local(async move {
            match api::save_notes(session, &text).await {
                Ok(_) => desk.emit(Action::Tab(session, TabAction::NotesSaved(text))),
                Err(failure) => desk.fail(&failure, Action::Tab(session, TabAction::NotesFailed)),
            }
        });
    }

    /// Reloads "Recent sessions".
    pub fn load_reports(&self) {
        Inner::load_reports(&self.inner);
    }

    fn signed_in(&self) {
        self.go_online();
        self.load_reports();
    }

    fn emit(&self, action: Action) {
        self.inner.dispatch.emit(action);
    }

    /// Reports a failed request: signed out if the server forgot us, else `or`.
    fn fail(&self, failure: &ApiFailure, or: Action) {
        self.inner.fail(failure, or);
    }
}

impl Inner {
    pub(super) fn load_reports(this: &Rc<Inner>) {
        this.dispatch.emit(Action::Reports(ReportsAction::Loading));
        let weak = Rc::downgrade(this);
        spawn_local(async move {
            let result = api::sessions().await;
            let Some(inner) = weak.upgrade() else {
                return;
            };
            match result {
                Ok(list) => inner
                    .dispatch
                    .emit(Action::Reports(ReportsAction::Loaded(list))),
                Err(failure) => inner.fail(&failure, Action::Reports(ReportsAction::Failed)),
            }
        });
    }

    fn fail(&self, failure: &ApiFailure, or: Action) {
        if failure.is_signed_out() {
            self.go_offline();
            self.dispatch
                .emit(Action::SignedOut(Some(failure.problem())));
        } else {
            self.dispatch.emit(or);
        }
    }
}
