//! Everything `run` needs to know, with the defaults a single-machine
//! install wants. The command line (`cli`) fills it; tests build it directly.

use std::path::PathBuf;
use std::time::Duration;

use protocol::ws::IceServer;
use url::Url;

use crate::clock::Clock;
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
            extra_origins: Vec::new(),
            ice_servers: Vec::new(),
            tls: None,
            join_failures_per_address: FailureBudget {
                burst: 5,
                per_minute: 5,
            },
            join_failures_global: FailureBudget {
                burst: 40,
                per_minute: 20,
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
        }
    }
}
