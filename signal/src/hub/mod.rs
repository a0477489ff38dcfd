//! The hub: every open support session, every connected console, and the
//! PIN book, behind one lock.
//!
//! Sockets and HTTP handlers call the hub's methods; the hub checks that the
//! caller may do what it asks, updates the state, and queues frames for the
//! sockets concerned. The lock is a std `Mutex`, never held across an
//! `.await` and never while the database works: a change that must be
//! saved is reserved under the lock, saved through the database thread
//! ([`Db`]) with the lock released, then applied (or rolled back) under the
//! lock again, and only then told to anyone. Relaying never touches the
//! database, so a slow disk never delays a relay.
//!
//! - `outbox`: a socket's send queue as the hub sees it.
//! - `session`: an open support session.
//! - `refusal`: the error a refused request turns into.
//! - `pins`: issuing PINs and customers joining with them.
//! - `lifecycle`: start, leave, disconnect, end.
//! - `relay`: WebRTC signalling between the two members of a session.
//! - `consent`: asking, answering, timing out, stopping.
//! - `revocation`: closing the consoles of logins that ended.
//! - `recording`: who may record a session; telling both sides it is.
//! - `activity`: what consoles report for their sessions' reports (file
//!   transfers).
//! - `screen_shown`: the technician's screen shown to the customer, for the report.
//! - `helper`: remote control through the Lifeline Helper: its token,
//!   joining, control mode, and its end.

mod activity;
mod consent;
mod helper;
mod lifecycle;
mod outbox;
mod pins;
mod recording;
mod refusal;
mod relay;
mod revocation;
mod screen_shown;
mod session;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use protocol::ServerMessage;
use protocol::ws::{EndReason, SessionStatus};

pub use helper::{Download, Joined};
pub use outbox::{CloseCause, ConnId, Frame, Inbox, Outbox, Pending};
pub use refusal::Refusal;
pub use session::LiveSession;

use crate::client_addr::AddrKey;
use crate::config::Config;
use crate::metrics::Metrics;
use crate::pin_book::PinBook;
use crate::pin_secret::PinSecret;
use crate::store::{Db, Store, StoreError};
use crate::throttle::FailureThrottle;
use protocol::SessionId;

/// Cheap handle to the shared hub.
#[derive(Clone)]
pub struct Hub {
    shared: Arc<Shared>,
}

struct Shared {
    state: Mutex<State>,
    /// The database thread: the only way to the store while running.
    db: Db,
    /// Key of the PINs' keyed hashes.
    secret: PinSecret,
    config: Config,
    metrics: Metrics,
    /// Failed joins per address: one guesser's budget.
    join_by_addr: FailureThrottle<AddrKey>,
    /// Failed joins server-wide: every guesser's budget together.
    join_global: FailureThrottle<()>,
    /// Issuing is rare and must not interleave (two "Create another PIN"
    /// clicks replacing the same PIN): one at a time.
    issuing: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct State {
    pins: PinBook,
    sessions: HashMap<SessionId, LiveSession>,
    /// Open console sockets per technician; all of them see the queue.
    consoles: HashMap<String, Vec<Console>>,
    /// Helper tokens offered and not yet forgotten.
    helper_tokens: helper::Tickets,
}

/// One open console socket.
#[derive(Debug, Clone)]
struct Console {
    outbox: Outbox,
    /// The login it signed in with, so signing out closes it.
    login: String,
}

impl Hub {
    /// Loads PINs from the store and closes reports a previous run left open
    /// (their sockets died with that process), then hands the store to the
    /// database thread.
    pub fn new(store: Store, config: Config, metrics: Metrics) -> Result<Self, StoreError> {
        let now = config.clock.now();
        let closed = store.end_open_reports(now, EndReason::ServerStopped)?;
        if closed > 0 {
            tracing::info!("closed {closed} session report(s) left open by the previous run");
        }
        let mut pins = PinBook::from_records(store.load_pins()?);
        pins.forget_old(now);
        let secret = store.pin_secret().clone();
        Ok(Hub {
            shared: Arc::new(Shared {
                state: Mutex::new(State {
                    pins,
                    ..State::default()
                }),
                join_by_addr: FailureThrottle::new(config.join_failures_per_address),
                join_global: FailureThrottle::new(config.join_failures_global),
                db: Db::start(store),
                secret,
                config,
                metrics,
                issuing: tokio::sync::Mutex::new(()),
            }),
        })
    }

    pub fn db(&self) -> &Db {
        &self.shared.db
    }

    pub fn config(&self) -> &Config {
        &self.shared.config
    }

    pub fn metrics(&self) -> &Metrics {
        &self.shared.metrics
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // Every mutation leaves the state consistent before anything can
        // panic, so a poisoned lock is still usable.
        self.shared.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A console socket opened: it gets `welcome` and the queue.
    pub fn connect_console(&self, technician: &str, login: &str, outbox: Outbox) {
        let mut state = self.state();
        outbox.send(ServerMessage::Welcome {
            technician: technician.to_owned(),
        });
        outbox.send(queue_of(&state, technician));
        state
            .consoles
            .entry(technician.to_owned())
            .or_default()
            .push(Console {
                outbox,
                login: login.to_owned(),
            });
    }

    /// True while the session has not ended.
    pub fn session_is_open(&self, id: SessionId) -> bool {
        self.state().sessions.contains_key(&id)
    }

    /// A console signed in with `login` is in use: its login is not idle.
    pub fn touch_login(&self, login: &str) {
        let (login, now) = (login.to_owned(), self.shared.config.clock.now());
        self.shared
            .db
            .spawn(move |store| store.touch_login(&login, now));
    }

    /// Closes every console socket signed in with `login` (sign-out).
    pub fn close_consoles_of_login(&self, login: &str) {
        let state = self.state();
        for console in state.consoles.values().flatten() {
            if console.login == login {
                console.outbox.close_because(CloseCause::SignedOut);
            }
        }
    }

    /// Housekeeping, run every second: consent timeouts, forgetting old
    /// PINs, idle logins and recovered throttle keys, and closing consoles
    /// whose login ended.
    pub async fn tick(&self) {
        let now = self.shared.config.clock.now();
        self.expire_consents(now);
        {
            let mut state = self.state();
            state.pins.forget_old(now);
            state.helper_tokens.forget_old(now);
        }
        let idle = self.shared.config.idle_logout.as_secs() as i64;
        self.shared.db.spawn(move |store| {
            store.purge_idle_logins(now, idle)?;
            store.forget_pins_expired_before(now - crate::pin_book::REMEMBER_DEAD_PINS)?;
            Ok(())
        });
        self.shared.join_by_addr.forget_recovered();
        self.shared.join_global.forget_recovered();
        self.revoke_ended_logins(now).await;
    }

    /// Sets the gauges from the current state (at each scrape).
    pub fn refresh_gauges(&self) {
        let now = self.shared.config.clock.now();
        let (waiting, active, live_pins) = {
            let state = self.state();
            let waiting = state
                .sessions
                .values()
                .filter(|s| s.status() == SessionStatus::Waiting)
                .count();
            (
                waiting,
                state.sessions.len() - waiting,
                state.pins.live_count(now),
            )
        };
        let metrics = &self.shared.metrics;
        metrics.set_sessions(waiting as i64, active as i64);
        metrics.live_pins.set(live_pins as i64);
    }

    /// Ends every open session with `server_stopped` and closes all sockets;
    /// completes once the reports are saved.
    pub async fn shutdown(&self) {
        let ids: Vec<SessionId> = self.state().sessions.keys().copied().collect();
        for id in ids {
            self.end(id, EndReason::ServerStopped);
        }
        {
            let state = self.state();
            for console in state.consoles.values().flatten() {
                console.outbox.close();
            }
        }
        self.shared.db.flush().await;
    }

    /// Tells the technician's consoles that one entry of their queue
    /// changed: one frame, serialised once, whatever the queue's length.
    fn push_entry(&self, state: &State, technician: &str, id: SessionId) {
        let Some(consoles) = state.consoles.get(technician) else {
            return;
        };
        let msg = match state.sessions.get(&id) {
            Some(session) => ServerMessage::QueueUpdate {
                session: session.queue_entry(),
            },
            None => ServerMessage::QueueRemove { session: id },
        };
        let frame = Frame::of(&msg);
        for console in consoles {
            console.outbox.send_frame(frame.clone());
        }
    }
}

/// A technician's open sessions, oldest first.
fn queue_of(state: &State, technician: &str) -> ServerMessage {
    let mut sessions: Vec<_> = state
        .sessions
        .values()
        .filter(|s| s.technician == technician)
        .map(LiveSession::queue_entry)
        .collect();
    sessions.sort_by_key(|e| e.id);
    ServerMessage::Queue { sessions }
}
