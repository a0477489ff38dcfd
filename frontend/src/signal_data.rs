//! The `data` of a `signal` frame: one WebRTC description or ICE candidate,
//! in the browser's own JSON shape so the far side can hand it straight to
//! its RTCPeerConnection. The server relays it untouched, so this format is
//! a contract between the two browsers (and any third-party client):
//!
//! - `{"description": {"type": "offer"|"answer"|"rollback", "sdp": "..."}}`
//! - `{"candidate": {"candidate": "...", "sdpMid": "0", "sdpMLineIndex": 0}}`
//! - `{"candidate": null}`: end of candidates (may be omitted).

use protocol::Role;
use serde::{Deserialize, Serialize};

/// One signalling message between the two peers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignalData {
    Description(Description),
    Candidate(Option<Candidate>),
}

/// `RTCSessionDescriptionInit`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Description {
    #[serde(rename = "type")]
    pub kind: DescriptionKind,
    /// Empty for a rollback.
    #[serde(default)]
    pub sdp: String,
}

/// `RTCSdpType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DescriptionKind {
    Offer,
    Answer,
    Pranswer,
    Rollback,
}

impl DescriptionKind {
    /// The name the browser uses, for reading `RTCSessionDescription.type`.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "offer" => Some(Self::Offer),
            "answer" => Some(Self::Answer),
            "pranswer" => Some(Self::Pranswer),
            "rollback" => Some(Self::Rollback),
            _ => None,
        }
    }
}

/// `RTCIceCandidateInit`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// The `candidate:` line from the browser.
    pub candidate: String,
    #[serde(rename = "sdpMid", default)]
    pub sdp_mid: Option<String>,
    #[serde(rename = "sdpMLineIndex", default)]
    pub sdp_m_line_index: Option<u16>,
}

impl SignalData {
    /// Reads a relayed `data` value; `None` for shapes we do not know, which
    /// are ignored rather than allowed to break the session.
    pub fn from_value(value: &serde_json::Value) -> Option<Self> {
        serde_json::from_value(value.clone()).ok()
    }

    pub fn to_value(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

/// Which of a page's peer connections a relayed `signal` is for. The
/// console has two per session once remote control runs: the customer's
/// browser and the Lifeline Helper; a signal must reach the one it came
/// from, whatever else the session has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignalTarget {
    /// The other browser of the session.
    Browser,
    /// The session's Lifeline Helper (the console only).
    Helper,
    /// No connection of ours talks to that sender.
    Nobody,
}

/// Where a signal from `from` goes on the page of `me`.
pub fn signal_target(me: Role, from: Role) -> SignalTarget {
    match (me, from) {
        (Role::Technician, Role::Customer) | (Role::Customer, Role::Technician) => {
            SignalTarget::Browser
        }
        (Role::Technician, Role::Helper) => SignalTarget::Helper,
        _ => SignalTarget::Nobody,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn description_shape() {
        let data = SignalData::Description(Description {
            kind: DescriptionKind::Offer,
            sdp: "v=0".into(),
        });
        assert_eq!(
            data.to_value(),
            json!({"description": {"type": "offer", "sdp": "v=0"}})
        );
        assert_eq!(SignalData::from_value(&data.to_value()), Some(data));
        let rollback = SignalData::from_value(&json!({"description": {"type": "rollback"}}));
        assert_eq!(
            rollback,
            Some(SignalData::Description(Description {
                kind: DescriptionKind::Rollback,
                sdp: String::new()
            }))
        );
    }

    #[test]
    fn candidate_shape() {
        let data = SignalData::Candidate(Some(Candidate {
            candidate: "candidate:1 1 udp 1 127.0.0.1 5000 typ host".into(),
            sdp_mid: Some("0".into()),
            sdp_m_line_index: Some(0),
        }));
        assert_eq!(
            data.to_value(),
            json!({"candidate": {"candidate": "candidate:1 1 udp 1 127.0.0.1 5000 typ host", "sdpMid": "0", "sdpMLineIndex": 0}})
        );
        assert_eq!(SignalData::from_value(&data.to_value()), Some(data));
        assert_eq!(
            SignalData::from_value(&json!({"candidate": null})),
            Some(SignalData::Candidate(None))
        );
    }

    #[test]
    fn unknown_shapes_are_ignored() {
        assert_eq!(SignalData::from_value(&json!({"sdp": "x"})), None);
        assert_eq!(SignalData::from_value(&json!("hello")), None);
        assert_eq!(
            SignalData::from_value(&json!({"description": {"type": "weird", "sdp": ""}})),
            None
        );
    }
}
