//! Browser tests of the files engine against a hand-driven peer: the
//! technician's side is the app's `FileLink`, the customer's side a bare
//! `files` channel sending whatever a test wants, including what a broken
//! or hostile peer would. Bad offers and stray chunks get a clear error
//! back, show nothing, and leave the link working.
//!
//! Run: `cargo test --target wasm32-unknown-unknown -p frontend`.

#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use frontend::rtc::{Channel, PeerEvents, PeerLink};
use frontend::session::files::{FileEvents, FileLink};
use frontend::state::transfers::TransferAction;
use protocol::Role;
use protocol::activity::{TransferOutcome, TransferRecord};
use protocol::peer::chunk::Chunk;
use protocol::peer::files::{FileControl, FileMessage, OfferedFile, TransferProblem};
use sha2::{Digest, Sha256};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

type Slot = Rc<RefCell<Option<PeerLink>>>;
type Log<T> = Rc<RefCell<Vec<T>>>;

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

/// The app's file link on the technician's side, a bare channel on the
/// customer's, and what each one heard.
struct Rig {
    files: FileLink,
    raw: Channel<FileMessage>,
    shown: Log<TransferAction>,
    recorded: Log<TransferRecord>,
    heard: Log<FileControl>,
    _links: (Slot, Slot),
}

fn rig() -> Rig {
    let (tech, cust): (Slot, Slot) = Default::default();
    let t = PeerLink::new(&[], Role::Technician, relay_to(&cust)).unwrap();
    let c = PeerLink::new(&[], Role::Customer, relay_to(&tech)).unwrap();
    let (shown, recorded, heard): (Log<_>, Log<_>, Log<_>) = Default::default();
    let (s, r) = (shown.clone(), recorded.clone());
    let files = FileLink::open(
        &t,
        Role::Technician,
        FileEvents {
            action: Box::new(move |a| s.borrow_mut().push(a)),
            ended: Box::new(move |rec| r.borrow_mut().push(rec)),
        },
    );
    let h = heard.clone();
    let raw = c.open_channel(move |m: FileMessage| {
        if let FileMessage::Control(control) = m {
            h.borrow_mut().push(control);
        }
    });
    *tech.borrow_mut() = Some(t);
    *cust.borrow_mut() = Some(c);
    Rig {
        files,
        raw,
        shown,
        recorded,
        heard,
        _links: (tech, cust),
    }
}

async fn until(what: &str, done: impl Fn() -> bool) {
    let deadline = js_sys::Date::now() + 20_000.0;
    while !done() {
        assert!(
            js_sys::Date::now() < deadline,
            "timed out waiting for {what}"
        );
        gloo::timers::future::TimeoutFuture::new(20).await;
    }
}

fn offer(id: u32, files: Vec<(&str, u64)>) -> FileMessage {
    let files: Vec<OfferedFile> = files
        .into_iter()
        .map(|(path, size)| OfferedFile {
            path: path.into(),
            size,
        })
        .collect();
    FileMessage::Control(FileControl::Offer {
        id,
        folder: None,
        count: files.len() as u32,
        total_bytes: files.iter().map(|f| f.size).sum(),
        files,
    })
}

fn chunk(id: u32, offset: u64, data: &[u8]) -> FileMessage {
    FileMessage::Chunk(Chunk {
        id,
        file: 0,
        offset,
        data: data.to_vec(),
    })
}

fn sha(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn offered_ids(shown: &Log<TransferAction>) -> Vec<u32> {
    shown
        .borrow()
        .iter()
        .filter_map(|a| match a {
            TransferAction::Offered { id, .. } => Some(*id),
            _ => None,
        })
        .collect()
}

#[wasm_bindgen_test]
async fn bad_offers_get_an_error_and_show_nothing() {
    let rig = rig();
    rig.raw.send(&offer(2, vec![("../../.bashrc", 3)]));
    let mut too_many = offer(4, vec![("a", 1)]);
    if let FileMessage::Control(FileControl::Offer { count, .. }) = &mut too_many {
        *count = 20_000;
    }
    rig.raw.send(&too_many);
    // An id the technician's side would choose is not the customer's to use.
    rig.raw.send(&offer(5, vec![("a", 1)]));
    rig.raw.send(&offer(6, vec![("report.pdf", 10)]));
    until("the good offer to show", || {
        offered_ids(&rig.shown) == vec![6]
    })
    .await;
    until("three errors", || rig.heard.borrow().len() == 3).await;
    assert_eq!(
        *rig.heard.borrow(),
        vec![
            FileControl::Error {
                id: 2,
                file: None,
                reason: TransferProblem::BadOffer
            },
            FileControl::Error {
                id: 4,
                file: None,
                reason: TransferProblem::TooManyFiles
            },
            FileControl::Error {
                id: 5,
                file: None,
                reason: TransferProblem::BadOffer
            },
        ]
    );
    // Decline is reported, with its direction.
    rig.files.decline(6);
    until("the decline", || rig.heard.borrow().len() == 4).await;
    let record = rig.recorded.borrow()[0].clone();
    assert_eq!(record.outcome, TransferOutcome::Declined);
    assert_eq!(record.files[0].path, "report.pdf");
}

#[wasm_bindgen_test]
async fn chunks_after_a_cancel_are_dropped_and_the_link_still_works() {
    let rig = rig();
    let data = vec![7u8; 100];
    rig.raw.send(&offer(2, vec![("big.bin", 100)]));
    until("the offer", || offered_ids(&rig.shown) == vec![2]).await;
    // Nothing is taken before Accept.
    rig.raw.send(&chunk(2, 0, &data[..10]));
    until("the refusal of a chunk before Accept", || {
        !rig.heard.borrow().is_empty()
    })
    .await;
    assert_eq!(
        rig.heard.borrow()[0],
        FileControl::Error {
            id: 2,
            file: None,
            reason: TransferProblem::UnexpectedChunk
        }
    );

    rig.raw.send(&offer(4, vec![("big.bin", 100)]));
    until("the second offer", || offered_ids(&rig.shown).len() == 2).await;
    rig.files.accept(4);
    rig.raw.send(&chunk(4, 0, &data[..50]));
    rig.files.cancel(4);
    // In flight when the cancel went: dropped quietly.
    rig.raw.send(&chunk(4, 50, &data[50..]));
    rig.raw.send(&FileMessage::Control(FileControl::FileDone {
        id: 4,
        file: 0,
        sha256: sha(&data),
    }));
    // A chunk for a transfer never offered gets one error.
    rig.raw.send(&chunk(8, 0, b"x"));
    rig.raw.send(&chunk(8, 1, b"y"));
    // And a fresh transfer goes through whole.
    rig.raw.send(&offer(10, vec![("ok.txt", 3)]));
    until("the third offer", || offered_ids(&rig.shown).len() == 3).await;
    rig.files.accept(10);
    rig.raw.send(&chunk(10, 0, b"abc"));
    rig.raw.send(&FileMessage::Control(FileControl::FileDone {
        id: 10,
        file: 0,
        sha256: sha(b"abc"),
    }));
    until("the third transfer to complete", || {
        rig.heard
            .borrow()
            .contains(&FileControl::Complete { id: 10 })
    })
    .await;
    let heard = rig.heard.borrow().clone();
    assert_eq!(
        heard[1..].to_vec(),
        vec![
            FileControl::Accept { id: 4 },
            FileControl::Cancel { id: 4 },
            FileControl::Error {
                id: 8,
                file: None,
                reason: TransferProblem::UnexpectedChunk
            },
            FileControl::Accept { id: 10 },
            FileControl::Complete { id: 10 },
        ]
    );
    let ends: Vec<_> = rig.recorded.borrow().iter().map(|r| r.outcome).collect();
    assert_eq!(
        ends,
        vec![
            TransferOutcome::Failed,
            TransferOutcome::Cancelled,
            TransferOutcome::Done
        ]
    );
}

#[wasm_bindgen_test]
async fn a_damaged_file_is_an_error_on_both_sides() {
    let rig = rig();
    rig.raw.send(&offer(2, vec![("setup.exe", 4)]));
    until("the offer", || offered_ids(&rig.shown) == vec![2]).await;
    rig.files.accept(2);
    rig.raw.send(&chunk(2, 0, b"abcd"));
    rig.raw.send(&FileMessage::Control(FileControl::FileDone {
        id: 2,
        file: 0,
        sha256: sha(b"abce"),
    }));
    until("the error", || rig.heard.borrow().len() == 2).await;
    assert_eq!(
        rig.heard.borrow()[1],
        FileControl::Error {
            id: 2,
            file: Some(0),
            reason: TransferProblem::HashMismatch
        }
    );
    assert!(rig.shown.borrow().contains(&TransferAction::Failed {
        id: 2,
        problem: TransferProblem::HashMismatch,
        file: Some(0)
    }));
}
