//! Lifeline's signalling server: technicians sign in and issue one-time
//! PINs, customers join with them, and the server introduces the two
//! browsers (WebRTC signalling) and keeps a report of every session. Screen
//! and chat never pass through it.
//!
//! Map of the crate:
//! - [`cli`]: the `signal` command line; [`config`]: the settings it yields.
//! - [`serve`]: accepting TCP/TLS connections and handing them to warp.
//! - [`capacity`]: caps on open connections, server-wide and per address.
//! - [`http`]: routes: JSON API, `/healthz`, `/metrics` (and who may read
//!   it), Lifeline Helper downloads, the web app.
//! - [`ws`]: the `/ws` WebSocket: one task per socket.
//! - [`hub`]: all live state (sessions, consoles, PINs, helper tokens) and
//!   the rules on it, remote control's included.
//! - [`pin_book`]: PIN rules (issue, supersede, claim, expire).
//! - [`pin_secret`]: PINs kept as keyed hashes; the secret half of links.
//! - [`throttle`]: failure budgets against guessing; [`client_addr`]: whose.
//! - [`store`]: SQLite: accounts, logins, PINs, session reports, and the
//!   database thread every statement of the running server goes through.
//! - [`password`]: Argon2id; [`admin`]: `signal user ...`.
//! - [`clock`]: the one source of "now"; [`metrics`]: Prometheus.
//! - [`memory`]: giving memory back to the system after a peak.
//! - [`recordings`]: session recordings: chunks in, seekable WebM out,
//!   retention.
//! - [`names`]: cleaning the display name a customer types.
//! - [`secret`]: settings kept out of logs (the metrics token).
//!
//! [`run`] is the whole server; `main.rs` and the tests both call it.

pub mod admin;
pub mod capacity;
pub mod cli;
pub mod client_addr;
pub mod clock;
pub mod config;
pub mod http;
pub mod hub;
pub mod memory;
pub mod metrics;
pub mod names;
pub mod password;
pub mod pin_book;
pub mod pin_secret;
pub mod recordings;
pub mod secret;
pub mod serve;
pub mod store;
pub mod throttle;
pub mod ws;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use url::Url;

pub use clock::Clock;
pub use config::Config;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot read the listening socket: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Tls(#[from] serve::TlsError),
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error("cannot use the recordings folder: {0}")]
    Recordings(std::io::Error),
    #[error("cannot listen for metrics on {addr}: {source}")]
    MetricsListen {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// Runs the server on `listener` until `shutdown` completes. Open sessions
/// then end with `server_stopped`, so their reports are complete.
pub async fn run(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()>,
) -> Result<(), StartError> {
    config.validate()?;
    let metrics_listener = match config.metrics_listen {
        Some(addr) => Some(
            TcpListener::bind(addr)
                .await
                .map_err(|source| StartError::MetricsListen { addr, source })?,
        ),
        None => None,
    };
    run_with_metrics_listener(listener, metrics_listener, config, shutdown).await
}

/// [`run`], with the `--metrics-listen` socket already bound (`None`: metrics
/// on the main listener). Tests bind port 0 and read the port back.
pub async fn run_with_metrics_listener(
    listener: TcpListener,
    metrics_listener: Option<TcpListener>,
    mut config: Config,
    shutdown: impl Future<Output = ()>,
) -> Result<(), StartError> {
    config.validate()?;
    // The socket, not the setting, decides where metrics are served.
    config.metrics_listen = metrics_listener
        .as_ref()
        .map(TcpListener::local_addr)
        .transpose()?;
    let local = listener.local_addr()?;
    let tls = config.tls.as_ref().map(serve::tls_acceptor).transpose()?;
    let public_url = match config.public_url.clone() {
        Some(url) => url,
        None => default_public_url(local, tls.is_some()),
    };
    config.public_url = Some(public_url.clone());
    let origins = allowed_origins(&public_url, &config.extra_origins, local);

    let store = store::Store::open(&config.data_dir)?.with_faults(config.store_faults.clone());
    if store.technician_count()? == 0 {
        tracing::warn!(
            "No technician account yet. Create one with: signal user add NAME --password-stdin --data {}",
            config.data_dir.display()
        );
    }
    let (connections, sockets) = connection_caps(&config);
    let hub = hub::Hub::new(store, config, metrics::Metrics::new())?;
    hub.metrics()
        .connection_cap
        .set(connections.max_total() as i64);
    let recordings = recordings::Recordings::start(hub.clone())
        .await
        .map_err(StartError::Recordings)?;
    let ctx = http::Context::new(
        hub.clone(),
        recordings.clone(),
        origins,
        public_url.scheme() == "https",
        sockets,
    );
    tracing::info!(
        "Lifeline is listening on {local}; customers open {public_url}, technicians {}console",
        public_url
    );

    let ticker = {
        let hub = hub.clone();
        let recordings = recordings.clone();
        let connections = connections.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_secs(1));
            let mut trimmer = memory::Trimmer::default();
            loop {
                every.tick().await;
                hub.tick().await;
                recordings.tick().await;
                let open = connections.open();
                hub.metrics().connections.set(open as i64);
                trimmer.observe(open);
            }
        })
    };
    let stopping = {
        let hub = hub.clone();
        async move {
            shutdown.await;
            tracing::info!("stopping: ending open sessions");
            hub.shutdown().await;
        }
    };
    let admission = {
        let metrics_hub = hub.clone();
        let proxies = client_addr::TrustedProxies::of(hub.config());
        serve::Admission {
            connections,
            is_proxy: Arc::new(move |ip| proxies.contains(ip)),
            request_head_timeout: hub.config().request_head_timeout,
            refused: Arc::new(move |full| metrics_hub.metrics().connection_refused(full, "tcp")),
        }
    };
    // Dropping `stop_metrics` (after the main server stops) stops this one.
    let (stop_metrics, metrics_stopped) = tokio::sync::oneshot::channel::<()>();
    let metrics_server = metrics_listener.map(|metrics_listener| {
        if let Ok(addr) = metrics_listener.local_addr() {
            tracing::info!("metrics are served on http://{addr}/metrics");
        }
        // A scraper or two: a small cap of its own, apart from the public one.
        let admission = serve::Admission {
            connections: capacity::Capacity::new(64, 64),
            ..admission.clone()
        };
        tokio::spawn(serve::serve(
            metrics_listener,
            None,
            admission,
            http::metrics_routes(ctx.clone()),
            async {
                let _ = metrics_stopped.await;
            },
        ))
    });
    serve::serve(
        listener,
        tls,
        admission,
        http::routes(ctx.clone()),
        stopping,
    )
    .await;
    drop(stop_metrics);
    if let Some(server) = metrics_server {
        let _ = server.await;
    }
    ticker.abort();
    ctx.stop();
    Ok(())
}

/// The caps on TCP connections and on WebSockets. Connections stay below
/// the open-files limit with a reserve; WebSockets stay below the
/// connection cap with room for plain HTTP (health checks, sign-ins, the
/// app's own requests), so that sockets alone can never lock those out.
fn connection_caps(config: &Config) -> (capacity::Capacity, capacity::Capacity) {
    let files = capacity::open_files_limit();
    let ceiling = files.saturating_sub(capacity::RESERVED_FILES).max(16) as usize;
    let total = match config.max_connections {
        Some(n) if n > ceiling => {
            tracing::warn!(
                "--max-connections {n} is above what the open-files limit ({files}) allows; using {ceiling}"
            );
            ceiling
        }
        Some(n) => n.max(1),
        None => ceiling,
    };
    let sockets = total - http_reserve(total);
    let per_address = config.max_connections_per_address.max(1);
    tracing::info!(
        "accepting up to {total} connections ({sockets} WebSockets), {per_address} WebSockets per address"
    );
    (
        // A browser holds a few HTTP connections beside its socket.
        capacity::Capacity::new(total, per_address.saturating_mul(2)),
        capacity::Capacity::new(sockets, per_address),
    )
}

/// Connections kept for plain HTTP when WebSockets are at their cap.
pub fn http_reserve(total: usize) -> usize {
    (total / 8).clamp(1, 512).min(total.saturating_sub(1))
}

/// Where the server can be reached when no `--public-url` was given.
fn default_public_url(local: SocketAddr, tls: bool) -> Url {
    let scheme = if tls { "https" } else { "http" };
    let host = if local.ip().is_unspecified() {
        // 0.0.0.0 is not an address a customer can open; links need
        // --public-url, but localhost at least works on this machine.
        tracing::warn!(
            "listening on all interfaces: set --public-url so customer links point somewhere reachable"
        );
        "localhost".to_owned()
    } else {
        match local {
            SocketAddr::V4(a) => a.ip().to_string(),
            SocketAddr::V6(a) => format!("[{}]", a.ip()),
        }
    };
    Url::parse(&format!("{scheme}://{host}:{}/", local.port()))
        .expect("a socket address makes a valid URL")
}

/// The exact browser origins trusted on the API and the socket.
fn allowed_origins(public_url: &Url, extra: &[String], local: SocketAddr) -> Vec<String> {
    let mut origins = vec![public_url.origin().ascii_serialization()];
    let scheme = public_url.scheme();
    let port = local.port();
    // The same machine under its other loopback names.
    if local.ip().is_loopback() || local.ip().is_unspecified() {
        for host in ["localhost", "127.0.0.1", "[::1]"] {
            origins.push(format!("{scheme}://{host}:{port}"));
        }
    }
    origins.extend(extra.iter().map(|o| o.trim_end_matches('/').to_owned()));
    origins.dedup();
    origins
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn run_refuses_settings_that_cannot_work() {
        let data = tempfile::tempdir().unwrap();
        let mut config = Config::new(data.path());
        config.heartbeat = Duration::ZERO;
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let err = run(listener, config, std::future::pending())
            .await
            .unwrap_err();
        assert!(
            matches!(err, StartError::Config(config::ConfigError::ZeroHeartbeat)),
            "{err:?}"
        );
        assert!(err.to_string().contains("--heartbeat"), "{err}");
    }

    #[test]
    fn origins_are_exact() {
        let local: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        let url = default_public_url(local, false);
        assert_eq!(url.as_str(), "http://127.0.0.1:8080/");
        let origins = allowed_origins(&url, &["http://dev:8081/".into()], local);
        assert!(origins.contains(&"http://127.0.0.1:8080".to_owned()));
        assert!(origins.contains(&"http://localhost:8080".to_owned()));
        assert!(origins.contains(&"http://dev:8081".to_owned()));
        let public = Url::parse("https://help.example.com").unwrap();
        let remote: SocketAddr = "10.0.0.5:443".parse().unwrap();
        assert_eq!(
            allowed_origins(&public, &[], remote),
            vec!["https://help.example.com"]
        );
    }
}
