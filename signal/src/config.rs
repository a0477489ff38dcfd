//! Everything `run` needs to know, with the defaults a single-machine
//! install wants. The command line (`cli`) fills it; tests build it directly.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use ipnet::IpNet;
use protocol::ws::IceServer;
use url::Url;

use crate::clock::Clock;
use crate::secret::Secret;
use crate::throttle::FailureBudget;

/// Server settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// Folder holding the SQLite database.
    pub data_dir: PathBuf,
    /// Folder with the built web app; `None` serves a page explaining how to
    /// build it, so the API still works without the app.
    pub static_dir: Option<PathBuf>,
    /// How long a PIN stays valid (LogMeIn Rescue's 20 minutes by default).
    pub pin_ttl: Duration,
    /// Base of links sent to customers; also the one browser origin trusted
    /// on the WebSocket. `None` means "the address we listen on".
    pub public_url: Option<Url>,
    /// Signed-in technicians idle this long are signed out.
    pub idle_logout: Duration,
    /// Take the client address from `X-Forwarded-For` (only behind a proxy).
    pub trust_proxy_headers: bool,
    /// The proxies whose `X-Forwarded-For` is believed, when
    /// `trust_proxy_headers` is on; empty means loopback only. Anyone else
    /// could claim any address and dodge the throttle (`client_addr`).
    pub trusted_proxies: Vec<IpNet>,
    /// More browser origins allowed on the WebSocket, e.g. a `trunk serve`
    /// development server.
    pub extra_origins: Vec<String>,
    /// STUN/TURN servers handed to both browsers for each session.
    pub ice_servers: Vec<IceServer>,
    /// Certificate and key for HTTPS/WSS.
    pub tls: Option<TlsFiles>,
    /// Failed joins one address may make (IPv6: one /64).
    pub join_failures_per_address: FailureBudget,
    /// Failed joins the whole server tolerates; bounds the odds of a
    /// distributed guesser (docs/security.md).
    pub join_failures_global: FailureBudget,
    /// Failed sign-ins per address and per username.
    pub login_failures: FailureBudget,
    /// How often sockets are pinged; one silent for three intervals is dropped.
    pub heartbeat: Duration,
    /// Most TCP connections open at once; `None` sizes it from the
    /// open-files limit (see `capacity`).
    pub max_connections: Option<usize>,
    /// Most connections (and, separately, WebSockets) one address may have
    /// open at once (IPv6: one /64). Trusted proxies are not counted.
    pub max_connections_per_address: usize,
    /// A customer socket that has not joined a session by then is closed.
    pub join_timeout: Duration,
    /// A connection must send a complete request head within this time
    /// (also between requests on a kept-alive connection).
    pub request_head_timeout: Duration,
    /// Source of "now" for everything that expires.
    pub clock: Clock,
    /// Lets tests make database commits fail, as a full disk would.
    pub store_faults: crate::store::FaultSwitch,
    /// Token Prometheus must send as `Authorization: Bearer` to read
    /// `/metrics`; without one, only this machine may read them.
    pub metrics_token: Option<Secret>,
    /// Serve `/metrics` on this address instead of the main one, so it can
    /// sit on a private interface out of the public listener's reach.
    pub metrics_listen: Option<SocketAddr>,
    /// Folder of the session recordings; `None`: `recordings` in the data
    /// folder.
    pub recordings_dir: Option<PathBuf>,
    /// Finished recordings older than this are deleted.
    pub recording_retention: Duration,
    /// Most bytes all recordings of one session may take together.
    pub recording_max_bytes: u64,
    /// Most recordings one session may have.
    pub recordings_per_session: u32,
    /// Folder holding the Lifeline Helper downloads, one file per platform
    /// named `lifeline-helper-<platform>`; `None`: remote control is
    /// offered with no download (the customer page says so).
    pub helper_dir: Option<PathBuf>,
}

/// Longest heartbeat accepted. A socket is dropped only after three silent
/// heartbeats, so a longer beat would keep a vanished customer "waiting" in
/// the queue for more than half an hour.
pub const MAX_HEARTBEAT: Duration = Duration::from_secs(10 * 60);

/// A setting the server cannot run with. The sentence is for the admin who
/// typed the flag, so it names the flag.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "the heartbeat must be longer than zero: it is how often open sockets are pinged (--heartbeat, e.g. 20s)"
    )]
    ZeroHeartbeat,
    #[error(
        "the heartbeat can be at most 10 minutes: a silent socket is dropped only after three of them (--heartbeat, e.g. 20s)"
    )]
    HeartbeatTooLong,
    #[error("a PIN's lifetime must be longer than zero (--pin-ttl, e.g. 20m)")]
    ZeroPinTtl,
    #[error("the idle sign-out time must be longer than zero (--idle-logout, e.g. 8h)")]
    ZeroIdleLogout,
    #[error("recordings must be kept for longer than zero (--recording-retention, e.g. 30d)")]
    ZeroRecordingRetention,
    #[error(
        "the metrics token must be printable ASCII without spaces, and not empty (--metrics-token); a long random one, e.g. from `openssl rand -hex 32`"
    )]
    BadMetricsToken,
}

/// The heartbeat's bounds, shared by the command line and [`Config::validate`].
pub fn check_heartbeat(heartbeat: Duration) -> Result<(), ConfigError> {
    if heartbeat.is_zero() {
        Err(ConfigError::ZeroHeartbeat)
    } else if heartbeat > MAX_HEARTBEAT {
        Err(ConfigError::HeartbeatTooLong)
    } else {
        Ok(())
    }
}

/// PEM files for TLS.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl Config {
    /// Defaults for a server keeping its data in `data_dir`.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            static_dir: None,
            pin_ttl: Duration::from_secs(20 * 60),
            public_url: None,
            idle_logout: Duration::from_secs(8 * 3600),
            trust_proxy_headers: false,
            trusted_proxies: Vec::new(),
            extra_origins: Vec::new(),
            ice_servers: Vec::new(),
            tls: None,
            join_failures_per_address: FailureBudget {
                burst: 5,
                per_minute: 5,
            },
            // 8 + 4 × 20 = 88 wrong PINs in a PIN's 20-minute life: a
            // chance below 1e-4 of finding it (docs/security.md).
            join_failures_global: FailureBudget {
                burst: 8,
                per_minute: 4,
            },
            login_failures: FailureBudget {
                burst: 5,
                per_minute: 5,
            },
            heartbeat: Duration::from_secs(20),
            max_connections: None,
            max_connections_per_address: 128,
            join_timeout: Duration::from_secs(120),
            request_head_timeout: Duration::from_secs(30),
            clock: Clock::system(),
            store_faults: crate::store::FaultSwitch::default(),
            metrics_token: None,
            metrics_listen: None,
            recordings_dir: None,
            recording_retention: Duration::from_secs(30 * 24 * 3600),
            // About two hours of a screen at MediaRecorder's usual rates.
            recording_max_bytes: 2 * 1024 * 1024 * 1024,
            recordings_per_session: 20,
            helper_dir: None,
        }
    }

    /// Refuses settings that would break the server later instead of now: a
    /// zero heartbeat makes every socket task panic, a zero PIN lifetime or
    /// idle time makes every PIN or login dead on arrival.
    pub fn validate(&self) -> Result<(), ConfigError> {
        check_heartbeat(self.heartbeat)?;
        if self.pin_ttl.is_zero() {
            return Err(ConfigError::ZeroPinTtl);
        }
        if self.idle_logout.is_zero() {
            return Err(ConfigError::ZeroIdleLogout);
        }
        if self.recording_retention.is_zero() {
            return Err(ConfigError::ZeroRecordingRetention);
        }
        // What a client can put after `Bearer ` in a header; an empty token
        // would open /metrics to anyone who sends an empty one.
        if let Some(token) = &self.metrics_token {
            let text = token.expose();
            if text.is_empty() || !text.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(ConfigError::BadMetricsToken);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        assert_eq!(Config::new("/tmp/x").validate(), Ok(()));
    }

    #[test]
    fn zero_and_absurd_durations_are_refused() {
        let with = |tweak: fn(&mut Config)| {
            let mut config = Config::new("/tmp/x");
            tweak(&mut config);
            config.validate()
        };
        assert_eq!(
            with(|c| c.heartbeat = Duration::ZERO),
            Err(ConfigError::ZeroHeartbeat)
        );
        assert_eq!(
            with(|c| c.heartbeat = MAX_HEARTBEAT + Duration::from_millis(1)),
            Err(ConfigError::HeartbeatTooLong)
        );
        assert_eq!(with(|c| c.heartbeat = MAX_HEARTBEAT), Ok(()));
        assert_eq!(with(|c| c.heartbeat = Duration::from_millis(300)), Ok(()));
        assert_eq!(
            with(|c| c.pin_ttl = Duration::ZERO),
            Err(ConfigError::ZeroPinTtl)
        );
        assert_eq!(
            with(|c| c.idle_logout = Duration::ZERO),
            Err(ConfigError::ZeroIdleLogout)
        );
    }

    #[test]
    fn metrics_tokens_must_be_sendable_in_a_header() {
        let with = |token: &str| {
            let mut config = Config::new("/tmp/x");
            config.metrics_token = Some(Secret::new(token));
            config.validate()
        };
        assert_eq!(with("0123456789abcdef-_.~+/="), Ok(()));
        for bad in ["", " ", "two words", "tab\there", "trailing\n", "née"] {
            assert_eq!(with(bad), Err(ConfigError::BadMetricsToken), "{bad:?}");
        }
    }

    #[test]
    fn errors_name_the_flag() {
        assert!(
            ConfigError::ZeroHeartbeat
                .to_string()
                .contains("--heartbeat")
        );
        assert!(ConfigError::ZeroPinTtl.to_string().contains("--pin-ttl"));
        assert!(
            ConfigError::ZeroIdleLogout
                .to_string()
                .contains("--idle-logout")
        );
    }

    #[test]
    fn default_budgets_keep_a_live_pin_safe_from_a_botnet() {
        // However many addresses guess, at most burst + rate × life wrong
        // PINs are tried during one PIN's life, out of a million.
        let config = Config::new("/tmp/x");
        let minutes = config.pin_ttl.as_secs() / 60;
        let g = config.join_failures_global;
        let guesses = u64::from(g.burst) + u64::from(g.per_minute) * minutes;
        let chance = guesses as f64 / 1_000_000.0;
        assert!(chance < 1e-4, "{guesses} guesses: {chance}");
    }
}
