//! The server under test, either kind, started fresh: the release Lifeline
//! `signal serve` with signed-in technicians, or peerjs-server.

use std::fmt;
use std::sync::Arc;

use tempfile::TempDir;

use crate::Result;
use crate::api::TechnicianClient;
use crate::artifacts;
use crate::peerjs::PeerjsServer;
use crate::server::{Options, Server};

/// Which server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Lifeline,
    Peerjs,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Lifeline => "Lifeline",
            Kind::Peerjs => "peerjs-server",
        })
    }
}

/// A running Lifeline server and its technicians, signed in.
pub struct Lifeline {
    pub server: Server,
    pub technicians: Vec<Arc<TechnicianClient>>,
    /// An empty web-app folder: the benchmark loads no page.
    _web: TempDir,
}

/// A running server of either kind; dropping it stops the process.
pub enum Target {
    Lifeline(Lifeline),
    Peerjs(PeerjsServer),
}

const PASSWORD: &str = "benchmark password";

impl Target {
    /// Starts a fresh server. `technicians` matters to Lifeline only;
    /// `serve_flags` are the extra `signal serve` flags ([`lifeline_flags`]).
    pub async fn start(kind: Kind, technicians: usize, serve_flags: &[String]) -> Result<Target> {
        match kind {
            Kind::Peerjs => Ok(Target::Peerjs(PeerjsServer::start().await?)),
            Kind::Lifeline => {
                let web = tempfile::tempdir()?;
                let names: Vec<String> = (0..technicians).map(|i| format!("bench{i}")).collect();
                let server = Server::start(Options {
                    static_dir: Some(web.path().to_owned()),
                    pin_ttl: None,
                    technicians: names
                        .iter()
                        .map(|n| (n.clone(), PASSWORD.to_owned()))
                        .collect(),
                    extra_args: serve_flags.to_vec(),
                })
                .await?;
                let mut signed_in = Vec::with_capacity(technicians);
                for name in &names {
                    signed_in.push(Arc::new(
                        TechnicianClient::sign_in(server.url(), name, PASSWORD).await?,
                    ));
                }
                Ok(Target::Lifeline(Lifeline {
                    server,
                    technicians: signed_in,
                    _web: web,
                }))
            }
        }
    }

    pub fn kind(&self) -> Kind {
        match self {
            Target::Lifeline(_) => Kind::Lifeline,
            Target::Peerjs(_) => Kind::Peerjs,
        }
    }

    /// The server process, for its memory and CPU figures.
    pub fn pid(&self) -> Result<u32> {
        let pid = match self {
            Target::Lifeline(l) => l.server.pid(),
            Target::Peerjs(p) => p.pid(),
        };
        pid.ok_or_else(|| format!("the {} process has no pid", self.kind()).into())
    }
}

/// The `signal serve` flags the benchmark needs, among those this build
/// has: the connection caps made for the internet (a few dozen sockets per
/// address) would stop a benchmark whose every socket comes from
/// 127.0.0.1, and a join timeout would close the idle sockets it counts.
/// Asked of `signal serve --help` once, so the benchmark runs both before
/// and after those flags exist.
pub async fn lifeline_flags() -> Result<Vec<String>> {
    let binary = artifacts::signal_binary()?;
    let out = tokio::process::Command::new(&binary)
        .args(["serve", "--help"])
        .output()
        .await?;
    Ok(flags_for(&String::from_utf8_lossy(&out.stdout)))
}

/// The flags to add, given `signal serve --help`.
fn flags_for(help: &str) -> Vec<String> {
    let has = |flag: &str| {
        help.split(|c: char| c.is_whitespace() || c == ',' || c == '=')
            .any(|word| word == flag)
    };
    let mut flags = Vec::new();
    for (flag, value) in [
        ("--max-connections", "1000000"),
        ("--max-connections-per-address", "1000000"),
        ("--join-timeout", "1h"),
    ] {
        if has(flag) {
            flags.extend([flag.to_owned(), value.to_owned()]);
        }
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_only_the_flags_the_build_lists() {
        let old = "      --heartbeat <HEARTBEAT>\n          How often to ping [default: 20s]\n";
        assert!(flags_for(old).is_empty());
        let new = "      --max-connections-per-address <N>\n          Sockets per address [default: 64]\n\
                   --join-timeout <JOIN_TIMEOUT>\n";
        assert_eq!(
            flags_for(new),
            [
                "--max-connections-per-address",
                "1000000",
                "--join-timeout",
                "1h"
            ]
        );
    }
}
