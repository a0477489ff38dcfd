//! The hub: every open support session, every connected console, and the
//! PIN book, behind one lock.
//!
//! Sockets and HTTP handlers call the hub's methods; the hub checks that the
//! caller may do what it asks, updates the state, writes the report, and
//! queues frames for the sockets concerned. The lock is a std `Mutex`,
//! never held across an `.await` (there is none inside), so it is cheap and
//! cannot deadlock with the runtime.
//!
//! - `outbox`: a socket's send queue as the hub sees it.
//! - `session`: an open support session.
//! - `refusal`: the error a refused request turns into.
//! - `pins`: issuing PINs and customers joining with them.
//! - `lifecycle`: start, leave, disconnect, end.
//! - `relay`: WebRTC signalling between the two members of a session.
//! - `consent`: asking, answering, timing out, stopping.

mod consent;
mod lifecycle;
mod outbox;
mod pins;
mod refusal;
mod relay;
mod session;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use protocol::ServerMessage;
use protocol::ws::{EndReason, SessionStatus};

pub use outbox::{ConnId, Inbox, Outbox};
pub use refusal::Refusal;
pub use session::LiveSession;

use crate::client_addr::AddrKey;
use crate::config::Config;
use crate::metrics::Metrics;
use crate::pin_book::PinBook;
use crate::store::{Store, StoreError};
use crate::throttle::FailureThrottle;
use protocol::SessionId;

/// Cheap handle to the shared hub.
#[derive(Clone)]
pub struct Hub {
    shared: Arc<Shared>,
}

struct Shared {
    state: Mutex<State>,
    store: Store,
    config: Config,
    metrics: Metrics,
    /// Failed joins per address: one guesser's budget.
    join_by_addr: FailureThrottle<AddrKey>,
    /// Failed joins server-wide: every guesser's budget together.
    join_global: FailureThrottle<()>,
}

#[derive(Default)]
struct State {
    pins: PinBook,
    sessions: HashMap<SessionId, LiveSession>,
    /// Open console sockets per technician; all of them see the queue.
    consoles: HashMap<String, Vec<Console>>,
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
    /// (their sockets died with that process).
    pub fn new(store: Store, config: Config, metrics: Metrics) -> Result<Self, StoreError> {
        let now = config.clock.now();
        let closed = store.end_open_reports(now, EndReason::ServerStopped)?;
        if closed > 0 {
            tracing::info!("closed {closed} session report(s) left open by the previous run");
        }
        let mut pins = PinBook::from_records(store.load_pins()?);
        pins.forget_old(now);
        Ok(Hub {
            shared: Arc::new(Shared {
                state: Mutex::new(State {
                    pins,
                    ..State::default()
                }),
                join_by_addr: FailureThrottle::new(config.join_failures_per_address),
                join_global: FailureThrottle::new(config.join_failures_global),
                store,
                config,
                metrics,
            }),
        })
    }

    pub fn store(&self) -> &Store {
        &self.shared.store
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

    /// Closes every console socket signed in with `login` (sign-out).
    pub fn close_consoles_of_login(&self, login: &str) {
        let state = self.state();
        for console in state.consoles.values().flatten() {
            if console.login == login {
                console.outbox.close();
            }
        }
    }

    /// Housekeeping, run every second: consent timeouts, forgetting old
    /// PINs, idle logins and recovered throttle keys.
    pub fn tick(&self) {
        let now = self.shared.config.clock.now();
        self.expire_consents(now);
        self.state().pins.forget_old(now);
        let store = &self.shared.store;
        let idle = self.shared.config.idle_logout.as_secs() as i64;
        if let Err(e) = store.purge_idle_logins(now, idle).and_then(|_| {
            store.forget_pins_expired_before(now - crate::pin_book::REMEMBER_DEAD_PINS)
        }) {
            tracing::warn!("housekeeping failed: {e}");
        }
        self.shared.join_by_addr.forget_recovered();
        self.shared.join_global.forget_recovered();
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

    /// Ends every open session with `server_stopped` and closes all sockets.
    pub fn shutdown(&self) {
        let ids: Vec<SessionId> = self.state().sessions.keys().copied().collect();
        for id in ids {
            self.end(id, EndReason::ServerStopped);
        }
        let state = self.state();
        for console in state.consoles.values().flatten() {
            console.outbox.close();
        }
    }

    /// Sends the technician's consoles their current queue.
    fn push_queue(&self, state: &State, technician: &str) {
        if let Some(consoles) = state.consoles.get(technician) {
            let queue = queue_of(state, technician);
            for console in consoles {
                console.outbox.send(queue.clone());
            }
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
