//! Browser tests for the peer link: a technician's and a customer's link in
//! one page, relaying each other's signalling as the server would, so
//! negotiation, typed channels and back-pressure run for real.
//!
//! Run: `cargo test --target wasm32-unknown-unknown -p frontend`.

#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use frontend::rtc::pressure::BULK;
use frontend::rtc::{PeerEvents, PeerLink};
use protocol::Role;
use protocol::peer::chat::ChatMessage;
use protocol::peer::{ChannelMessage, DecodeError, FILES, Frame};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// A link's slot, filled once both exist, so each can reach the other.
type Slot = Rc<RefCell<Option<PeerLink>>>;

/// A bare binary message on the files channel, as a transfer would send.
#[derive(Debug, PartialEq)]
struct Chunk(Vec<u8>);

impl ChannelMessage for Chunk {
    const CHANNEL: &'static protocol::peer::Channel = &FILES;

    fn encode(&self) -> Frame {
        Frame::Binary(self.0.clone())
    }

    fn decode(frame: Frame) -> Result<Self, DecodeError> {
        match frame {
            Frame::Binary(bytes) => Ok(Chunk(bytes)),
            Frame::Text(_) => Err(DecodeError::NotBinary),
        }
    }
}

/// Events that hand our signalling to the link in `to`, a task later, as
/// a network would.
fn relay_to(to: &Slot) -> PeerEvents {
    let to = to.clone();
    PeerEvents {
        signal: Box::new(move |data| {
            let to = to.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(link) = to.borrow().as_ref() {
                    link.handle_signal(&data);
                }
            });
        }),
        status: Box::new(|_| {}),
        remote_stream: Box::new(|_| {}),
    }
}

/// A technician's and a customer's link, connected to each other.
fn pair() -> (Slot, Slot) {
    let (tech, cust): (Slot, Slot) = Default::default();
    let t = PeerLink::new(&[], Role::Technician, relay_to(&cust)).unwrap();
    let c = PeerLink::new(&[], Role::Customer, relay_to(&tech)).unwrap();
    *tech.borrow_mut() = Some(t);
    *cust.borrow_mut() = Some(c);
    (tech, cust)
}

/// Polls `done` until it holds, failing after `secs` seconds.
async fn until(what: &str, secs: f64, done: impl Fn() -> bool) {
    let deadline = js_sys::Date::now() + secs * 1000.0;
    while !done() {
        assert!(
            js_sys::Date::now() < deadline,
            "timed out waiting for {what}"
        );
        gloo::timers::future::TimeoutFuture::new(20).await;
    }
}

#[wasm_bindgen_test]
async fn chat_sent_before_the_channel_opens_arrives_both_ways() {
    let (tech, cust) = pair();
    let heard_by_cust = Rc::new(RefCell::new(Vec::new()));
    let heard_by_tech = Rc::new(RefCell::new(Vec::new()));
    let sink = heard_by_cust.clone();
    let cust_chat = cust
        .borrow()
        .as_ref()
        .unwrap()
        .open_channel(move |m: ChatMessage| {
            sink.borrow_mut().push(m);
        });
    let sink = heard_by_tech.clone();
    let tech_chat = tech
        .borrow()
        .as_ref()
        .unwrap()
        .open_channel(move |m: ChatMessage| {
            sink.borrow_mut().push(m);
        });
    let hello = ChatMessage::Chat {
        text: "Hello".into(),
        sent_at_ms: 1_763_805_600_000,
    };
    tech_chat.send(&hello);
    until("the customer to hear the technician", 20.0, || {
        !heard_by_cust.borrow().is_empty()
    })
    .await;
    assert_eq!(*heard_by_cust.borrow(), vec![hello]);

    let reply = ChatMessage::Chat {
        text: "Hi".into(),
        sent_at_ms: 1_763_805_601_000,
    };
    cust_chat.send(&reply);
    until("the technician to hear the customer", 10.0, || {
        !heard_by_tech.borrow().is_empty()
    })
    .await;
    assert_eq!(*heard_by_tech.borrow(), vec![reply]);
}

#[wasm_bindgen_test]
async fn paced_sends_keep_the_buffer_bounded_and_lose_nothing() {
    const CHUNK: usize = 64 << 10;
    const CHUNKS: usize = 128; // 8 MiB
    let (tech, cust) = pair();
    let received = Rc::new(RefCell::new((0usize, 0usize, true)));
    let sink = received.clone();
    let _cust_files = cust
        .borrow()
        .as_ref()
        .unwrap()
        .open_channel(move |chunk: Chunk| {
            let (count, bytes, in_order) = &mut *sink.borrow_mut();
            *in_order &= chunk.0.first() == Some(&((*count % 256) as u8));
            *count += 1;
            *bytes += chunk.0.len();
        });
    let files = tech.borrow().as_ref().unwrap().open_channel(|_: Chunk| {});

    let mut most_buffered = 0;
    for i in 0..CHUNKS {
        let mut bytes = vec![0u8; CHUNK];
        bytes[0] = (i % 256) as u8;
        files.send_paced(&Chunk(bytes)).await.unwrap();
        most_buffered = most_buffered.max(files.buffered_amount());
    }
    // Sends are synchronous, so the buffer does fill up to the mark, and
    // the sender waits there instead of queueing the whole transfer.
    assert!(most_buffered > BULK.high, "never filled: {most_buffered}");
    assert!(
        most_buffered <= BULK.high + CHUNK as u32,
        "buffered {most_buffered} bytes"
    );
    until("every chunk to arrive", 30.0, || {
        received.borrow().0 == CHUNKS
    })
    .await;
    let (_, bytes, in_order) = *received.borrow();
    assert_eq!(bytes, CHUNK * CHUNKS);
    assert!(in_order, "chunks arrived out of order");
}

#[wasm_bindgen_test]
async fn a_closed_link_refuses_paced_sends() {
    let (tech, _cust) = pair();
    let files = tech.borrow().as_ref().unwrap().open_channel(|_: Chunk| {});
    tech.borrow().as_ref().unwrap().close();
    assert!(files.send_paced(&Chunk(vec![1])).await.is_err());
}

/// The console's offer to a Lifeline Helper, which only answers: it must
/// already ask for the helper's video (receive only) and carry the data
/// channels, since the helper adds nothing of its own to negotiate.
#[wasm_bindgen_test]
async fn an_offer_to_the_helper_asks_for_its_video_and_carries_the_channels() {
    use protocol::peer::control::PointerMove;
    use protocol::peer::input::InputMessage;

    let sent: Rc<RefCell<Vec<serde_json::Value>>> = Default::default();
    let sink = sent.clone();
    let events = PeerEvents {
        signal: Box::new(move |data| sink.borrow_mut().push(data)),
        status: Box::new(|_| {}),
        remote_stream: Box::new(|_| {}),
    };
    let link = PeerLink::new(&[], Role::Technician, events).unwrap();
    link.receive_video();
    let _control = link.open_channel(|_: PointerMove| {});
    let _input = link.open_channel(|_: InputMessage| {});
    let offer = || {
        sent.borrow()
            .iter()
            .find_map(|d| d["description"]["sdp"].as_str().map(str::to_owned))
    };
    until("the offer", 5.0, || offer().is_some()).await;
    let sdp = offer().unwrap();
    assert_eq!(sent.borrow()[0]["description"]["type"], "offer");
    assert!(sdp.contains("m=video"), "{sdp}");
    assert!(sdp.contains("a=recvonly"), "{sdp}");
    assert!(sdp.contains("m=application"), "{sdp}");
    assert!(!sdp.contains("m=audio"), "{sdp}");
}
