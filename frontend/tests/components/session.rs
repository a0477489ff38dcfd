//! The console's queue and session view.

use frontend::components::queue::{Queue, QueueProps};
use frontend::components::session_view::{SessionView, SessionViewProps};
use frontend::state::PeerStatus;
use frontend::state::Transcript;
use frontend::state::console::{Fit, Recording, Save, Screen, SessionTab, Showing};
use protocol::SessionId;
use protocol::ws::{EndReason, QueueEntry, SessionStatus};
use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::HtmlTextAreaElement;
use yew::Callback;

use super::*;

fn queue_entry(id: i64, name: &str, status: SessionStatus) -> QueueEntry {
    QueueEntry {
        id: SessionId(id),
        customer: name.into(),
        status,
        pin_suffix: "56".into(),
        joined_at: time::OffsetDateTime::from_unix_timestamp(
            (js_sys::Date::now() / 1000.0) as i64 - 65,
        )
        .unwrap(),
        notes: String::new(),
    }
}

#[wasm_bindgen_test]
async fn queue_rows_start_sessions() {
    let root = mount_point();
    let (on_start, starts) = recorder::<SessionId>();
    let (on_open, opens) = recorder::<SessionId>();
    let props = QueueProps {
        entries: Rc::new(vec![
            queue_entry(7, "Ann", SessionStatus::Waiting),
            queue_entry(8, "Bob", SessionStatus::Active),
        ]),
        open: vec![SessionId(8)],
        on_start,
        on_open,
    };
    yew::Renderer::<Queue>::with_root_and_props(root.clone(), props).render();
    settle().await;

    let ann = find(&root, "#queue .queue-row[data-session=\"7\"]");
    let ann_text = ann.text_content().unwrap();
    assert!(
        ann_text.contains("Ann") && ann_text.contains("Waiting"),
        "{ann_text}"
    );
    assert!(
        ann_text.contains("for 1:05") || ann_text.contains("for 1:06"),
        "{ann_text}"
    );
    assert_eq!(
        text(&root, ".queue-row[data-session=\"7\"] .start-session"),
        "Start session"
    );
    assert!(!exists(
        &root,
        ".queue-row[data-session=\"8\"] .start-session"
    ));
    click(&root, ".queue-row[data-session=\"7\"] .start-session");
    click(&root, ".queue-row[data-session=\"8\"] .open-session");
    settle().await;
    assert_eq!(*starts.borrow(), vec![SessionId(7)]);
    assert_eq!(*opens.borrow(), vec![SessionId(8)]);
}

fn tab(ended: Option<EndReason>) -> SessionTab {
    SessionTab {
        id: SessionId(3),
        customer: "Ann".into(),
        peer: PeerStatus::Connected,
        transcript: Transcript::default(),
        screen: Screen::Idle,
        quality: None,
        notes: "from the pin".into(),
        notes_save: Save::Clean,
        fit: Fit::Fit,
        unread: 0,
        ended,
        recording: Recording::Off,
        transfers: Default::default(),
        showing: Showing::Off,
        control: Default::default(),
    }
}

fn session_props(tab: SessionTab) -> (SessionViewProps, Rc<RefCell<Vec<String>>>) {
    let log = Rc::new(RefCell::new(Vec::new()));
    let note = |what: &'static str| {
        let log = log.clone();
        move || log.borrow_mut().push(what.to_string())
    };
    let (r, sr) = (note("record"), note("stop recording"));
    let (sh, ss) = (note("show"), note("stop showing"));
    let (a, b, c, d, e, f, g) = (
        note("send"),
        note("request"),
        note("fit"),
        note("notes"),
        note("save"),
        note("end"),
        note("close"),
    );
    let props = SessionViewProps {
        tab: Rc::new(tab),
        stream: None,
        on_send: Callback::from(move |_| a()),
        on_request_screen: Callback::from(move |_| b()),
        on_record: Callback::from(move |_| r()),
        on_stop_recording: Callback::from(move |_| sr()),
        on_show_screen: Callback::from(move |_| sh()),
        on_stop_showing: Callback::from(move |_| ss()),
        on_fit: Callback::from(move |_| c()),
        on_notes: Callback::from(move |_| d()),
        on_save_notes: Callback::from(move |_| e()),
        on_end: Callback::from(move |_| f()),
        on_close: Callback::from(move |_| g()),
        on_files: Callback::from(|_| {}),
        helper_stream: None,
        on_control: Callback::from(|_| false),
    };
    (props, log)
}

#[wasm_bindgen_test]
async fn session_view_has_every_control() {
    let root = mount_point();
    let (props, log) = session_props(tab(None));
    yew::Renderer::<SessionView>::with_root_and_props(root.clone(), props).render();
    settle().await;

    assert!(exists(&root, ".session-view[data-session=\"3\"]"));
    for id in [
        "#message",
        "#send",
        "#transcript",
        "#session-notes",
        "#connection-state",
        "#quality",
    ] {
        assert!(exists(&root, &format!(".session-view {id}")), "{id}");
    }
    assert_eq!(
        find(&root, "#remote-screen").tag_name().to_lowercase(),
        "video"
    );
    assert_eq!(text(&root, "#request-screen"), "Request screen view");
    assert_eq!(text(&root, "#end-session"), "End session");
    assert_eq!(text(&root, "#connection-state"), "Connected");
    assert_eq!(text(&root, "#quality"), "No screen is shared.");
    let notes: HtmlTextAreaElement = find(&root, "#session-notes").unchecked_into();
    assert_eq!(notes.value(), "from the pin");
    assert!(!exists(&root, "#session-ended"));

    click(&root, "#request-screen");
    click(&root, "#end-session");
    settle().await;
    assert_eq!(*log.borrow(), vec!["request", "end"]);
}

#[wasm_bindgen_test]
async fn ended_session_says_why() {
    let root = mount_point();
    let (props, log) = session_props(tab(Some(EndReason::CustomerLeft)));
    yew::Renderer::<SessionView>::with_root_and_props(root.clone(), props).render();
    settle().await;
    assert!(text(&root, "#session-ended").contains("Ann ended the session."));
    assert!(!exists(&root, "#end-session"));
    assert!(!exists(&root, "#request-screen"));
    assert!(!exists(&root, "#show-screen") && !exists(&root, "#stop-showing"));
    click(&root, ".close-session");
    settle().await;
    assert_eq!(*log.borrow(), vec!["close"]);
}

#[wasm_bindgen_test]
async fn show_my_screen_then_stop_showing() {
    let root = mount_point();
    let (props, log) = session_props(tab(None));
    yew::Renderer::<SessionView>::with_root_and_props(root.clone(), props).render();
    settle().await;
    assert_eq!(text(&root, "#show-screen"), "Show my screen");
    assert!(!exists(&root, "#stop-showing"));
    assert_eq!(text(&root, "#showing-state"), "");
    click(&root, "#show-screen");
    settle().await;
    assert_eq!(*log.borrow(), vec!["show"]);

    let root = mount_point();
    let mut on = tab(None);
    on.showing = Showing::On;
    let (props, log) = session_props(on);
    yew::Renderer::<SessionView>::with_root_and_props(root.clone(), props).render();
    settle().await;
    assert!(!exists(&root, "#show-screen"));
    assert_eq!(text(&root, "#showing-state").trim(), "Ann sees your screen");
    click(&root, "#stop-showing");
    settle().await;
    assert_eq!(*log.borrow(), vec!["stop showing"]);
}
