//! The customer's remote control: the dialog's scope, the offer, the
//! helper joining, the banner in both modes, and the end.

use frontend::state::Notice;
use frontend::state::control::Helper;
use frontend::state::customer::{Action, CustomerState, Sharing};
use protocol::ws::{
    ConsentOutcome, ConsentScope, EndReason, HelperDownload, HelperStatus, SessionStatus,
};
use protocol::{ServerMessage, SessionId};
use time::macros::datetime;
use wasm_bindgen_test::wasm_bindgen_test;

const S: SessionId = SessionId(4);

fn server(s: &mut CustomerState, message: ServerMessage) {
    s.apply(Action::Server {
        message,
        now_ms: 1_795_000_000_000.0,
    });
}

fn connected() -> CustomerState {
    let mut s = CustomerState::new(Some("123456".into()));
    s.apply(Action::Joining);
    server(
        &mut s,
        ServerMessage::Joined {
            session: S,
            technician: "Tess".into(),
            status: SessionStatus::Waiting,
        },
    );
    server(
        &mut s,
        ServerMessage::Started {
            session: S,
            technician: "Tess".into(),
            customer: "Ann".into(),
            ice_servers: vec![],
        },
    );
    s
}

fn consent(s: &mut CustomerState, scope: ConsentScope, outcome: ConsentOutcome) {
    server(
        s,
        ServerMessage::Consent {
            session: S,
            scope,
            outcome,
        },
    );
}

fn offer() -> ServerMessage {
    ServerMessage::HelperOffer {
        session: S,
        downloads: vec![HelperDownload {
            platform: "linux-x86_64".into(),
            url: "/helper/linux-x86_64/abc".into(),
            file_name: "lifeline-helper".into(),
        }],
        expires_at: datetime!(2026-11-22 10:10 UTC),
    }
}

fn helper(status: HelperStatus, detail: Option<&str>) -> ServerMessage {
    ServerMessage::Helper {
        session: S,
        status,
        detail: detail.map(str::to_owned),
    }
}

fn mode(controlling: bool) -> ServerMessage {
    ServerMessage::ControlMode {
        session: S,
        controlling,
    }
}

/// Asked, allowed, offered.
fn offered() -> CustomerState {
    let mut s = connected();
    server(
        &mut s,
        ServerMessage::ConsentRequest {
            session: S,
            scope: ConsentScope::RemoteControl,
            technician: "Tess".into(),
            expires_at: datetime!(2026-11-22 10:01 UTC),
        },
    );
    assert_eq!(
        s.consent.as_ref().map(|p| p.scope),
        Some(ConsentScope::RemoteControl)
    );
    s.apply(Action::ControlAnswered);
    assert!(s.consent.is_none());
    assert_eq!(s.sharing, Sharing::Off, "control captures nothing here");
    consent(&mut s, ConsentScope::RemoteControl, ConsentOutcome::Allowed);
    server(&mut s, offer());
    s
}

#[wasm_bindgen_test]
fn offer_then_join_then_banner_in_both_modes() {
    let mut s = offered();
    let shown = s.control.offer.as_ref().expect("the offer shows");
    assert_eq!(shown.downloads[0].platform, "linux-x86_64");
    assert!(shown.expires_ms > 0.0);
    assert_eq!(s.control.controlling, None);

    server(&mut s, helper(HelperStatus::Joined, None));
    assert!(s.control.offer.is_none(), "the steps are done");
    server(&mut s, mode(true));
    assert_eq!(s.control.controlling, Some(true));
    server(&mut s, mode(false));
    assert_eq!(s.control.controlling, Some(false));

    consent(&mut s, ConsentScope::RemoteControl, ConsentOutcome::Stopped);
    assert_eq!(s.control.controlling, None);
    server(&mut s, helper(HelperStatus::Left, None));
    assert_eq!(
        s.transcript.notices(),
        vec![Notice::ControlAllowed, Notice::ControlStopped]
    );
}

#[wasm_bindgen_test]
fn the_helper_leaving_takes_the_banner_away() {
    let mut s = offered();
    server(&mut s, helper(HelperStatus::Joined, None));
    server(&mut s, mode(true));
    server(&mut s, helper(HelperStatus::Left, None));
    assert_eq!(s.control.controlling, None);
    assert_eq!(s.control.helper, Helper::Left);
    assert_eq!(
        s.transcript.notices(),
        vec![Notice::ControlAllowed, Notice::HelperLeft]
    );
}

#[wasm_bindgen_test]
fn an_unavailable_helper_says_why_and_the_offer_goes() {
    let mut s = offered();
    server(
        &mut s,
        helper(HelperStatus::Unavailable, Some("No X11 display.")),
    );
    assert!(s.control.offer.is_none());
    assert_eq!(
        s.control.helper,
        Helper::Unavailable("No X11 display.".into())
    );
    server(&mut s, mode(true));
    assert_eq!(s.control.controlling, None, "no banner without a helper");
}

#[wasm_bindgen_test]
fn a_denied_request_offers_nothing_and_screen_sharing_is_untouched() {
    let mut s = connected();
    s.apply(Action::ShareStarted(
        frontend::state::customer::ShareKind::Screen,
    ));
    consent(&mut s, ConsentScope::RemoteControl, ConsentOutcome::Denied);
    assert!(s.control.offer.is_none());
    assert_ne!(s.sharing, Sharing::Off);
    consent(&mut s, ConsentScope::RemoteControl, ConsentOutcome::Stopped);
    assert_ne!(
        s.sharing,
        Sharing::Off,
        "stopping control is not stopping sharing"
    );
    assert_eq!(
        s.transcript.notices(),
        vec![Notice::ControlDenied, Notice::ControlStopped]
    );
}

#[wasm_bindgen_test]
fn the_end_clears_control() {
    let mut s = offered();
    server(&mut s, helper(HelperStatus::Joined, None));
    server(&mut s, mode(true));
    server(
        &mut s,
        ServerMessage::Ended {
            session: S,
            reason: EndReason::TechnicianLeft,
        },
    );
    assert_eq!(s.control, Default::default());
}
