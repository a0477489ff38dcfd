//! The command line: `signal serve` and `signal user add|list|remove`.
//! Every `serve` flag can also come from a `LIFELINE_*` environment variable.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use ipnet::IpNet;
use protocol::ws::IceServer;
use url::Url;

use crate::config::{Config, TlsFiles};
use crate::secret::Secret;
use crate::throttle::FailureBudget;

/// Lifeline signalling server: browser-only remote support.
#[derive(Debug, Parser)]
#[command(name = "signal", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server.
    Serve(Box<ServeArgs>),
    /// Manage technician accounts.
    #[command(subcommand)]
    User(UserCommand),
}

/// Where the database lives; shared by every subcommand.
#[derive(Debug, Args, Clone)]
pub struct DataArg {
    /// Folder for the SQLite database (created if missing).
    #[arg(long = "data", env = "LIFELINE_DATA", default_value = "lifeline-data")]
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "LIFELINE_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    #[command(flatten)]
    pub data: DataArg,
    /// Folder with the built web app (`trunk build --release` writes `dist`).
    #[arg(long = "static", env = "LIFELINE_STATIC", default_value = "dist")]
    pub static_dir: PathBuf,
    /// How long a new PIN stays valid, e.g. `20m`, `1h`.
    #[arg(long, env = "LIFELINE_PIN_TTL", default_value = "20m", value_parser = humantime::parse_duration)]
    pub pin_ttl: Duration,
    /// The address customers and technicians use, e.g. `https://help.example.com`.
    /// Customer links start with it and it is the browser origin trusted on the WebSocket.
    #[arg(long, env = "LIFELINE_PUBLIC_URL")]
    pub public_url: Option<Url>,
    /// Sign technicians out after this long without activity.
    #[arg(long, env = "LIFELINE_IDLE_LOGOUT", default_value = "8h", value_parser = humantime::parse_duration)]
    pub idle_logout: Duration,
    /// PEM certificate chain for HTTPS (needs --tls-key).
    #[arg(long, env = "LIFELINE_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for HTTPS (needs --tls-cert).
    #[arg(long, env = "LIFELINE_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Take client addresses from X-Forwarded-For. Only behind your own reverse proxy.
    /// Believed only from --trusted-proxy peers (loopback if none is given).
    #[arg(long, env = "LIFELINE_TRUST_PROXY_HEADERS")]
    pub trust_proxy_headers: bool,
    /// Address or network of your reverse proxy, e.g. `10.0.0.0/8` (repeatable, or
    /// comma-separated in the variable). Only these peers may say who the client is;
    /// implies --trust-proxy-headers.
    #[arg(
        long = "trusted-proxy",
        env = "LIFELINE_TRUSTED_PROXIES",
        value_delimiter = ',',
        value_parser = crate::client_addr::parse_proxy_network
    )]
    pub trusted_proxies: Vec<IpNet>,
    /// Another browser origin allowed to open the WebSocket (repeatable,
    /// or comma-separated in the variable), e.g. `http://127.0.0.1:8081` for `trunk serve`.
    #[arg(
        long = "allow-origin",
        env = "LIFELINE_ALLOW_ORIGIN",
        value_delimiter = ','
    )]
    pub allow_origins: Vec<String>,
    /// STUN or TURN URL given to browsers (repeatable, or comma-separated), e.g. `stun:stun.example.org:3478`.
    /// Without any, peers use host candidates only: fine on one network.
    #[arg(
        long = "ice-server",
        env = "LIFELINE_ICE_SERVERS",
        value_delimiter = ','
    )]
    pub ice_servers: Vec<String>,
    /// Failed PIN attempts allowed per address (IPv6: per /64) per minute.
    #[arg(long, env = "LIFELINE_JOIN_FAILURES_PER_ADDRESS", default_value_t = 5)]
    pub join_failures_per_address: u32,
    /// Failed typed-PIN attempts allowed per minute across the whole server
    /// (twice that at once). Customers who open their link are never counted
    /// nor refused. The default keeps a botnet's chance of finding a given
    /// 20-minute PIN below 1 in 10 000 (docs/security.md).
    #[arg(long, env = "LIFELINE_JOIN_FAILURES_GLOBAL", default_value_t = 4)]
    pub join_failures_global: u32,
    /// How often to ping open sockets; silent ones are dropped after three.
    /// More than zero, at most 10m.
    #[arg(long, env = "LIFELINE_HEARTBEAT", default_value = "20s", value_parser = heartbeat)]
    pub heartbeat: Duration,
    /// Most connections open at once. Default: the open-files limit (raised
    /// to its hard maximum at start) less a reserve.
    #[arg(long, env = "LIFELINE_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,
    /// Most connections, and most WebSockets, one address may have open
    /// (IPv6: per /64). Proxies named by --trusted-proxy are not counted.
    #[arg(
        long,
        env = "LIFELINE_MAX_CONNECTIONS_PER_ADDRESS",
        default_value_t = 128
    )]
    pub max_connections_per_address: usize,
    /// Close a customer socket that has not joined a session within this time.
    #[arg(long, env = "LIFELINE_JOIN_TIMEOUT", default_value = "2m", value_parser = humantime::parse_duration)]
    pub join_timeout: Duration,
    /// Close a connection that does not send a complete request within this time.
    #[arg(long, env = "LIFELINE_REQUEST_TIMEOUT", default_value = "30s", value_parser = humantime::parse_duration)]
    pub request_timeout: Duration,
    /// Require `Authorization: Bearer TOKEN` for /metrics. Without it, /metrics answers
    /// only on this machine, or on --metrics-listen. Prefer the variable: arguments are
    /// visible to every user of the machine.
    #[arg(long, env = "LIFELINE_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// Serve /metrics on this address instead (plain HTTP), e.g. `127.0.0.1:9090`; the
    /// main address then answers 404 for it.
    #[arg(long, env = "LIFELINE_METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,
    /// Folder for session recordings (WebM videos of customers' screens).
    /// Default: `recordings` inside --data.
    #[arg(long, env = "LIFELINE_RECORDINGS_DIR")]
    pub recordings_dir: Option<PathBuf>,
    /// Delete finished recordings after this long, e.g. `30d`, `12h`.
    #[arg(long, env = "LIFELINE_RECORDING_RETENTION", default_value = "30d", value_parser = humantime::parse_duration)]
    pub recording_retention: Duration,
    /// Most bytes the recordings of one session may take, e.g. `2GiB`, `500MB`.
    #[arg(long, env = "LIFELINE_RECORDING_MAX_BYTES", default_value = "2GiB", value_parser = byte_size)]
    pub recording_max_bytes: u64,
    /// Most recordings one session may have.
    #[arg(long, env = "LIFELINE_RECORDINGS_PER_SESSION", default_value_t = 20)]
    pub recordings_per_session: u32,
    /// Folder with the Lifeline Helper builds for remote control, named
    /// `lifeline-helper-<platform>` (e.g. `lifeline-helper-linux-x86_64`). Without it,
    /// customers who allow remote control are told no helper is available.
    #[arg(long, env = "LIFELINE_HELPER_DIR")]
    pub helper_dir: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a technician account.
    Add {
        /// Sign-in name.
        name: String,
        /// Read the password from standard input (one line).
        #[arg(long, required = true)]
        password_stdin: bool,
        #[command(flatten)]
        data: DataArg,
    },
    /// List technician accounts.
    List {
        #[command(flatten)]
        data: DataArg,
    },
    /// Delete a technician account and sign it out everywhere.
    Remove {
        name: String,
        #[command(flatten)]
        data: DataArg,
    },
}

impl ServeArgs {
    /// The server settings these flags describe.
    pub fn into_config(self) -> Config {
        let mut config = Config::new(self.data.dir);
        config.static_dir = Some(self.static_dir);
        config.pin_ttl = self.pin_ttl;
        config.public_url = self.public_url;
        config.idle_logout = self.idle_logout;
        // Naming the proxies says there are proxies.
        config.trust_proxy_headers = self.trust_proxy_headers || !self.trusted_proxies.is_empty();
        config.trusted_proxies = self.trusted_proxies;
        config.extra_origins = self.allow_origins;
        config.ice_servers = self
            .ice_servers
            .into_iter()
            .map(|url| IceServer {
                urls: vec![url],
                username: None,
                credential: None,
            })
            .collect();
        config.tls = match (self.tls_cert, self.tls_key) {
            (Some(cert), Some(key)) => Some(TlsFiles { cert, key }),
            _ => None,
        };
        config.join_failures_per_address = FailureBudget {
            burst: self.join_failures_per_address,
            per_minute: self.join_failures_per_address,
        };
        config.join_failures_global = FailureBudget {
            burst: self.join_failures_global * 2,
            per_minute: self.join_failures_global,
        };
        config.heartbeat = self.heartbeat;
        config.max_connections = self.max_connections;
        config.max_connections_per_address = self.max_connections_per_address;
        config.join_timeout = self.join_timeout;
        config.request_head_timeout = self.request_timeout;
        config.metrics_token = self.metrics_token.map(Secret::new);
        config.metrics_listen = self.metrics_listen;
        config.recordings_dir = self.recordings_dir;
        config.recording_retention = self.recording_retention;
        config.recording_max_bytes = self.recording_max_bytes;
        config.recordings_per_session = self.recordings_per_session;
        config.helper_dir = self.helper_dir;
        config
    }
}

/// `--heartbeat`: a human duration within [`crate::config::check_heartbeat`]'s
/// bounds, refused here so the admin hears about it before anything starts.
fn heartbeat(text: &str) -> Result<Duration, String> {
    let beat = humantime::parse_duration(text).map_err(|e| e.to_string())?;
    crate::config::check_heartbeat(beat).map_err(|e| e.to_string())?;
    Ok(beat)
}

/// A size such as `2GiB`, `500MB` or `1048576` (bytes).
fn byte_size(text: &str) -> Result<u64, String> {
    parse_size::parse_size(text).map_err(|e| format!("{e}; e.g. 2GiB or 500MB"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serve_args(extra: &[&str]) -> Result<ServeArgs, clap::Error> {
        let cli = Cli::try_parse_from(["signal", "serve"].iter().chain(extra))?;
        match cli.command {
            Command::Serve(args) => Ok(*args),
            Command::User(_) => panic!("not serve"),
        }
    }

    #[test]
    fn heartbeat_must_be_positive_and_sane() {
        for bad in ["0s", "0ms", "11m", "1h"] {
            let err = serve_args(&["--heartbeat", bad]).unwrap_err().to_string();
            assert!(err.contains("--heartbeat"), "{bad}: {err}");
        }
        let err = serve_args(&["--heartbeat", "0s"]).unwrap_err().to_string();
        assert!(err.contains("longer than zero"), "{err}");
        let err = serve_args(&["--heartbeat", "1h"]).unwrap_err().to_string();
        assert!(err.contains("at most 10 minutes"), "{err}");
        assert!(serve_args(&["--heartbeat", "soon"]).is_err());
        for good in ["300ms", "20s", "10m"] {
            let args = serve_args(&["--heartbeat", good]).unwrap();
            assert_eq!(
                args.heartbeat,
                humantime::parse_duration(good).unwrap(),
                "{good}"
            );
        }
    }

    #[test]
    fn serve_flags_parse_human_durations() {
        let cli = Cli::try_parse_from([
            "signal",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--pin-ttl",
            "2s",
            "--data",
            "/tmp/x",
            "--allow-origin",
            "http://a,http://b",
        ])
        .unwrap();
        let Command::Serve(args) = cli.command else {
            panic!("not serve")
        };
        let config = (*args).into_config();
        assert_eq!(config.pin_ttl, Duration::from_secs(2));
        assert_eq!(config.extra_origins, vec!["http://a", "http://b"]);
        assert_eq!(config.idle_logout, Duration::from_secs(8 * 3600));
    }

    #[test]
    fn trusted_proxies_are_repeatable_and_switch_proxy_headers_on() {
        let config = serve_args(&[
            "--trusted-proxy",
            "10.0.0.0/8",
            "--trusted-proxy",
            "192.0.2.7,fd00::/8",
        ])
        .unwrap()
        .into_config();
        assert!(config.trust_proxy_headers);
        let nets: Vec<String> = config
            .trusted_proxies
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(nets, ["10.0.0.0/8", "192.0.2.7/32", "fd00::/8"]);

        let config = serve_args(&["--trust-proxy-headers"])
            .unwrap()
            .into_config();
        assert!(config.trust_proxy_headers);
        assert!(config.trusted_proxies.is_empty(), "loopback is the default");

        let config = serve_args(&[]).unwrap().into_config();
        assert!(!config.trust_proxy_headers);

        let err = serve_args(&["--trusted-proxy", "my-proxy"])
            .unwrap_err()
            .to_string();
        assert!(err.contains("not an address or a network"), "{err}");
    }

    #[test]
    fn metrics_flags() {
        let config = serve_args(&[
            "--metrics-token",
            "s3cret",
            "--metrics-listen",
            "127.0.0.1:9090",
        ])
        .unwrap()
        .into_config();
        assert_eq!(config.metrics_token, Some(Secret::new("s3cret")));
        assert_eq!(
            config.metrics_listen,
            Some("127.0.0.1:9090".parse().unwrap())
        );
        assert!(serve_args(&["--metrics-listen", "localhost"]).is_err());
    }

    #[test]
    fn recording_flags() {
        let config = serve_args(&[
            "--recording-retention",
            "7d",
            "--recording-max-bytes",
            "500MiB",
            "--recordings-dir",
            "/srv/videos",
        ])
        .unwrap()
        .into_config();
        assert_eq!(config.recording_retention, Duration::from_secs(7 * 86_400));
        assert_eq!(config.recording_max_bytes, 500 * 1024 * 1024);
        assert_eq!(config.recordings_dir, Some(PathBuf::from("/srv/videos")));
        let defaults = serve_args(&[]).unwrap().into_config();
        assert_eq!(
            defaults.recording_retention,
            Duration::from_secs(30 * 86_400)
        );
        assert!(serve_args(&["--recording-max-bytes", "lots"]).is_err());
    }

    #[test]
    fn helper_dir_flag() {
        let config = serve_args(&["--helper-dir", "/srv/helpers"])
            .unwrap()
            .into_config();
        assert_eq!(config.helper_dir, Some(PathBuf::from("/srv/helpers")));
        assert_eq!(serve_args(&[]).unwrap().into_config().helper_dir, None);
    }

    #[test]
    fn tls_needs_both_files() {
        assert!(Cli::try_parse_from(["signal", "serve", "--tls-cert", "c.pem"]).is_err());
    }

    #[test]
    fn user_add_requires_password_stdin() {
        assert!(Cli::try_parse_from(["signal", "user", "add", "tess"]).is_err());
        assert!(Cli::try_parse_from(["signal", "user", "add", "tess", "--password-stdin"]).is_ok());
    }
}
