//! The `data` of `signal` frames in the browser's own shapes
//! (`frontend/src/signal_data.rs`): descriptions and ICE candidates.

use serde_json::{Value, json};
use webrtc::peer_connection::{RTCIceCandidateInit, RTCSdpType, RTCSessionDescription};

/// What a console's `signal` carried.
#[derive(Debug)]
pub enum Incoming {
    Offer(Box<RTCSessionDescription>),
    Candidate(RTCIceCandidateInit),
    /// `{"candidate": null}` (end of candidates), an answer or rollback
    /// we never asked for, or a shape we do not know: ignored.
    Other,
}

pub fn read(data: &Value) -> Incoming {
    if let Some(description) = data.get("description") {
        return match serde_json::from_value::<RTCSessionDescription>(description.clone()) {
            Ok(d) if d.sdp_type == RTCSdpType::Offer => Incoming::Offer(Box::new(d)),
            _ => Incoming::Other,
        };
    }
    match data.get("candidate") {
        Some(c) if !c.is_null() => serde_json::from_value(c.clone())
            .map(Incoming::Candidate)
            .unwrap_or(Incoming::Other),
        _ => Incoming::Other,
    }
}

pub fn answer(description: &RTCSessionDescription) -> Value {
    json!({ "description": { "type": "answer", "sdp": description.sdp } })
}

/// The first `a=mid:` of a description: the bundle's transport, which all
/// our candidates belong to.
pub fn first_mid(sdp: &str) -> Option<String> {
    sdp.lines()
        .find_map(|l| l.trim_end().strip_prefix("a=mid:"))
        .map(str::to_owned)
}

/// A local candidate as the browser expects it. webrtc-rs leaves `sdpMid`
/// empty; browsers want the media section it belongs to.
pub fn candidate(mut init: RTCIceCandidateInit, mid: Option<&str>) -> Value {
    if let Some(mid) = mid {
        init.sdp_mid = Some(mid.to_owned());
        init.sdp_mline_index = Some(0);
    }
    json!({
        "candidate": {
            "candidate": init.candidate,
            "sdpMid": init.sdp_mid,
            "sdpMLineIndex": init.sdp_mline_index,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_shapes_are_read() {
        let offer = read(&json!({"description": {"type": "offer", "sdp": "v=0\r\n"}}));
        assert!(matches!(offer, Incoming::Offer(d) if d.sdp == "v=0\r\n"));
        let c = read(&json!({"candidate": {
            "candidate": "candidate:1 1 udp 1 192.0.2.1 5000 typ host",
            "sdpMid": "0", "sdpMLineIndex": 0}}));
        assert!(matches!(c, Incoming::Candidate(c) if c.sdp_mid.as_deref() == Some("0")));
        assert!(matches!(read(&json!({"candidate": null})), Incoming::Other));
        assert!(matches!(read(&json!({"what": 1})), Incoming::Other));
    }

    #[test]
    fn candidates_carry_the_first_mid() {
        let sdp =
            "v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\nm=application 9\r\na=mid:1\r\n";
        assert_eq!(first_mid(sdp).as_deref(), Some("0"));
        let init = RTCIceCandidateInit {
            candidate: "candidate:1 1 udp 1 192.0.2.1 5000 typ host".into(),
            sdp_mid: Some(String::new()),
            ..Default::default()
        };
        assert_eq!(
            candidate(init, Some("0")),
            json!({"candidate": {
                "candidate": "candidate:1 1 udp 1 192.0.2.1 5000 typ host",
                "sdpMid": "0", "sdpMLineIndex": 0}})
        );
    }
}
