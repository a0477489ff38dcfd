//! Where to connect and with which token: from the trailer the server
//! appended to this very file when it was downloaded, or from the command
//! line (a helper built locally, and the tests).

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use clap::Parser;
use protocol::helper::{MAX_TRAILER_BYTES, TRAILER_MAGIC, Trailer};

/// Lifeline Helper: lets your technician see and control this computer
/// during a support session, for as long as you allow it.
#[derive(Debug, Parser)]
#[command(name = "lifeline-helper", version)]
pub struct Args {
    /// The Lifeline server (https://support.example.org). Not needed when
    /// the helper was downloaded from a support session.
    #[arg(long, requires = "token")]
    pub server: Option<String>,
    /// The helper token from the support session.
    #[arg(long, requires = "server")]
    pub token: Option<String>,
    /// The X display to share (default: $DISPLAY).
    #[arg(long)]
    pub display: Option<String>,
}

/// Reads the trailer at the end of `path`; `None` if it has none.
pub fn trailer_of(path: &Path) -> std::io::Result<Option<Trailer>> {
    let mut file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    let tail = (MAX_TRAILER_BYTES + 4 + TRAILER_MAGIC.len()) as u64;
    file.seek(SeekFrom::Start(len.saturating_sub(tail)))?;
    let mut bytes = Vec::with_capacity(tail as usize);
    file.read_to_end(&mut bytes)?;
    Ok(Trailer::from_tail(&bytes))
}

/// The server and token to use: arguments when given, else the trailer
/// of this executable.
pub fn choose(args: &Args, exe: &Path) -> Result<Trailer, String> {
    if let (Some(server), Some(token)) = (&args.server, &args.token) {
        return Ok(Trailer {
            server: server.clone(),
            token: token.clone(),
        });
    }
    match trailer_of(exe) {
        Ok(Some(trailer)) => Ok(trailer),
        Ok(None) => Err(
            "This copy of the Lifeline Helper is not linked to a support session. \
             Download it again from your support session's page, or start it with \
             --server URL --token TOKEN."
                .into(),
        ),
        Err(e) => Err(format!(
            "Could not read the Lifeline Helper's own file: {e}"
        )),
    }
}

/// The WebSocket address of a server: `http` → `ws`, `https` → `wss`,
/// path `/ws`.
pub fn ws_url(server: &str) -> Result<String, String> {
    let server = server.trim().trim_end_matches('/');
    let (scheme, rest) = if let Some(rest) = server.strip_prefix("https://") {
        ("wss", rest)
    } else if let Some(rest) = server.strip_prefix("http://") {
        ("ws", rest)
    } else {
        return Err(format!("{server} is not an http:// or https:// address"));
    };
    if rest.is_empty() || rest.contains(['/', '?', '#']) {
        return Err(format!("{server} is not the address of a Lifeline server"));
    }
    Ok(format!("{scheme}://{rest}/ws"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_addresses_become_websocket_addresses() {
        assert_eq!(
            ws_url("https://support.example.org/").unwrap(),
            "wss://support.example.org/ws"
        );
        assert_eq!(
            ws_url("http://127.0.0.1:8080").unwrap(),
            "ws://127.0.0.1:8080/ws"
        );
        assert!(ws_url("ftp://example.org").is_err());
        assert!(ws_url("https://example.org/other").is_err());
    }
}
