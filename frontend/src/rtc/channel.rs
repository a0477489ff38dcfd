//! One typed data channel: a message type from `protocol::peer` and the
//! channel its [`ChannelMessage::CHANNEL`] declares. Open it with
//! [`PeerLink::open_channel`] on both sides; the technician's side creates
//! it, the customer's side adopts it when it is announced. Received frames
//! that are not a message of the type (a newer peer's) are ignored.

use std::cell::RefCell;
use std::marker::PhantomData;
use std::rc::{Rc, Weak};

use js_sys::{ArrayBuffer, Uint8Array};
use protocol::peer::{ChannelMessage, Frame};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{MessageEvent, RtcDataChannel, RtcDataChannelInit, RtcDataChannelState};
use web_sys::{RtcDataChannelType, RtcPeerConnection};

use super::pressure::{self, Closed};
use super::{Handler, PeerLink};
use crate::browser;

/// A channel carrying messages of type `M`. Dropping it closes the channel.
pub struct Channel<M> {
    shared: Rc<Shared>,
    _message: PhantomData<fn(M) -> M>,
}

struct Shared {
    /// Which channel, for logs and the binary type.
    spec: &'static protocol::peer::Channel,
    /// The browser's channel, once created or announced.
    channel: RefCell<Option<RtcDataChannel>>,
    /// Messages sent before the channel opened; sent when it does, so a
    /// controller may send from the moment the session starts.
    outbox: RefCell<Vec<Frame>>,
    /// Hands each received frame to the typed receiver.
    on_frame: Box<dyn Fn(Frame)>,
    /// Keeps the channel's event handlers alive.
    handlers: RefCell<Vec<Handler>>,
}

impl PeerLink {
    /// Opens the channel `M` travels on; `on_message` gets every message
    /// that arrives on it, from browser events only.
    pub fn open_channel<M: ChannelMessage + 'static>(
        &self,
        on_message: impl Fn(M) + 'static,
    ) -> Channel<M> {
        let spec = M::CHANNEL;
        let shared = Rc::new(Shared {
            spec,
            channel: RefCell::new(None),
            outbox: RefCell::new(Vec::new()),
            on_frame: Box::new(move |frame| match M::decode(frame) {
                Ok(message) => on_message(message),
                Err(e) => browser::log(&format!("lifeline: {} message ignored ({e})", spec.label)),
            }),
            handlers: RefCell::new(Vec::new()),
        });
        let link = &self.link;
        if link.opener {
            if !link.closed.get() {
                Shared::attach(&shared, create(&link.pc, spec));
            }
        } else {
            let weak: Weak<Shared> = Rc::downgrade(&shared);
            let adopt = Box::new(move |channel| {
                if let Some(shared) = weak.upgrade() {
                    Shared::attach(&shared, channel);
                }
            });
            link.adopters.borrow_mut().push((spec.label, adopt));
        }
        Channel {
            shared,
            _message: PhantomData,
        }
    }
}

/// Creates a channel in-band with the options `protocol::peer` declares.
fn create(pc: &RtcPeerConnection, spec: &protocol::peer::Channel) -> RtcDataChannel {
    let init = RtcDataChannelInit::new();
    init.set_ordered(spec.ordered);
    if let Some(n) = spec.max_retransmits {
        init.set_max_retransmits(n);
    }
    pc.create_data_channel_with_data_channel_dict(spec.label, &init)
}

impl<M: ChannelMessage> Channel<M> {
    /// Sends a message now, or once the channel opens. Use it for small,
    /// occasional messages; bulk senders use [`Channel::send_paced`].
    pub fn send(&self, message: &M) {
        self.shared.send(message.encode());
    }

    /// Sends a message once the channel has room for it (see
    /// [`pressure`]): awaiting each send keeps a large transfer from
    /// filling memory. Before the channel exists the message waits in the
    /// outbox, as with [`Channel::send`].
    pub async fn send_paced(&self, message: &M) -> Result<(), Closed> {
        let channel = self.shared.channel.borrow().clone();
        if let Some(channel) = channel {
            pressure::ready(&channel, pressure::BULK).await?;
        }
        self.send(message);
        Ok(())
    }

    /// Bytes given to the channel and not yet sent.
    pub fn buffered_amount(&self) -> u32 {
        self.shared
            .channel
            .borrow()
            .as_ref()
            .map_or(0, RtcDataChannel::buffered_amount)
    }
}

impl Shared {
    fn attach(this: &Rc<Shared>, channel: RtcDataChannel) {
        if this.spec.binary {
            channel.set_binary_type(RtcDataChannelType::Arraybuffer);
        }
        let weak = Rc::downgrade(this);
        let on_open: Handler = Closure::new(move |_| {
            if let Some(shared) = weak.upgrade() {
                shared.flush();
            }
        });
        channel.set_onopen(Some(on_open.as_ref().unchecked_ref()));

        let weak = Rc::downgrade(this);
        let on_message: Handler = Closure::new(move |event: wasm_bindgen::JsValue| {
            let Some(shared) = weak.upgrade() else {
                return;
            };
            let data = event.unchecked_into::<MessageEvent>().data();
            let frame = match data.as_string() {
                Some(text) => Frame::Text(text),
                None => match data.dyn_into::<ArrayBuffer>() {
                    Ok(buffer) => Frame::Binary(Uint8Array::new(&buffer).to_vec()),
                    Err(_) => return,
                },
            };
            (shared.on_frame)(frame);
        });
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));

        this.handlers.borrow_mut().extend([on_open, on_message]);
        *this.channel.borrow_mut() = Some(channel);
        // An announced channel may already be open.
        this.flush();
    }

    fn send(&self, frame: Frame) {
        let channel = self.channel.borrow();
        match channel.as_ref() {
            Some(dc) if dc.ready_state() == RtcDataChannelState::Open => {
                if put(dc, &frame).is_err() {
                    browser::log(&format!("lifeline: {} message not sent", self.spec.label));
                }
            }
            Some(dc) if dc.ready_state() != RtcDataChannelState::Connecting => {
                browser::log(&format!("lifeline: {} is closed", self.spec.label));
            }
            _ => self.outbox.borrow_mut().push(frame),
        }
    }

    /// Sends what waited for the channel to open.
    fn flush(&self) {
        let channel = self.channel.borrow();
        let Some(dc) = channel
            .as_ref()
            .filter(|dc| dc.ready_state() == RtcDataChannelState::Open)
        else {
            return;
        };
        for frame in std::mem::take(&mut *self.outbox.borrow_mut()) {
            let _ = put(dc, &frame);
        }
    }
}

fn put(channel: &RtcDataChannel, frame: &Frame) -> Result<(), wasm_bindgen::JsValue> {
    match frame {
        Frame::Text(text) => channel.send_with_str(text),
        Frame::Binary(bytes) => channel.send_with_u8_array(bytes),
    }
}

impl<M> Drop for Channel<M> {
    fn drop(&mut self) {
        if let Some(channel) = self.shared.channel.borrow().as_ref() {
            channel.set_onopen(None);
            channel.set_onmessage(None);
            channel.close();
        }
    }
}
