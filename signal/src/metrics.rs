//! Prometheus metrics at `/metrics`.
//!
//! Counters are bumped where things happen; gauges that describe the hub's
//! state (sessions, PINs) are read from it at scrape time, so they can never
//! drift from the truth.

use std::sync::atomic::AtomicI64;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct CodeLabel {
    pub code: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ReasonLabel {
    pub reason: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct StatusLabel {
    pub status: String,
}

/// Every metric the server exports.
pub struct Metrics {
    registry: Registry,
    pub pins_issued: Counter,
    pub pin_failures: Family<CodeLabel, Counter>,
    pub login_failures: Counter,
    pub sessions_started: Counter,
    pub sessions_ended: Family<ReasonLabel, Counter>,
    pub sessions: Family<StatusLabel, Gauge>,
    pub live_pins: Gauge,
    pub sockets: Gauge<i64, AtomicI64>,
    pub rejected_frames: Family<CodeLabel, Counter>,
    /// Sockets dropped because they stopped reading what was sent to them.
    pub slow_socket_dropped: Counter,
    /// Customer sockets closed for not joining in time.
    pub join_timeouts: Counter,
    /// Times the server-wide budget of wrong PINs ran out.
    pub pin_budget_exhausted: Counter,
    /// Sign-ins turned away because too many were waiting to be checked.
    pub login_busy: Counter,
    /// Open TCP connections (HTTP and WebSocket).
    pub connections: Gauge<i64, AtomicI64>,
    /// The cap on open TCP connections.
    pub connection_cap: Gauge<i64, AtomicI64>,
    /// Connections and WebSockets refused at a cap, by kind and reason.
    pub connections_refused: Family<RefusedLabel, Counter>,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RefusedLabel {
    /// `tcp` or `websocket`.
    pub kind: String,
    /// `server` (the server-wide cap) or `address` (the per-address cap).
    pub reason: String,
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("lifeline");
        let m = Metrics {
            pins_issued: Counter::default(),
            pin_failures: Family::default(),
            login_failures: Counter::default(),
            sessions_started: Counter::default(),
            sessions_ended: Family::default(),
            sessions: Family::default(),
            live_pins: Gauge::default(),
            sockets: Gauge::default(),
            rejected_frames: Family::default(),
            slow_socket_dropped: Counter::default(),
            join_timeouts: Counter::default(),
            pin_budget_exhausted: Counter::default(),
            login_busy: Counter::default(),
            connections: Gauge::default(),
            connection_cap: Gauge::default(),
            connections_refused: Family::default(),
            registry: Registry::default(),
        };
        registry.register("pins_issued", "PINs issued", m.pins_issued.clone());
        registry.register(
            "pin_failures",
            "Failed joins, by error code",
            m.pin_failures.clone(),
        );
        registry.register(
            "login_failures",
            "Failed sign-ins",
            m.login_failures.clone(),
        );
        registry.register(
            "sessions_started",
            "Support sessions started by a technician",
            m.sessions_started.clone(),
        );
        registry.register(
            "sessions_ended",
            "Support sessions ended, by reason",
            m.sessions_ended.clone(),
        );
        registry.register(
            "sessions",
            "Open support sessions, by status (waiting, active)",
            m.sessions.clone(),
        );
        registry.register(
            "live_pins",
            "PINs a customer could still use",
            m.live_pins.clone(),
        );
        registry.register("sockets", "Open WebSocket connections", m.sockets.clone());
        registry.register(
            "rejected_frames",
            "WebSocket frames refused, by error code",
            m.rejected_frames.clone(),
        );
        registry.register(
            "slow_sockets_dropped",
            "Sockets dropped because they stopped reading",
            m.slow_socket_dropped.clone(),
        );
        registry.register(
            "join_timeouts",
            "Customer sockets closed for not joining a session in time",
            m.join_timeouts.clone(),
        );
        registry.register(
            "pin_budget_exhausted",
            "Times the server-wide budget of wrong PINs ran out (someone may be guessing)",
            m.pin_budget_exhausted.clone(),
        );
        registry.register(
            "login_busy",
            "Sign-ins refused because too many were waiting to be checked",
            m.login_busy.clone(),
        );
        registry.register("connections", "Open TCP connections", m.connections.clone());
        registry.register(
            "connection_cap",
            "Most TCP connections the server admits",
            m.connection_cap.clone(),
        );
        registry.register(
            "connections_refused",
            "Connections refused at a cap, by kind (tcp, websocket) and reason (server, address)",
            m.connections_refused.clone(),
        );
        Metrics { registry, ..m }
    }

    pub fn connection_refused(&self, full: crate::capacity::Full, kind: &str) {
        let reason = match full {
            crate::capacity::Full::Server => "server",
            crate::capacity::Full::Address => "address",
        };
        self.connections_refused
            .get_or_create(&RefusedLabel {
                kind: kind.to_owned(),
                reason: reason.to_owned(),
            })
            .inc();
    }

    pub fn pin_failure(&self, code: protocol::ErrorCode) {
        self.pin_failures
            .get_or_create(&CodeLabel {
                code: code.as_str().to_owned(),
            })
            .inc();
    }

    pub fn rejected_frame(&self, code: protocol::ErrorCode) {
        self.rejected_frames
            .get_or_create(&CodeLabel {
                code: code.as_str().to_owned(),
            })
            .inc();
    }

    pub fn session_ended(&self, reason: protocol::ws::EndReason) {
        self.sessions_ended
            .get_or_create(&ReasonLabel {
                reason: reason.as_str().to_owned(),
            })
            .inc();
    }

    pub fn set_sessions(&self, waiting: i64, active: i64) {
        for (status, n) in [("waiting", waiting), ("active", active)] {
            self.sessions
                .get_or_create(&StatusLabel {
                    status: status.to_owned(),
                })
                .set(n);
        }
    }

    /// The text exposition format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = encode(&mut out, &self.registry);
        out
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}
