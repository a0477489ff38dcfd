//! Reading client frames, and naming precisely what is wrong with bad ones.

use protocol::{ClientMessage, ErrorCode, Role, SessionId};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::hub::Refusal;

/// A `signal` frame, read without building a tree of its `data`: the
/// server never looks inside signalling (SDP, ICE), it passes the text on.
/// Nearly every frame a session sends is one of these.
#[derive(Debug, Deserialize)]
pub struct SignalFrame<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    #[serde(default)]
    pub session: Option<SessionId>,
    /// The console's choice of recipient (`helper`); nobody else's.
    #[serde(default)]
    pub to: Option<Role>,
    #[serde(borrow)]
    pub data: &'a RawValue,
}

/// A frame, read.
#[derive(Debug)]
pub enum Parsed<'a> {
    /// Signalling, `data` still as text.
    Signal(SignalFrame<'a>),
    /// Anything else.
    Message(ClientMessage),
}

/// Parses one text frame, taking the fast path for signalling.
pub fn parse_frame(text: &str) -> Result<Parsed<'_>, Refusal> {
    // Our own clients put `type` first; any other order takes the general
    // path below, which reads it just as well.
    if text.starts_with(r#"{"type":"signal""#)
        && let Ok(frame) = serde_json::from_str::<SignalFrame<'_>>(text)
        && frame.kind == "signal"
    {
        return Ok(Parsed::Signal(frame));
    }
    parse(text).map(Parsed::Message)
}

/// Every `type` a client may send.
pub const KNOWN_TYPES: &[&str] = &[
    "join",
    "start",
    "signal",
    "consent_request",
    "consent_answer",
    "share_stopped",
    "screen_shown",
    "leave",
    "activity",
    "helper_join",
    "control_mode",
];

/// Parses one text frame.
pub fn parse(text: &str) -> Result<ClientMessage, Refusal> {
    match serde_json::from_str::<ClientMessage>(text) {
        Ok(msg) => Ok(msg),
        Err(err) => Err(explain(text, &err)),
    }
}

/// Tells "not JSON" from "unknown type" from "known type, wrong fields".
fn explain(text: &str, err: &serde_json::Error) -> Refusal {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else {
        return Refusal::new(ErrorCode::MalformedMessage).saying("The message is not valid JSON.");
    };
    let Some(kind) = value.get("type").and_then(|t| t.as_str()) else {
        return Refusal::new(ErrorCode::MalformedMessage)
            .saying("Every message must be a JSON object with a \"type\" field.");
    };
    if !KNOWN_TYPES.contains(&kind) {
        return Refusal::new(ErrorCode::UnknownType).saying(format!(
            "The message type {:?} is not known to this server.",
            prefix(kind, ECHO_CHARS)
        ));
    }
    // serde's text can quote the offending value, which the client chose.
    let why = err.to_string();
    Refusal::new(ErrorCode::MalformedMessage).saying(format!(
        "The {kind:?} message has missing or wrong fields: {}",
        prefix(&why, 3 * ECHO_CHARS)
    ))
}

/// How much of what a client sent an error may quote back: enough to
/// recognise it, never enough to make the reply a copy of the request
/// (a client that sends 60 KB and never reads would otherwise double the
/// memory it costs).
const ECHO_CHARS: usize = 40;

fn prefix(text: &str, chars: usize) -> String {
    match text.char_indices().nth(chars) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::SessionId;
    use protocol::ws::ConsentScope;

    #[test]
    fn every_message_type_is_known() {
        let samples = [
            ClientMessage::Join {
                pin: String::new(),
                name: String::new(),
                key: None,
            },
            ClientMessage::Start {
                session: SessionId(1),
            },
            ClientMessage::Signal {
                session: None,
                to: None,
                data: serde_json::Value::Null,
            },
            ClientMessage::HelperJoin {
                token: String::new(),
                platform: String::new(),
                unavailable: None,
            },
            ClientMessage::ControlMode {
                session: SessionId(1),
                controlling: false,
            },
            ClientMessage::ConsentRequest {
                session: SessionId(1),
                scope: ConsentScope::ScreenView,
            },
            ClientMessage::ConsentAnswer {
                scope: ConsentScope::ScreenView,
                allowed: true,
            },
            ClientMessage::ShareStopped {
                scope: ConsentScope::ScreenView,
            },
            ClientMessage::ScreenShown {
                session: SessionId(1),
                showing: true,
            },
            ClientMessage::Leave { session: None },
            ClientMessage::Activity {
                session: SessionId(1),
                activity: protocol::activity::Activity::Transfer(
                    protocol::activity::TransferRecord {
                        direction: protocol::activity::TransferDirection::ToCustomer,
                        folder: None,
                        files: vec![],
                        file_count: 1,
                        total_bytes: 0,
                        outcome: protocol::activity::TransferOutcome::Done,
                    },
                ),
            },
        ];
        assert_eq!(samples.len(), KNOWN_TYPES.len());
        for msg in samples {
            let value = serde_json::to_value(&msg).unwrap();
            let kind = value["type"].as_str().unwrap().to_owned();
            assert!(KNOWN_TYPES.contains(&kind.as_str()), "{kind} missing");
        }
    }

    #[test]
    fn signalling_keeps_its_text() {
        let text = r#"{"type":"signal","session":7,"data":{"sdp":"v=0\r\n", "n": 1.50}}"#;
        let Ok(Parsed::Signal(frame)) = parse_frame(text) else {
            panic!("not the fast path")
        };
        assert_eq!(frame.session, Some(SessionId(7)));
        assert_eq!(frame.to, None);
        assert_eq!(frame.data.get(), r#"{"sdp":"v=0\r\n", "n": 1.50}"#);
        let to_helper = r#"{"type":"signal","session":7,"to":"helper","data":{"candidate":null}}"#;
        let Ok(Parsed::Signal(frame)) = parse_frame(to_helper) else {
            panic!("not the fast path")
        };
        assert_eq!(frame.to, Some(Role::Helper));
        assert_eq!(frame.data.get(), r#"{"candidate":null}"#);
        // Other orders and broken signalling still get their precise answers.
        let other = r#"{"data":1,"type":"signal"}"#;
        assert!(matches!(
            parse_frame(other),
            Ok(Parsed::Message(ClientMessage::Signal { .. }))
        ));
        let broken = r#"{"type":"signal","session":"x","data":1}"#;
        assert_eq!(
            parse_frame(broken).unwrap_err().code,
            ErrorCode::MalformedMessage
        );
    }

    #[test]
    fn bad_frames_are_told_apart() {
        assert_eq!(
            parse("{not json").unwrap_err().code,
            ErrorCode::MalformedMessage
        );
        assert_eq!(
            parse("[1,2]").unwrap_err().code,
            ErrorCode::MalformedMessage
        );
        assert_eq!(
            parse(r#"{"type":"dance"}"#).unwrap_err().code,
            ErrorCode::UnknownType
        );
        let missing = parse(r#"{"type":"join","pin":"123456"}"#).unwrap_err();
        assert_eq!(missing.code, ErrorCode::MalformedMessage);
        assert!(missing.message.unwrap().contains("name"));
    }

    #[test]
    fn errors_quote_only_a_short_prefix() {
        let long = format!(r#"{{"type":"{}"}}"#, "x".repeat(60_000));
        let refusal = parse(&long).unwrap_err();
        assert_eq!(refusal.code, ErrorCode::UnknownType);
        assert!(refusal.message.unwrap().len() < 200);
        let wrong = format!(
            r#"{{"type":"join","pin":1,"name":"{}"}}"#,
            "y".repeat(60_000)
        );
        let refusal = parse(&wrong).unwrap_err();
        assert!(refusal.message.unwrap().len() < 300);
    }
}
