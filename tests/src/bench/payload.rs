//! The signalling both servers relay in the comparison: one offer, one
//! answer and four ICE candidates each way, with the sizes a browser sends
//! (an SDP of about 2.5 KB, candidates of about 200 B), so that neither
//! server looks fast only because the frames are tiny.
//!
//! Every payload carries its send time, as microseconds since a shared
//! epoch, so the receiver can time the one-way relay.

use std::time::Duration;

use serde_json::{Value, json};
use tokio::time::Instant;

use crate::Result;

/// Which side sends a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Technician,
    Customer,
}

/// What a frame is, which names the peerjs message type too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frame {
    Offer,
    Answer,
    Candidate(u8),
}

impl Frame {
    /// peerjs-server's message `type` for this frame.
    pub fn peerjs_type(self) -> &'static str {
        match self {
            Frame::Offer => "OFFER",
            Frame::Answer => "ANSWER",
            Frame::Candidate(_) => "CANDIDATE",
        }
    }
}

/// The handshake, in order: the technician offers (it creates the data
/// channel), the customer answers, then candidates trickle both ways.
/// Each frame is awaited on the other side before the next is sent, so
/// each relay is timed alone.
pub const SCRIPT: [(Side, Frame); 10] = [
    (Side::Technician, Frame::Offer),
    (Side::Customer, Frame::Answer),
    (Side::Technician, Frame::Candidate(0)),
    (Side::Customer, Frame::Candidate(0)),
    (Side::Technician, Frame::Candidate(1)),
    (Side::Customer, Frame::Candidate(1)),
    (Side::Technician, Frame::Candidate(2)),
    (Side::Customer, Frame::Candidate(2)),
    (Side::Technician, Frame::Candidate(3)),
    (Side::Customer, Frame::Candidate(3)),
];

/// The payload for `frame`, in the shape the Lifeline app relays
/// (`docs/protocol.md`), stamped with the time now.
pub fn data(frame: Frame, epoch: Instant) -> Value {
    let sent_us = epoch.elapsed().as_micros() as u64;
    match frame {
        Frame::Offer => json!({
            "description": { "type": "offer", "sdp": SDP },
            "sent_us": sent_us,
        }),
        Frame::Answer => json!({
            "description": { "type": "answer", "sdp": SDP.replace("actpass", "active") },
            "sent_us": sent_us,
        }),
        Frame::Candidate(i) => json!({
            "candidate": {
                "candidate": format!(
                    "candidate:84216304{i} 1 udp 1677729535 203.0.113.{} 5{i}412 typ srflx \
                     raddr 192.168.1.23 rport 5{i}412 generation 0 ufrag EsAw network-id 1 network-cost 10",
                    20 + i
                ),
                "sdpMid": "0",
                "sdpMLineIndex": 0,
                "usernameFragment": "EsAw",
            },
            "sent_us": sent_us,
        }),
    }
}

/// How long ago `data` (from [`data`]) was sent.
pub fn latency(epoch: Instant, data: &Value) -> Result<Duration> {
    let sent = data["sent_us"]
        .as_u64()
        .ok_or("a relayed payload lost its timestamp")?;
    let now = epoch.elapsed().as_micros() as u64;
    Ok(Duration::from_micros(now.saturating_sub(sent)))
}

/// A Chrome offer for what Lifeline negotiates: the chat data channel and
/// the screen's video track (VP8, VP9, H.264 and their retransmissions).
const SDP: &str = "v=0\r\n\
o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n\
s=-\r\n\
t=0 0\r\n\
a=group:BUNDLE 0 1\r\n\
a=extmap-allow-mixed\r\n\
a=msid-semantic: WMS 6d3a4cbc-8a1e-4f32-9c1b-2b5f0e6f7d11\r\n\
m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n\
c=IN IP4 0.0.0.0\r\n\
a=ice-ufrag:EsAw\r\n\
a=ice-pwd:P2uYro0UCOQ4zxjKXaWCBui1\r\n\
a=ice-options:trickle\r\n\
a=fingerprint:sha-256 D2:FA:0E:C3:22:59:5E:14:95:69:92:3D:13:B4:84:24:2C:C2:A2:C0:3E:FD:34:8E:5E:EA:6F:AF:52:CE:E6:0F\r\n\
a=setup:actpass\r\n\
a=mid:0\r\n\
a=sctp-port:5000\r\n\
a=max-message-size:262144\r\n\
m=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99 100 101 102 103 104 105 106 107\r\n\
c=IN IP4 0.0.0.0\r\n\
a=rtcp:9 IN IP4 0.0.0.0\r\n\
a=ice-ufrag:EsAw\r\n\
a=ice-pwd:P2uYro0UCOQ4zxjKXaWCBui1\r\n\
a=ice-options:trickle\r\n\
a=fingerprint:sha-256 D2:FA:0E:C3:22:59:5E:14:95:69:92:3D:13:B4:84:24:2C:C2:A2:C0:3E:FD:34:8E:5E:EA:6F:AF:52:CE:E6:0F\r\n\
a=setup:actpass\r\n\
a=mid:1\r\n\
a=extmap:1 urn:ietf:params:rtp-hdrext:toffset\r\n\
a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n\
a=extmap:3 urn:3gpp:video-orientation\r\n\
a=extmap:4 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\r\n\
a=extmap:5 http://www.webrtc.org/experiments/rtp-hdrext/playout-delay\r\n\
a=extmap:6 urn:ietf:params:rtp-hdrext:sdes:mid\r\n\
a=sendonly\r\n\
a=msid:6d3a4cbc-8a1e-4f32-9c1b-2b5f0e6f7d11 0b1e0d9a-39f4-4c52-a3f2-8a9b5e3c6d10\r\n\
a=rtcp-mux\r\n\
a=rtcp-rsize\r\n\
a=rtpmap:96 VP8/90000\r\n\
a=rtcp-fb:96 goog-remb\r\n\
a=rtcp-fb:96 transport-cc\r\n\
a=rtcp-fb:96 ccm fir\r\n\
a=rtcp-fb:96 nack\r\n\
a=rtcp-fb:96 nack pli\r\n\
a=rtpmap:97 rtx/90000\r\n\
a=fmtp:97 apt=96\r\n\
a=rtpmap:98 VP9/90000\r\n\
a=rtcp-fb:98 goog-remb\r\n\
a=rtcp-fb:98 transport-cc\r\n\
a=rtcp-fb:98 ccm fir\r\n\
a=rtcp-fb:98 nack\r\n\
a=rtcp-fb:98 nack pli\r\n\
a=fmtp:98 profile-id=0\r\n\
a=rtpmap:99 rtx/90000\r\n\
a=fmtp:99 apt=98\r\n\
a=rtpmap:100 H264/90000\r\n\
a=rtcp-fb:100 goog-remb\r\n\
a=rtcp-fb:100 transport-cc\r\n\
a=rtcp-fb:100 ccm fir\r\n\
a=rtcp-fb:100 nack\r\n\
a=rtcp-fb:100 nack pli\r\n\
a=fmtp:100 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f\r\n\
a=rtpmap:101 rtx/90000\r\n\
a=fmtp:101 apt=100\r\n\
a=rtpmap:102 H264/90000\r\n\
a=rtcp-fb:102 goog-remb\r\n\
a=rtcp-fb:102 transport-cc\r\n\
a=rtcp-fb:102 ccm fir\r\n\
a=rtcp-fb:102 nack\r\n\
a=rtcp-fb:102 nack pli\r\n\
a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n\
a=rtpmap:103 rtx/90000\r\n\
a=fmtp:103 apt=102\r\n\
a=rtpmap:104 red/90000\r\n\
a=rtpmap:105 rtx/90000\r\n\
a=fmtp:105 apt=104\r\n\
a=rtpmap:106 ulpfec/90000\r\n\
a=ssrc-group:FID 3735928559 4027432448\r\n\
a=ssrc:3735928559 cname:u2mP4wXjvYq1kZ0B\r\n\
a=ssrc:3735928559 msid:6d3a4cbc-8a1e-4f32-9c1b-2b5f0e6f7d11 0b1e0d9a-39f4-4c52-a3f2-8a9b5e3c6d10\r\n\
a=ssrc:4027432448 cname:u2mP4wXjvYq1kZ0B\r\n\
a=ssrc:4027432448 msid:6d3a4cbc-8a1e-4f32-9c1b-2b5f0e6f7d11 0b1e0d9a-39f4-4c52-a3f2-8a9b5e3c6d10\r\n";

#[cfg(test)]
mod tests {
    use super::*;

    fn size(frame: Frame) -> usize {
        serde_json::to_string(&data(frame, Instant::now()))
            .unwrap()
            .len()
    }

    #[test]
    fn payloads_have_browser_sizes() {
        let offer = size(Frame::Offer);
        assert!((2000..=3200).contains(&offer), "offer {offer} B");
        let candidate = size(Frame::Candidate(3));
        assert!((170..=260).contains(&candidate), "candidate {candidate} B");
    }

    #[test]
    fn payloads_carry_their_send_time() {
        let epoch = Instant::now();
        let sent = data(Frame::Answer, epoch);
        assert!(latency(epoch, &sent).unwrap() < Duration::from_secs(5));
        assert!(latency(epoch, &json!({})).is_err());
    }
}
