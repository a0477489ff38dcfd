//! The helper once it has joined: one loop over the server's socket, the
//! console link, the capture pipeline, input replies and the process's
//! signals. Every way out goes through [`Session::finish`], which
//! releases keys and buttons before anything else.

use protocol::peer::control::PointerMove;
use protocol::peer::input::{InputMessage, Monitor};
use protocol::peer::{CONTROL, ChannelMessage, Frame, INPUT};
use protocol::ws::{ClientMessage, ConsentOutcome, ConsentScope, IceServer, ServerMessage};
use tokio::signal::unix::{Signal, SignalKind, signal};
use tokio::sync::mpsc;
use webrtc::peer_connection::RTCPeerConnectionState;

use crate::desktop::Desktop;
use crate::input_worker::InputWorker;
use crate::link::Link;
use crate::rtc::peer::PeerEvent;
use crate::rtc::signal_json::{self, Incoming};
use crate::say::{note, say};
use crate::signalling::{self, Received, Socket};
use crate::video::pipeline::PipelineEvent;

/// How the helper ended: the process's exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Normal = 0,
    Failed = 1,
}

pub struct Signals {
    interrupt: Signal,
    terminate: Signal,
    hangup: Signal,
}

impl Signals {
    pub fn new() -> std::io::Result<Signals> {
        Ok(Signals {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
            hangup: signal(SignalKind::hangup())?,
        })
    }

    pub async fn any(&mut self) {
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
            _ = self.hangup.recv() => {}
        }
    }
}

pub struct Session {
    pub socket: Socket,
    pub signals: Signals,
    pub desktop: Desktop,
    pub ice_servers: Vec<IceServer>,
    pub bind: Vec<String>,
    pub technician: String,
    pub input: InputWorker,
    pub replies: mpsc::UnboundedReceiver<InputMessage>,
    link: Option<Link>,
    monitors: Vec<Monitor>,
    current: usize,
}

/// Waits on an optional receiver; a missing one never yields.
async fn next<T>(rx: Option<&mut mpsc::Receiver<T>>) -> Option<T> {
    match rx {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

async fn next_unbounded<T>(rx: Option<&mut mpsc::UnboundedReceiver<T>>) -> Option<T> {
    match rx {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

enum Step {
    Go,
    End(Exit, &'static str),
}

impl Session {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        socket: Socket,
        signals: Signals,
        desktop: Desktop,
        ice_servers: Vec<IceServer>,
        bind: Vec<String>,
        technician: String,
        input: InputWorker,
        replies: mpsc::UnboundedReceiver<InputMessage>,
    ) -> Session {
        Session {
            socket,
            signals,
            desktop,
            ice_servers,
            bind,
            technician,
            input,
            replies,
            link: None,
            monitors: Vec::new(),
            current: 0,
        }
    }

    pub async fn run(mut self) -> Exit {
        loop {
            let (peer_events, video_events) = match self.link.as_mut() {
                Some(l) => (Some(&mut l.peer_events), l.pipeline_events.as_mut()),
                None => (None, None),
            };
            let step = tokio::select! {
                frame = signalling::receive(&mut self.socket) => self.server(frame).await,
                Some(event) = next_unbounded(peer_events) => self.peer(event).await,
                Some(event) = next(video_events) => {
                    self.video(event).await
                }
                Some(reply) = self.replies.recv() => {
                    if let Some(link) = &self.link {
                        link.send_input(&reply).await;
                    }
                    Step::Go
                }
                _ = self.signals.any() => {
                    // Keys first: the customer may be closing the window
                    // because something is going wrong.
                    self.input.set_controlling(false);
                    let _ = signalling::send(&mut self.socket, &ClientMessage::Leave { session: None }).await;
                    Step::End(Exit::Normal, "Stopped. The technician can no longer see or control this computer.")
                }
            };
            if let Step::End(exit, why) = step {
                return self.finish(exit, why).await;
            }
        }
    }

    async fn server(&mut self, frame: Received) -> Step {
        let frame = match frame {
            Received::Frame(frame) => frame,
            Received::Unknown => return Step::Go,
            Received::Closed => {
                return Step::End(Exit::Failed, "Lost the connection to the Lifeline server.");
            }
        };
        match frame {
            ServerMessage::Signal { data, .. } => self.signal(&data).await,
            ServerMessage::ControlMode { controlling, .. } => {
                self.input.set_controlling(controlling);
                if controlling {
                    say(&format!(
                        "{} can now use your mouse and keyboard.",
                        self.technician
                    ));
                } else {
                    say(&format!(
                        "{} can see your screen (view only).",
                        self.technician
                    ));
                }
                Step::Go
            }
            ServerMessage::Consent {
                scope: ConsentScope::RemoteControl,
                outcome: ConsentOutcome::Stopped | ConsentOutcome::Denied | ConsentOutcome::TimedOut,
                ..
            } => Step::End(Exit::Normal, "Remote control stopped."),
            ServerMessage::Ended { .. } => {
                Step::End(Exit::Normal, "The support session has ended.")
            }
            ServerMessage::Error { message, .. } => {
                note(&format!("The Lifeline server said: {message}"));
                Step::Go
            }
            _ => Step::Go,
        }
    }

    async fn signal(&mut self, data: &serde_json::Value) -> Step {
        match signal_json::read(data) {
            Incoming::Offer(offer) => {
                // A new offer is a new console link (the console reloaded):
                // the old one, and anything it held down, goes.
                if let Some(old) = self.link.take() {
                    self.input.new_link();
                    old.close().await;
                }
                match Link::answer(&self.ice_servers, &self.bind, *offer).await {
                    Ok((link, answer)) => {
                        self.link = Some(link);
                        let reply = ClientMessage::Signal {
                            session: None,
                            to: None,
                            data: signal_json::answer(&answer),
                        };
                        if signalling::send(&mut self.socket, &reply).await.is_err() {
                            return Step::End(
                                Exit::Failed,
                                "Lost the connection to the Lifeline server.",
                            );
                        }
                    }
                    Err(e) => note(&format!(
                        "Could not answer the technician's connection: {e}"
                    )),
                }
            }
            Incoming::Candidate(candidate) => {
                if let Some(link) = &self.link
                    && let Err(e) = link.add_candidate(candidate).await
                {
                    note(&format!("Ignoring a connection candidate: {e}"));
                }
            }
            Incoming::Other => {}
        }
        Step::Go
    }

    async fn peer(&mut self, event: PeerEvent) -> Step {
        let Some(link) = self.link.as_mut() else {
            return Step::Go;
        };
        match event {
            PeerEvent::Candidate(init) => {
                let data = signal_json::candidate(init, link.peer.mid());
                let reply = ClientMessage::Signal {
                    session: None,
                    to: None,
                    data,
                };
                if signalling::send(&mut self.socket, &reply).await.is_err() {
                    return Step::End(Exit::Failed, "Lost the connection to the Lifeline server.");
                }
            }
            PeerEvent::State(RTCPeerConnectionState::Connected) => {
                if !link.capturing() {
                    let started = self.desktop.capturer().and_then(|c| link.start_capture(c));
                    match started {
                        Ok(()) => say(&format!(
                            "{} is connected and can see your screen.",
                            self.technician
                        )),
                        Err(e) => say(&format!("Could not capture the screen: {e}")),
                    }
                }
            }
            PeerEvent::State(RTCPeerConnectionState::Failed | RTCPeerConnectionState::Closed) => {
                if let Some(link) = self.link.take() {
                    self.input.new_link();
                    link.close().await;
                    say("The technician's connection closed; waiting for them to reconnect.");
                }
            }
            PeerEvent::State(_) => {}
            PeerEvent::ChannelOpen(label, dc) => {
                if label == INPUT.label {
                    self.input.new_link();
                    link.set_input_channel(Some(dc));
                    if !self.monitors.is_empty() {
                        let m = InputMessage::Monitors {
                            monitors: self.monitors.clone(),
                            current: self.current,
                        };
                        link.send_input(&m).await;
                    }
                }
            }
            PeerEvent::ChannelClosed(label) => {
                // Whatever the console held down through this channel goes.
                if label == INPUT.label || label == CONTROL.label {
                    self.input.new_link();
                }
                if label == INPUT.label {
                    link.set_input_channel(None);
                }
            }
            PeerEvent::Message {
                label,
                is_string,
                data,
            } => {
                let frame = if is_string {
                    Frame::Text(String::from_utf8_lossy(&data).into_owned())
                } else {
                    Frame::Binary(data.to_vec())
                };
                if label == CONTROL.label {
                    if let Ok(m) = PointerMove::decode(frame) {
                        self.input.pointer(m);
                    }
                } else if label == INPUT.label {
                    match InputMessage::decode(frame) {
                        Ok(InputMessage::SelectMonitor { index }) => {
                            link.video
                                .monitor
                                .store(index, std::sync::atomic::Ordering::Relaxed);
                        }
                        Ok(m) => self.input.message(m),
                        Err(e) => note(&format!("Ignoring an input message: {e}")),
                    }
                }
            }
        }
        Step::Go
    }

    async fn video(&mut self, event: PipelineEvent) -> Step {
        let Some(link) = self.link.as_ref() else {
            return Step::Go;
        };
        match event {
            PipelineEvent::Frame { data, duration, .. } => {
                if let Err(e) = link.peer.send_frame(data, duration).await {
                    note(&format!("Sending video: {e}"));
                }
            }
            PipelineEvent::Monitors { monitors, current } => {
                self.input.set_area(monitors[current].clone());
                let m = InputMessage::Monitors {
                    monitors: monitors.clone(),
                    current,
                };
                link.send_input(&m).await;
                self.monitors = monitors;
                self.current = current;
            }
            PipelineEvent::Failed(e) => say(&format!("The screen can no longer be shown: {e}")),
        }
        Step::Go
    }

    /// Releases keys and buttons, closes the link and the socket, says why.
    async fn finish(mut self, exit: Exit, why: &str) -> Exit {
        let input = self.input;
        let released = tokio::task::spawn_blocking(move || input.finish());
        if let Some(link) = self.link.take() {
            link.close().await;
        }
        let _ = released.await;
        let _ =
            tokio::time::timeout(crate::rtc::peer::CLOSE_TIMEOUT, self.socket.close(None)).await;
        say(why);
        exit
    }
}
