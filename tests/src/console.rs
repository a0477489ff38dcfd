//! A technician's console socket shared by many concurrent sessions, as
//! the real console is: one reader task routes each frame to the session it
//! names, and the queue is kept as a set of waiting session ids that
//! session tasks can wait on.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use protocol::ws::SessionStatus;
use protocol::{ClientMessage, ServerMessage, SessionId};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;

use crate::api::TechnicianClient;
use crate::{Result, socket};

type Routes = Arc<Mutex<HashMap<SessionId, mpsc::UnboundedSender<ServerMessage>>>>;

/// An open console socket. Dropping it closes the socket.
pub struct Console {
    /// Frames to send; the writer task owns the socket's sink.
    outgoing: mpsc::UnboundedSender<Message>,
    /// Where frames about each session go. A std mutex: held only to look
    /// up or change the map, never across an await.
    routes: Routes,
    /// Sessions the last `queue` frame listed as waiting.
    waiting: watch::Receiver<HashSet<SessionId>>,
    /// Frames that named no session we know, e.g. a `rate_limited` error:
    /// the benchmark reports them instead of hiding them.
    pub stray: Arc<Mutex<Vec<ServerMessage>>>,
    tasks: [JoinHandle<()>; 2],
}

impl Console {
    /// Opens a console with the technician's login cookie and waits for
    /// the server's `welcome`.
    pub async fn open(ws_url: &str, technician: &TechnicianClient) -> Result<Console> {
        let cookie = technician
            .cookie()
            .ok_or("the technician has no login cookie")?;
        let mut socket = socket::connect(ws_url, Some(&technician.origin()), Some(&cookie)).await?;
        socket
            .recv_until(Duration::from_secs(10), |frame| {
                matches!(frame, ServerMessage::Welcome { .. }).then_some(())
            })
            .await
            .map_err(|e| format!("console did not get welcome: {e}"))?;
        let (mut sink, mut stream) = socket.into_inner().split();

        let (outgoing, mut to_send) = mpsc::unbounded_channel::<Message>();
        let writer = tokio::spawn(async move {
            while let Some(message) = to_send.recv().await {
                if sink.send(message).await.is_err() {
                    break;
                }
            }
            let _ = sink.close().await;
        });

        let routes: Routes = Arc::default();
        let stray: Arc<Mutex<Vec<ServerMessage>>> = Arc::default();
        let (waiting_tx, waiting) = watch::channel(HashSet::new());
        let reader = {
            let (routes, stray) = (routes.clone(), stray.clone());
            tokio::spawn(async move {
                while let Ok(frame) = socket::next_frame(&mut stream).await {
                    route(frame, &routes, &stray, &waiting_tx);
                }
                // The socket is gone: every session waiting on it learns so
                // when its channel closes.
                routes.lock().unwrap_or_else(|e| e.into_inner()).clear();
            })
        };
        Ok(Console {
            outgoing,
            routes,
            waiting,
            stray,
            tasks: [writer, reader],
        })
    }

    /// Frames about `session` from now on. Subscribe before `start`.
    pub fn subscribe(&self, session: SessionId) -> mpsc::UnboundedReceiver<ServerMessage> {
        let (tx, rx) = mpsc::unbounded_channel();
        self.routes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(session, tx);
        rx
    }

    /// Stops routing frames about `session`.
    pub fn unsubscribe(&self, session: SessionId) {
        self.routes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&session);
    }

    /// Waits until the queue shows `session` as waiting.
    pub async fn wait_in_queue(&self, session: SessionId, within: Duration) -> Result<()> {
        let mut waiting = self.waiting.clone();
        tokio::time::timeout(within, waiting.wait_for(|set| set.contains(&session)))
            .await
            .map_err(|_| {
                format!("session {session} did not show up in the queue within {within:?}")
            })?
            .map_err(|_| "the console socket closed")?;
        Ok(())
    }

    /// Waits until the queue shows at least `count` sessions waiting.
    pub async fn wait_for_waiting(&self, count: usize, within: Duration) -> Result<()> {
        let mut waiting = self.waiting.clone();
        tokio::time::timeout(within, waiting.wait_for(|set| set.len() >= count))
            .await
            .map_err(|_| format!("the queue did not reach {count} waiting within {within:?}"))?
            .map_err(|_| "the console socket closed")?;
        Ok(())
    }

    pub fn send(&self, message: &ClientMessage) -> Result<()> {
        self.outgoing
            .send(socket::encode(message)?)
            .map_err(|_| "the console socket closed".into())
    }
}

impl Drop for Console {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// Sends one frame where it belongs.
fn route(
    frame: ServerMessage,
    routes: &Routes,
    stray: &Mutex<Vec<ServerMessage>>,
    waiting: &watch::Sender<HashSet<SessionId>>,
) {
    let session = match &frame {
        ServerMessage::Queue { sessions } => {
            let now: HashSet<SessionId> = sessions
                .iter()
                .filter(|e| e.status == SessionStatus::Waiting)
                .map(|e| e.id)
                .collect();
            waiting.send_replace(now);
            return;
        }
        ServerMessage::QueueUpdate { session } => {
            let (id, is_waiting) = (session.id, session.status == SessionStatus::Waiting);
            waiting.send_modify(|set| {
                if is_waiting {
                    set.insert(id);
                } else {
                    set.remove(&id);
                }
            });
            return;
        }
        ServerMessage::QueueRemove { session } => {
            let id = *session;
            waiting.send_modify(|set| {
                set.remove(&id);
            });
            return;
        }
        ServerMessage::Started { session, .. }
        | ServerMessage::Signal { session, .. }
        | ServerMessage::Consent { session, .. }
        | ServerMessage::Ended { session, .. }
        | ServerMessage::ConsentRequest { session, .. }
        | ServerMessage::Recording { session, .. }
        | ServerMessage::HelperOffer { session, .. }
        | ServerMessage::HelperJoined { session, .. }
        | ServerMessage::Helper { session, .. }
        | ServerMessage::ControlMode { session, .. }
        | ServerMessage::Joined { session, .. } => Some(*session),
        ServerMessage::Error { session, .. } => *session,
        ServerMessage::Welcome { .. } => None,
    };
    let target = session.and_then(|id| {
        routes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&id)
            .cloned()
    });
    match target {
        Some(tx) => {
            let _ = tx.send(frame);
        }
        None => stray.lock().unwrap_or_else(|e| e.into_inner()).push(frame),
    }
}
