//! The console's remote control, driven the way the server and the
//! technician do: request, answer, helper, mode, and every way it ends.

use frontend::state::console::{
    Action, AuthAction, ClipboardNote, ConsoleState, ControlAction, Permission, RemoteControl,
    TabAction,
};
use frontend::state::control::Helper;
use frontend::state::{Notice, PeerStatus};
use protocol::peer::input::{MAX_CLIPBOARD_BYTES, Monitor};
use protocol::ws::{ConsentOutcome, ConsentScope, EndReason, HelperStatus};
use protocol::{ServerMessage, SessionId};
use wasm_bindgen_test::wasm_bindgen_test;

const S: SessionId = SessionId(1);

fn server(s: &mut ConsoleState, message: ServerMessage) {
    s.apply(Action::Server {
        message,
        now_ms: 5.0,
    });
}

fn started() -> ConsoleState {
    let mut s = ConsoleState::new();
    s.apply(Action::Auth(AuthAction::Checked(Some("tess".into()))));
    server(
        &mut s,
        ServerMessage::Started {
            session: S,
            technician: "tess".into(),
            customer: "Ann".into(),
            ice_servers: vec![],
        },
    );
    s
}

fn control(s: &ConsoleState) -> &RemoteControl {
    &s.tab(S).unwrap().control
}

fn act(s: &mut ConsoleState, action: ControlAction) {
    s.apply(Action::Tab(S, TabAction::Control(action)));
}

fn consent(s: &mut ConsoleState, scope: ConsentScope, outcome: ConsentOutcome) {
    server(
        s,
        ServerMessage::Consent {
            session: S,
            scope,
            outcome,
        },
    );
}

fn helper(s: &mut ConsoleState, status: HelperStatus, detail: Option<&str>) {
    server(
        s,
        ServerMessage::Helper {
            session: S,
            status,
            detail: detail.map(str::to_owned),
        },
    );
}

fn mode(s: &mut ConsoleState, controlling: bool) {
    server(
        s,
        ServerMessage::ControlMode {
            session: S,
            controlling,
        },
    );
}

fn notices(s: &ConsoleState) -> Vec<Notice> {
    s.tab(S).unwrap().transcript.notices()
}

/// Requested, allowed, and the helper in, in Control.
fn controlling() -> ConsoleState {
    let mut s = started();
    act(&mut s, ControlAction::Requested);
    consent(&mut s, ConsentScope::RemoteControl, ConsentOutcome::Allowed);
    helper(&mut s, HelperStatus::Joined, None);
    mode(&mut s, true);
    s
}

#[wasm_bindgen_test]
fn request_allow_join_control_then_view_only() {
    let mut s = started();
    assert!(control(&s).can_request());
    act(&mut s, ControlAction::Requested);
    assert_eq!(control(&s).permission, Permission::Asked);
    assert!(!control(&s).can_request(), "one request at a time");

    consent(&mut s, ConsentScope::RemoteControl, ConsentOutcome::Allowed);
    assert_eq!(control(&s).permission, Permission::Allowed);
    assert_eq!(control(&s).helper, Helper::Absent);
    assert!(!control(&s).helper_in());
    mode(&mut s, true);
    assert!(!control(&s).controlling, "no control before the helper");

    helper(&mut s, HelperStatus::Joined, None);
    assert!(control(&s).helper_in());
    act(&mut s, ControlAction::Peer(PeerStatus::Connected));
    act(&mut s, ControlAction::Video(true));
    mode(&mut s, true);
    assert!(control(&s).controlling && control(&s).video);
    assert_eq!(control(&s).peer, PeerStatus::Connected);
    mode(&mut s, false);
    assert!(!control(&s).controlling);
    assert_eq!(notices(&s), vec![Notice::ControlAllowed]);
    // Remote control leaves screen view alone.
    assert!(s.tab(S).unwrap().can_request_screen());
}

#[wasm_bindgen_test]
fn denied_and_timed_out_requests_can_be_asked_again() {
    let mut s = started();
    act(&mut s, ControlAction::Requested);
    consent(&mut s, ConsentScope::RemoteControl, ConsentOutcome::Denied);
    assert!(control(&s).can_request());
    act(&mut s, ControlAction::Requested);
    consent(
        &mut s,
        ConsentScope::RemoteControl,
        ConsentOutcome::TimedOut,
    );
    assert!(control(&s).can_request());
    assert_eq!(
        notices(&s),
        vec![Notice::ControlDenied, Notice::ControlTimedOut]
    );
}

#[wasm_bindgen_test]
fn stop_control_ends_everything_of_the_helper() {
    let mut s = controlling();
    act(
        &mut s,
        ControlAction::Monitors {
            monitors: vec![monitor("A"), monitor("B")],
            current: 1,
        },
    );
    assert_eq!(control(&s).monitors.len(), 2);
    consent(&mut s, ConsentScope::RemoteControl, ConsentOutcome::Stopped);
    let c = control(&s);
    assert_eq!(c.permission, Permission::Idle);
    assert!(!c.controlling && !c.video && c.monitors.is_empty());
    assert!(!c.helper_in());
    // Its socket closes after: said, but no second notice.
    helper(&mut s, HelperStatus::Left, None);
    assert_eq!(control(&s).helper, Helper::Left);
    assert_eq!(
        notices(&s),
        vec![Notice::ControlAllowed, Notice::ControlStopped]
    );
    assert!(control(&s).can_request());
}

#[wasm_bindgen_test]
fn the_helper_leaving_is_said_once_and_stops_control() {
    let mut s = controlling();
    helper(&mut s, HelperStatus::Left, None);
    assert!(!control(&s).controlling);
    assert_eq!(control(&s).helper, Helper::Left);
    consent(&mut s, ConsentScope::RemoteControl, ConsentOutcome::Stopped);
    assert_eq!(
        notices(&s),
        vec![
            Notice::ControlAllowed,
            Notice::HelperLeft,
            Notice::ControlStopped
        ]
    );
}

#[wasm_bindgen_test]
fn an_unavailable_helper_keeps_its_reason() {
    let mut s = started();
    act(&mut s, ControlAction::Requested);
    consent(&mut s, ConsentScope::RemoteControl, ConsentOutcome::Allowed);
    helper(
        &mut s,
        HelperStatus::Unavailable,
        Some("Wayland is not supported"),
    );
    consent(&mut s, ConsentScope::RemoteControl, ConsentOutcome::Stopped);
    assert_eq!(
        control(&s).helper,
        Helper::Unavailable("Wayland is not supported".into())
    );
    // A new request starts afresh.
    act(&mut s, ControlAction::Requested);
    assert_eq!(control(&s).helper, Helper::Absent);
}

#[wasm_bindgen_test]
fn screen_view_consent_leaves_control_alone() {
    let mut s = controlling();
    consent(&mut s, ConsentScope::ScreenView, ConsentOutcome::Stopped);
    assert!(control(&s).controlling && control(&s).helper_in());
    assert_eq!(notices(&s), vec![Notice::ControlAllowed, Notice::Stopped]);
}

#[wasm_bindgen_test]
fn the_end_of_the_session_ends_control() {
    let mut s = controlling();
    server(
        &mut s,
        ServerMessage::Ended {
            session: S,
            reason: EndReason::CustomerLeft,
        },
    );
    assert!(!control(&s).controlling && !control(&s).helper_in());
    // Late frames change nothing.
    helper(&mut s, HelperStatus::Joined, None);
    mode(&mut s, true);
    assert!(!control(&s).controlling);
    assert_eq!(control(&s).permission, Permission::Idle);
}

#[wasm_bindgen_test]
fn clipboard_and_refusals() {
    let mut s = controlling();
    act(&mut s, ControlAction::EditClipboard("hello".into()));
    act(&mut s, ControlAction::ClipboardPushed(ClipboardNote::Sent));
    assert_eq!(control(&s).clipboard_note, Some(ClipboardNote::Sent));
    act(&mut s, ControlAction::Clipboard("from Ann".into()));
    assert_eq!(control(&s).clipboard, "from Ann");
    assert_eq!(control(&s).clipboard_note, None);
    assert_eq!(
        RemoteControl::clipboard_to_push(&"x".repeat(MAX_CLIPBOARD_BYTES + 1)),
        Err(ClipboardNote::TooLong)
    );
    assert_eq!(RemoteControl::clipboard_to_push("ok"), Ok("ok".into()));
    act(
        &mut s,
        ControlAction::Refused {
            what: "clipboard_push".into(),
            reason: "no clipboard".into(),
        },
    );
    assert_eq!(
        control(&s).refused,
        Some(("clipboard_push".into(), "no clipboard".into()))
    );
}

fn monitor(name: &str) -> Monitor {
    Monitor {
        name: name.into(),
        x: 0,
        y: 0,
        width: 1920,
        height: 1080,
        primary: name == "A",
    }
}
