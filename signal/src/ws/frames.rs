//! Reading client frames, and naming precisely what is wrong with bad ones.

use protocol::{ClientMessage, ErrorCode};

use crate::hub::Refusal;

/// Every `type` a client may send.
pub const KNOWN_TYPES: &[&str] = &[
    "join",
    "start",
    "signal",
    "consent_request",
    "consent_answer",
    "share_stopped",
    "leave",
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
                data: serde_json::Value::Null,
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
            ClientMessage::Leave { session: None },
        ];
        assert_eq!(samples.len(), KNOWN_TYPES.len());
        for msg in samples {
            let value = serde_json::to_value(&msg).unwrap();
            let kind = value["type"].as_str().unwrap().to_owned();
            assert!(KNOWN_TYPES.contains(&kind.as_str()), "{kind} missing");
        }
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
