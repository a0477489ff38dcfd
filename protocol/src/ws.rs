//! WebSocket frames on `/ws`: JSON text frames, each an object whose `type`
//! names the variant (snake_case).
//!
//! A customer's socket belongs to at most one session, so customer frames
//! never name a session. A technician's socket may run several sessions at
//! once, so every technician frame about a session carries `session`.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::error::ErrorCode;
use crate::ids::{Role, SessionId};

/// Client → server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMessage {
    /// Customer: join the session a PIN was issued for. `pin` is the raw text
    /// the person typed so the server can say precisely what is wrong with it.
    /// `key` is the secret part of the customer link (`&key=` in the URL):
    /// with it a join never counts against the guessing budgets, so a
    /// customer who came by the link is never turned away because strangers
    /// are guessing PINs.
    Join {
        pin: String,
        name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        key: Option<String>,
    },
    /// Technician: pick up a waiting session from the queue.
    Start { session: SessionId },
    /// Any member: opaque WebRTC signalling (SDP, ICE) for another member.
    /// Technicians must name the session; customers and helpers leave it
    /// out. `to` is for the technician only: `helper` sends it to the
    /// session's Lifeline Helper instead of the customer's browser.
    Signal {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        session: Option<SessionId>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<Role>,
        data: serde_json::Value,
    },
    /// Helper: the first frame of a Lifeline Helper's socket. `token` is the
    /// single-use helper token from its download; `platform` says what it
    /// runs on (`linux-x86_64`, ...). `unavailable` is set when the helper
    /// cannot control this computer (no X11 display, Wayland): it joins only
    /// to say why, so both people read it, and then leaves.
    HelperJoin {
        token: String,
        platform: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unavailable: Option<String>,
    },
    /// Technician: switch the helper between View only (`false`) and
    /// Control (`true`). The server tells the helper, which ignores input
    /// while not controlling whatever the console sends, and the report
    /// keeps the control periods.
    ControlMode {
        session: SessionId,
        controlling: bool,
    },
    /// Technician: ask the customer for permission (e.g. to view the screen).
    ConsentRequest {
        session: SessionId,
        scope: ConsentScope,
    },
    /// Customer: answer the pending consent request.
    ConsentAnswer { scope: ConsentScope, allowed: bool },
    /// Customer: stopped sharing what was allowed earlier.
    ShareStopped { scope: ConsentScope },
    /// Technician: something that happened in one of your sessions outside
    /// the server's sight (a file transfer), for its report.
    Activity {
        session: SessionId,
        activity: crate::activity::Activity,
    },
    /// Technician: started (`showing: true`) or stopped showing their own
    /// screen to the customer of `session`. For the report; the picture
    /// itself goes peer to peer.
    ScreenShown { session: SessionId, showing: bool },
    /// Either side: end the session. Technicians name it; customers leave it out.
    Leave {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        session: Option<SessionId>,
    },
}

/// Server → client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    /// First frame on a socket that carried a valid login cookie.
    Welcome { technician: String },
    /// Customer: the PIN was good; the session is waiting for the technician.
    Joined {
        session: SessionId,
        technician: String,
        status: SessionStatus,
    },
    /// Technician: the full list of this technician's open sessions, sent
    /// when the console connects. Changes follow as `queue_update` and
    /// `queue_remove`, so a change costs the same however long the queue is.
    Queue { sessions: Vec<QueueEntry> },
    /// Technician: a session joined the queue, or its entry changed
    /// (started, notes). Replaces the entry with the same `id`.
    QueueUpdate { session: QueueEntry },
    /// Technician: a session left the queue because it ended.
    QueueRemove { session: SessionId },
    /// Both sides: the technician started the session; WebRTC may begin.
    Started {
        session: SessionId,
        technician: String,
        customer: String,
        /// ICE servers for this session's RTCPeerConnection. Per session so
        /// that short-lived TURN credentials can be minted per session.
        ice_servers: Vec<IceServer>,
    },
    /// Customer: remote control was allowed; the Lifeline Helper is ready
    /// to download, bound to this session by a single-use token inside it.
    /// `downloads` lists the platforms this server has a helper for (empty:
    /// none, and remote control cannot go on). Downloading again is fine
    /// until the helper joins or `expires_at` passes.
    HelperOffer {
        session: SessionId,
        downloads: Vec<HelperDownload>,
        #[serde(with = "time::serde::rfc3339")]
        expires_at: OffsetDateTime,
    },
    /// Helper: its token was good; it now belongs to `session`, and may
    /// answer the console's offer (`signal`).
    HelperJoined {
        session: SessionId,
        technician: String,
        customer: String,
        ice_servers: Vec<IceServer>,
    },
    /// Customer and technician: the helper joined, left, or said it cannot
    /// control this computer (`detail` says why, in the helper's words).
    Helper {
        session: SessionId,
        status: HelperStatus,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        detail: Option<String>,
    },
    /// Customer, technician and helper: the technician switched between
    /// View only and Control.
    ControlMode {
        session: SessionId,
        controlling: bool,
    },
    /// Relayed signalling. `from` is stamped by the server.
    Signal {
        session: SessionId,
        from: Role,
        data: serde_json::Value,
    },
    /// Customer: the technician asks for permission.
    ConsentRequest {
        session: SessionId,
        scope: ConsentScope,
        technician: String,
        /// After this instant the server counts silence as a refusal.
        #[serde(with = "time::serde::rfc3339")]
        expires_at: OffsetDateTime,
    },
    /// Both sides: what became of a consent request, or that sharing stopped.
    Consent {
        session: SessionId,
        scope: ConsentScope,
        outcome: ConsentOutcome,
    },
    /// Both sides: the session's screen is being recorded (`active`), or
    /// no longer is. Sent by the server itself when a recording starts and
    /// when it is finished, so the customer learns it whatever the console
    /// does.
    Recording { session: SessionId, active: bool },
    /// Both sides: the session is over.
    Ended {
        session: SessionId,
        reason: EndReason,
    },
    /// Something the client sent was refused. `session` is set when the
    /// error concerns one session of a technician's.
    Error {
        code: ErrorCode,
        message: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        session: Option<SessionId>,
        /// With `rate_limited`: seconds until another attempt may succeed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after_secs: Option<u64>,
    },
}

impl ServerMessage {
    /// An error frame with the code's default sentence.
    pub fn error(code: ErrorCode) -> Self {
        ServerMessage::Error {
            code,
            message: code.message().to_owned(),
            session: None,
            retry_after_secs: None,
        }
    }
}

/// Where a session stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionStatus {
    /// The customer joined; no technician has started it yet.
    Waiting,
    /// A technician started it.
    Active,
    /// Over; see the report's end reason.
    Ended,
}

/// One row of a technician's queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueEntry {
    pub id: SessionId,
    /// The name the customer typed.
    pub customer: String,
    pub status: SessionStatus,
    /// Last two digits of the PIN, to tell sessions apart on the phone.
    pub pin_suffix: String,
    #[serde(with = "time::serde::rfc3339")]
    pub joined_at: OffsetDateTime,
    pub notes: String,
}

/// What the technician asks to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentScope {
    /// See the customer's screen, shared from the browser.
    ScreenView,
    /// Drive the customer's mouse and keyboard through the Lifeline Helper.
    RemoteControl,
}

impl ConsentScope {
    /// The scope as it appears on the wire and in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentScope::ScreenView => "screen_view",
            ConsentScope::RemoteControl => "remote_control",
        }
    }
}

/// Where a session's Lifeline Helper stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HelperStatus {
    /// The helper joined with its token; the console may offer to it.
    Joined,
    /// The helper's socket closed (the customer closed it, Stop control,
    /// or it lost the server).
    Left,
    /// The helper ran but cannot control this computer; see `detail`.
    Unavailable,
}

/// One platform's helper download.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelperDownload {
    /// `linux-x86_64`, `linux-aarch64`, ...: [`crate::helper::PLATFORMS`].
    pub platform: String,
    /// Path on this server, token included; valid until the offer expires.
    pub url: String,
    /// The name to save it as.
    pub file_name: String,
}

/// How a consent request ended, or that sharing stopped later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentOutcome {
    Allowed,
    Denied,
    /// Nobody answered within the consent timeout: treated as no.
    TimedOut,
    /// The customer stopped sharing what was allowed.
    Stopped,
}

/// Why a session ended; kept in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// The customer pressed Disconnect.
    CustomerLeft,
    /// The technician pressed End session.
    TechnicianLeft,
    /// The customer's connection dropped.
    CustomerDisconnected,
    /// The technician's console closed or lost its connection.
    TechnicianDisconnected,
    /// The server stopped while the session was open.
    ServerStopped,
}

impl EndReason {
    /// The reason as it appears on the wire and in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            EndReason::CustomerLeft => "customer_left",
            EndReason::TechnicianLeft => "technician_left",
            EndReason::CustomerDisconnected => "customer_disconnected",
            EndReason::TechnicianDisconnected => "technician_disconnected",
            EndReason::ServerStopped => "server_stopped",
        }
    }

    /// Parses [`EndReason::as_str`] back.
    pub fn parse(s: &str) -> Option<Self> {
        [
            EndReason::CustomerLeft,
            EndReason::TechnicianLeft,
            EndReason::CustomerDisconnected,
            EndReason::TechnicianDisconnected,
            EndReason::ServerStopped,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

/// An entry for `RTCConfiguration.iceServers`, in the browser's own shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IceServer {
    pub urls: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn round_trip_client(msg: ClientMessage) {
        let text = serde_json::to_string(&msg).unwrap();
        assert_eq!(serde_json::from_str::<ClientMessage>(&text).unwrap(), msg);
    }

    fn round_trip_server(msg: ServerMessage) {
        let text = serde_json::to_string(&msg).unwrap();
        assert_eq!(serde_json::from_str::<ServerMessage>(&text).unwrap(), msg);
    }

    #[test]
    fn join_has_the_documented_shape() {
        let msg: ClientMessage =
            serde_json::from_value(json!({"type": "join", "pin": "123456", "name": "Ann"}))
                .unwrap();
        assert_eq!(
            msg,
            ClientMessage::Join {
                pin: "123456".into(),
                name: "Ann".into(),
                key: None,
            }
        );
        let linked: ClientMessage = serde_json::from_value(
            json!({"type": "join", "pin": "123456", "name": "Ann", "key": "ab12"}),
        )
        .unwrap();
        assert!(matches!(linked, ClientMessage::Join { key: Some(k), .. } if k == "ab12"));
    }

    #[test]
    fn customer_signal_needs_no_session() {
        let msg: ClientMessage =
            serde_json::from_value(json!({"type": "signal", "data": {"sdp": "x"}})).unwrap();
        assert_eq!(
            msg,
            ClientMessage::Signal {
                session: None,
                to: None,
                data: json!({"sdp": "x"})
            }
        );
        let leave: ClientMessage = serde_json::from_value(json!({"type": "leave"})).unwrap();
        assert_eq!(leave, ClientMessage::Leave { session: None });
    }

    #[test]
    fn every_client_message_round_trips() {
        round_trip_client(ClientMessage::Join {
            pin: "000001".into(),
            name: "Bob".into(),
            key: Some("00ff".into()),
        });
        round_trip_client(ClientMessage::Start {
            session: SessionId(7),
        });
        round_trip_client(ClientMessage::Signal {
            session: Some(SessionId(7)),
            to: Some(Role::Helper),
            data: json!({"candidate": "a"}),
        });
        round_trip_client(ClientMessage::HelperJoin {
            token: "abc".into(),
            platform: "linux-x86_64".into(),
            unavailable: Some("Wayland".into()),
        });
        round_trip_client(ClientMessage::ControlMode {
            session: SessionId(7),
            controlling: true,
        });
        round_trip_client(ClientMessage::ConsentRequest {
            session: SessionId(7),
            scope: ConsentScope::ScreenView,
        });
        round_trip_client(ClientMessage::ConsentAnswer {
            scope: ConsentScope::ScreenView,
            allowed: true,
        });
        round_trip_client(ClientMessage::ShareStopped {
            scope: ConsentScope::ScreenView,
        });
        round_trip_client(ClientMessage::Leave {
            session: Some(SessionId(7)),
        });
        round_trip_client(ClientMessage::Activity {
            session: SessionId(7),
            activity: crate::activity::Activity::Transfer(crate::activity::TransferRecord {
                direction: crate::activity::TransferDirection::FromCustomer,
                folder: Some("logs".into()),
                files: vec![],
                file_count: 3,
                total_bytes: 9,
                outcome: crate::activity::TransferOutcome::Cancelled,
            }),
        });
        round_trip_client(ClientMessage::ScreenShown {
            session: SessionId(7),
            showing: true,
        });
    }

    #[test]
    fn screen_shown_has_the_documented_shape() {
        let msg: ClientMessage =
            serde_json::from_value(json!({"type": "screen_shown", "session": 7, "showing": false}))
                .unwrap();
        assert_eq!(
            msg,
            ClientMessage::ScreenShown {
                session: SessionId(7),
                showing: false
            }
        );
        let missing = json!({"type": "screen_shown", "session": 7});
        assert!(serde_json::from_value::<ClientMessage>(missing).is_err());
    }

    #[test]
    fn every_server_message_round_trips() {
        let at = time::macros::datetime!(2026-11-22 10:00 UTC);
        round_trip_server(ServerMessage::Welcome {
            technician: "tess".into(),
        });
        round_trip_server(ServerMessage::Joined {
            session: SessionId(1),
            technician: "tess".into(),
            status: SessionStatus::Waiting,
        });
        round_trip_server(ServerMessage::Queue {
            sessions: vec![QueueEntry {
                id: SessionId(1),
                customer: "Ann".into(),
                status: SessionStatus::Waiting,
                pin_suffix: "56".into(),
                joined_at: at,
                notes: "printer".into(),
            }],
        });
        round_trip_server(ServerMessage::QueueUpdate {
            session: QueueEntry {
                id: SessionId(1),
                customer: "Ann".into(),
                status: SessionStatus::Active,
                pin_suffix: "56".into(),
                joined_at: at,
                notes: String::new(),
            },
        });
        round_trip_server(ServerMessage::QueueRemove {
            session: SessionId(1),
        });
        round_trip_server(ServerMessage::Started {
            session: SessionId(1),
            technician: "tess".into(),
            customer: "Ann".into(),
            ice_servers: vec![IceServer {
                urls: vec!["stun:example.org".into()],
                username: None,
                credential: None,
            }],
        });
        round_trip_server(ServerMessage::Signal {
            session: SessionId(1),
            from: Role::Customer,
            data: json!({"sdp": "v=0"}),
        });
        round_trip_server(ServerMessage::ConsentRequest {
            session: SessionId(1),
            scope: ConsentScope::ScreenView,
            technician: "tess".into(),
            expires_at: at,
        });
        round_trip_server(ServerMessage::Consent {
            session: SessionId(1),
            scope: ConsentScope::ScreenView,
            outcome: ConsentOutcome::TimedOut,
        });
        round_trip_server(ServerMessage::Ended {
            session: SessionId(1),
            reason: EndReason::CustomerLeft,
        });
        round_trip_server(ServerMessage::error(ErrorCode::RateLimited));
        round_trip_server(ServerMessage::HelperOffer {
            session: SessionId(1),
            downloads: vec![HelperDownload {
                platform: "linux-x86_64".into(),
                url: "/helper/download/linux-x86_64/abc".into(),
                file_name: "lifeline-helper".into(),
            }],
            expires_at: at,
        });
        round_trip_server(ServerMessage::HelperJoined {
            session: SessionId(1),
            technician: "tess".into(),
            customer: "Ann".into(),
            ice_servers: vec![],
        });
        round_trip_server(ServerMessage::Helper {
            session: SessionId(1),
            status: HelperStatus::Unavailable,
            detail: Some("Wayland".into()),
        });
        round_trip_server(ServerMessage::ControlMode {
            session: SessionId(1),
            controlling: false,
        });
    }

    #[test]
    fn helper_frames_have_the_documented_shape() {
        let to_helper: ClientMessage = serde_json::from_value(
            json!({"type": "signal", "session": 7, "to": "helper", "data": {}}),
        )
        .unwrap();
        assert!(matches!(
            to_helper,
            ClientMessage::Signal {
                to: Some(Role::Helper),
                ..
            }
        ));
        assert_eq!(
            serde_json::to_value(ConsentScope::RemoteControl).unwrap(),
            json!(ConsentScope::RemoteControl.as_str())
        );
        assert_eq!(
            serde_json::to_value(ServerMessage::Helper {
                session: SessionId(7),
                status: HelperStatus::Joined,
                detail: None,
            })
            .unwrap(),
            json!({"type": "helper", "session": 7, "status": "joined"})
        );
    }

    #[test]
    fn recording_frame_shape() {
        let msg = ServerMessage::Recording {
            session: SessionId(7),
            active: true,
        };
        assert_eq!(
            serde_json::to_value(&msg).unwrap(),
            json!({"type": "recording", "session": 7, "active": true})
        );
        round_trip_server(msg);
    }

    #[test]
    fn error_frame_shape() {
        let value = serde_json::to_value(ServerMessage::Error {
            code: ErrorCode::RateLimited,
            message: "wait".into(),
            session: None,
            retry_after_secs: Some(12),
        })
        .unwrap();
        assert_eq!(
            value,
            json!({"type": "error", "code": "rate_limited", "message": "wait", "retry_after_secs": 12})
        );
    }

    #[test]
    fn end_reasons_parse_back() {
        for r in [
            EndReason::CustomerLeft,
            EndReason::TechnicianLeft,
            EndReason::CustomerDisconnected,
            EndReason::TechnicianDisconnected,
            EndReason::ServerStopped,
        ] {
            assert_eq!(EndReason::parse(r.as_str()), Some(r));
            assert_eq!(
                serde_json::to_value(r).unwrap(),
                json!(r.as_str()),
                "serde and as_str agree"
            );
        }
        assert_eq!(EndReason::parse("nope"), None);
    }
}
