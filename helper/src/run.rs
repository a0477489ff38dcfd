//! Start-up: say who we connect to, check that this desktop can be
//! controlled, join with the token, then hand over to the [`Session`].

use protocol::helper::Trailer;
use protocol::ws::{ClientMessage, ServerMessage};
use tokio::sync::mpsc;

use crate::desktop::{self, Desktop};
use crate::input_worker::InputWorker;
use crate::launch::ws_url;
use crate::say::say;
use crate::session::{Exit, Session, Signals};
use crate::signalling::{self, Received};

/// What this helper calls its platform in `helper_join`.
pub const PLATFORM: &str = if cfg!(target_arch = "aarch64") {
    "linux-aarch64"
} else {
    "linux-x86_64"
};

/// How long reaching the server may take before the helper gives up.
const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);

pub struct Options {
    pub trailer: Trailer,
    /// The X display (`None`: `$DISPLAY`).
    pub display: Option<String>,
    /// UDP addresses for WebRTC.
    pub bind: Vec<String>,
}

impl Options {
    pub fn new(trailer: Trailer, display: Option<String>) -> Options {
        Options {
            trailer,
            display,
            bind: vec!["0.0.0.0:0".into(), "127.0.0.1:0".into()],
        }
    }
}

pub async fn run(options: Options) -> Exit {
    let Trailer { server, token } = options.trailer;
    say("Lifeline Helper");
    say(&format!(
        "Connecting to the Lifeline server at {server} ..."
    ));
    let url = match ws_url(&server) {
        Ok(url) => url,
        Err(e) => {
            say(&format!("Cannot connect: {e}."));
            return Exit::Failed;
        }
    };
    let display = options.display.clone();
    let unavailable = desktop::unavailable_reason_in(&|name| {
        if name == "DISPLAY"
            && let Some(d) = &display
        {
            return Some(d.into());
        }
        std::env::var_os(name)
    });
    let mut signals = match Signals::new() {
        Ok(s) => s,
        Err(e) => {
            say(&format!("Cannot start: {e}"));
            return Exit::Failed;
        }
    };
    // Ctrl+C must work while connecting too: the signal handlers are
    // installed, so nothing else would end the process.
    let connecting = tokio::select! {
        c = tokio::time::timeout(CONNECT_TIMEOUT, signalling::connect(&url)) => c,
        _ = signals.any() => {
            say("Stopped.");
            return Exit::Normal;
        }
    };
    let connected = connecting.unwrap_or_else(|_| Err("no answer within 20 seconds".into()));
    let mut socket = match connected {
        Ok(s) => s,
        Err(e) => {
            say(&format!(
                "Could not reach the Lifeline server at {server}: {e}"
            ));
            return Exit::Failed;
        }
    };
    let join = ClientMessage::HelperJoin {
        token,
        platform: PLATFORM.into(),
        unavailable: unavailable.clone(),
    };
    if let Err(e) = signalling::send(&mut socket, &join).await {
        say(&format!("Lost the connection to the Lifeline server: {e}"));
        return Exit::Failed;
    }
    if let Some(reason) = unavailable {
        // Joined only to tell both people why; the server ends it here.
        let _ = tokio::time::timeout(std::time::Duration::from_secs(2), socket.close(None)).await;
        say(&reason);
        say("Remote control is not possible on this computer. You can close this window.");
        return Exit::Failed;
    }
    say("Press Ctrl+C or close this window to stop.");
    let (technician, customer, ice_servers) = loop {
        let frame = tokio::select! {
            frame = signalling::receive(&mut socket) => frame,
            _ = signals.any() => {
                let _ = signalling::send(&mut socket, &ClientMessage::Leave { session: None }).await;
                say("Stopped.");
                return Exit::Normal;
            }
        };
        match frame {
            Received::Frame(ServerMessage::HelperJoined {
                technician,
                customer,
                ice_servers,
                ..
            }) => break (technician, customer, ice_servers),
            Received::Frame(ServerMessage::Error { message, .. }) => {
                say(&format!(
                    "The Lifeline server refused this helper: {message}"
                ));
                return Exit::Failed;
            }
            Received::Frame(ServerMessage::Ended { .. }) => {
                say("The support session has ended.");
                return Exit::Normal;
            }
            Received::Frame(_) | Received::Unknown => {}
            Received::Closed => {
                say("Lost the connection to the Lifeline server.");
                return Exit::Failed;
            }
        }
    };
    say(&format!(
        "Connected. {technician} (technician) is helping {customer}: they can see your screen, \
         and use your mouse and keyboard while control is on."
    ));
    let desktop = Desktop {
        display: options.display,
    };
    let (replies_tx, replies) = mpsc::unbounded_channel();
    let display_name = desktop.display.clone();
    let clipboard = Box::new(move || {
        Desktop {
            display: display_name.clone(),
        }
        .clipboard()
    });
    let input = match desktop
        .input()
        .and_then(|sink| Ok(InputWorker::start(sink, clipboard, replies_tx)?))
    {
        Ok(input) => input,
        Err(e) => {
            say(&format!("Cannot use the mouse and keyboard: {e}"));
            let _ = signalling::send(&mut socket, &ClientMessage::Leave { session: None }).await;
            return Exit::Failed;
        }
    };
    Session::new(
        socket,
        signals,
        desktop,
        ice_servers,
        options.bind,
        technician,
        input,
        replies,
    )
    .run()
    .await
}
