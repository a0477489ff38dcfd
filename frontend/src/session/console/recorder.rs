//! Recording a session's screen: a `MediaRecorder` on the picture the
//! console shows, a chunk every few seconds, each uploaded as soon as it
//! is produced and strictly in order, so a closed tab loses at most the
//! chunk being recorded. Uploads that fail to reach the server are tried
//! again; a refusal (the size limit) stops the recording and says why.
//!
//! The chat said while it records goes into the same queue, each line with
//! its time from the recording's start (this browser's clock for both, so
//! the customer's clock does not matter): the server keeps the lines as the
//! video's subtitles, and the stop still comes after every one of them.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use gloo::timers::future::TimeoutFuture;
use protocol::api::RecordedChatLine;
use protocol::{RecordingId, Role, SessionId};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen_futures::spawn_local;
use web_sys::{Blob, BlobEvent, Event, MediaRecorder, MediaRecorderOptions, MediaStream};
use yew::Callback;

use crate::browser;
use crate::net::api::{self, ApiFailure};
use crate::state::console::{Action, TabAction};

/// Milliseconds of video per chunk: what a crash may lose, at most.
pub const CHUNK_MS: i32 = 3000;
/// Tries per chunk while the server cannot be reached.
const ATTEMPTS: u32 = 5;

/// One running recording; stopping it uploads what is left.
pub(super) struct Recorder {
    media: MediaRecorder,
    uploads: Rc<Uploads>,
}

/// One thing to upload, in order.
enum Upload {
    Chunk(Blob),
    Chat(RecordedChatLine),
}

/// The upload queue, shared with the recorder's event handlers.
struct Uploads {
    session: SessionId,
    recording: RecordingId,
    dispatch: Callback<Action>,
    queue: RefCell<VecDeque<Upload>>,
    /// This browser's clock when recording began: the subtitles' zero.
    started_ms: f64,
    next_seq: Cell<u64>,
    /// An upload loop is running.
    busy: Cell<bool>,
    /// The recorder stopped: once the queue drains, tell the server.
    stopped: Cell<bool>,
    /// Told the server (or gave up): nothing more to send.
    done: Cell<bool>,
    /// The event handlers; dropped once the recording is over, which also
    /// ends the cycle between them and this queue.
    handlers: RefCell<Option<Handlers>>,
    media: RefCell<Option<MediaRecorder>>,
}

struct Handlers {
    _data: Closure<dyn FnMut(BlobEvent)>,
    _stop: Closure<dyn FnMut(Event)>,
}

impl Recorder {
    /// Starts recording `stream` as recording `recording` of `session`.
    pub(super) fn start(
        session: SessionId,
        recording: RecordingId,
        stream: &MediaStream,
        dispatch: Callback<Action>,
    ) -> Option<Recorder> {
        let options = MediaRecorderOptions::new();
        for mime in ["video/webm;codecs=vp8", "video/webm"] {
            if MediaRecorder::is_type_supported(mime) {
                options.set_mime_type(mime);
                break;
            }
        }
        let media =
            MediaRecorder::new_with_media_stream_and_media_recorder_options(stream, &options)
                .ok()?;
        let uploads = Rc::new(Uploads {
            session,
            recording,
            dispatch,
            queue: RefCell::new(VecDeque::new()),
            started_ms: browser::now_ms(),
            next_seq: Cell::new(0),
            busy: Cell::new(false),
            stopped: Cell::new(false),
            done: Cell::new(false),
            handlers: RefCell::new(None),
            media: RefCell::new(Some(media.clone())),
        });
        let data = {
            let uploads = uploads.clone();
            Closure::<dyn FnMut(BlobEvent)>::new(move |event: BlobEvent| {
                if let Some(blob) = event.data().filter(|b| b.size() > 0.0) {
                    uploads.queue.borrow_mut().push_back(Upload::Chunk(blob));
                    Uploads::pump(&uploads);
                }
            })
        };
        let stop = {
            let uploads = uploads.clone();
            Closure::<dyn FnMut(Event)>::new(move |_: Event| {
                uploads.stopped.set(true);
                Uploads::pump(&uploads);
            })
        };
        media.set_ondataavailable(Some(data.as_ref().unchecked_ref()));
        media.set_onstop(Some(stop.as_ref().unchecked_ref()));
        *uploads.handlers.borrow_mut() = Some(Handlers {
            _data: data,
            _stop: stop,
        });
        media.start_with_time_slice(CHUNK_MS).ok()?;
        Some(Recorder { media, uploads })
    }

    /// Stops recording; the last chunk and the stop still go to the server.
    pub(super) fn stop(&self) {
        if self.media.state() != web_sys::RecordingState::Inactive {
            let _ = self.media.stop();
        }
    }

    /// A chat line was said (sent or received) now: kept as a subtitle.
    pub(super) fn chat(&self, from: Role, text: &str) {
        if self.media.state() == web_sys::RecordingState::Inactive || self.uploads.done.get() {
            return;
        }
        let at_ms = (browser::now_ms() - self.uploads.started_ms).max(0.0) as u64;
        let line = RecordedChatLine {
            at_ms,
            from,
            text: text.to_owned(),
        };
        self.uploads
            .queue
            .borrow_mut()
            .push_back(Upload::Chat(line));
        Uploads::pump(&self.uploads);
    }

    /// True until the server has been told it is over.
    pub(super) fn is_running(&self) -> bool {
        !self.uploads.done.get()
    }
}

impl Drop for Recorder {
    /// The session closed: stop, and let the uploads finish on their own.
    fn drop(&mut self) {
        self.stop();
    }
}

impl Uploads {
    /// Uploads queued chunks one at a time, then the stop.
    fn pump(this: &Rc<Uploads>) {
        if this.busy.get() || this.done.get() {
            return;
        }
        this.busy.set(true);
        let this = this.clone();
        spawn_local(async move {
            loop {
                let next = this.queue.borrow_mut().pop_front();
                match next {
                    None => break,
                    Some(Upload::Chunk(chunk)) => {
                        if let Err(failure) = this.upload(&chunk).await {
                            this.give_up(failure);
                            return;
                        }
                    }
                    // A line the server refused is lost from the subtitles
                    // only; the video goes on.
                    Some(Upload::Chat(line)) => {
                        if let Err(failure) = this.upload_line(&line).await {
                            browser::log(&format!("lifeline: chat line not kept: {failure:?}"));
                        }
                    }
                }
            }
            this.busy.set(false);
            if this.stopped.get() && !this.done.get() {
                this.done.set(true);
                let _ = api::stop_recording(this.session, this.recording).await;
                this.emit(TabAction::RecordingOff);
                this.release();
            }
        });
    }

    async fn upload(&self, chunk: &Blob) -> Result<(), ApiFailure> {
        let seq = self.next_seq.get();
        let mut attempt = 0;
        loop {
            attempt += 1;
            match api::upload_chunk(self.session, self.recording, seq, chunk).await {
                Ok(()) => {
                    self.next_seq.set(seq + 1);
                    return Ok(());
                }
                Err(ApiFailure::Unreachable) if attempt < ATTEMPTS => {
                    TimeoutFuture::new(500 * attempt).await;
                }
                Err(failure) => return Err(failure),
            }
        }
    }

    async fn upload_line(&self, line: &RecordedChatLine) -> Result<(), ApiFailure> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            match api::upload_chat_line(self.session, self.recording, line).await {
                Err(ApiFailure::Unreachable) if attempt < ATTEMPTS => {
                    TimeoutFuture::new(500 * attempt).await;
                }
                result => return result,
            }
        }
    }

    /// A refused chunk: the recording is over, and the tab says why.
    fn give_up(&self, failure: ApiFailure) {
        self.done.set(true);
        self.busy.set(false);
        self.queue.borrow_mut().clear();
        if let Some(media) = self.media.borrow().as_ref()
            && media.state() != web_sys::RecordingState::Inactive
        {
            let _ = media.stop();
        }
        self.emit(TabAction::RecordingFailed(failure.problem()));
        self.release();
    }

    fn emit(&self, action: TabAction) {
        self.dispatch.emit(Action::Tab(self.session, action));
    }

    /// Drops the handlers after the current event has returned.
    fn release(&self) {
        let handlers = self.handlers.borrow_mut().take();
        let media = self.media.borrow_mut().take();
        spawn_local(async move {
            if let Some(media) = &media {
                media.set_ondataavailable(None);
                media.set_onstop(None);
            }
            drop(handlers);
        });
    }
}
