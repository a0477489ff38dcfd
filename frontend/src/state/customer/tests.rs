//! The customer page from the form to the end, driven the way the
//! server and the person do.

use protocol::limits::MAX_NAME_CHARS;

use super::*;
use crate::state::Entry;
use protocol::ws::SessionStatus;
use time::macros::datetime;

const NOW: f64 = 1_795_000_000_000.0;

fn server(state: &mut CustomerState, message: ServerMessage) {
    state.apply(Action::Server {
        message,
        now_ms: NOW,
    });
}

fn joined() -> ServerMessage {
    ServerMessage::Joined {
        session: SessionId(4),
        technician: "Tess".into(),
        status: SessionStatus::Waiting,
    }
}

fn started() -> ServerMessage {
    ServerMessage::Started {
        session: SessionId(4),
        technician: "Tess".into(),
        customer: "Ann".into(),
        ice_servers: vec![],
    }
}

fn connected() -> CustomerState {
    let mut s = CustomerState::new(Some("123456".into()));
    s.apply(Action::EditName("Ann".into()));
    s.apply(Action::Joining);
    server(&mut s, joined());
    server(&mut s, started());
    s
}

#[test]
fn the_form_is_checked_locally_first() {
    assert_eq!(
        check_form("", ""),
        Err((Some(ErrorCode::PinEmpty), Some(ErrorCode::NameRequired)))
    );
    assert_eq!(
        check_form("12345", "Ann"),
        Err((Some(ErrorCode::PinMalformed), None))
    );
    assert_eq!(
        check_form("123456", &"a".repeat(MAX_NAME_CHARS + 1)),
        Err((None, Some(ErrorCode::TooLong)))
    );
    let (pin, name) = check_form("123 456", "  Ann ").unwrap();
    assert_eq!((pin.as_str(), name.as_str()), ("123456", "Ann"));
}

#[test]
fn link_prefills_and_typing_clears_the_error() {
    let mut s = CustomerState::new(Some("123456".into()));
    assert_eq!(s.pin, "123456");
    s.apply(Action::Refused {
        pin: Some(ErrorCode::PinMalformed),
        name: None,
    });
    assert_eq!(s.pin_problem, Some(Problem::code(ErrorCode::PinMalformed)));
    s.apply(Action::EditPin("12345".into()));
    assert_eq!(s.pin_problem, None);
}

#[test]
fn server_errors_land_beside_their_field_and_allow_a_retry() {
    let mut s = CustomerState::new(None);
    s.apply(Action::Joining);
    server(
        &mut s,
        ServerMessage::Error {
            code: ErrorCode::PinExpired,
            message: String::new(),
            session: None,
            retry_after_secs: None,
        },
    );
    assert_eq!(s.pin_problem, Some(Problem::code(ErrorCode::PinExpired)));
    assert_eq!(s.stage, Stage::Form { joining: false });

    s.apply(Action::Joining);
    server(
        &mut s,
        ServerMessage::Error {
            code: ErrorCode::RateLimited,
            message: String::new(),
            session: None,
            retry_after_secs: Some(30),
        },
    );
    assert_eq!(
        s.pin_problem,
        Some(Problem::Refused {
            code: ErrorCode::RateLimited,
            retry_after_secs: Some(30)
        })
    );

    s.apply(Action::Joining);
    server(&mut s, ServerMessage::error(ErrorCode::NameRequired));
    assert_eq!(s.name_problem, Some(Problem::code(ErrorCode::NameRequired)));
    assert_eq!(s.pin_problem, None);
}

#[test]
fn an_unreachable_server_is_said_so() {
    let mut s = CustomerState::new(None);
    s.apply(Action::Joining);
    s.apply(Action::SocketLost);
    assert_eq!(s.pin_problem, Some(Problem::Unreachable));
    assert_eq!(s.stage, Stage::Form { joining: false });
}

#[test]
fn join_wait_start() {
    let mut s = CustomerState::new(Some("123456".into()));
    s.apply(Action::Joining);
    server(&mut s, joined());
    assert_eq!(s.stage, Stage::Waiting);
    assert_eq!(s.technician, "Tess");
    assert!(s.in_session());
    server(&mut s, started());
    assert_eq!(s.stage, Stage::Connected);
    assert_eq!(s.peer, PeerStatus::Connecting);
    s.apply(Action::Peer(PeerStatus::Connected));
    assert_eq!(s.peer, PeerStatus::Connected);
}

#[test]
fn chat_keeps_order_and_speaker() {
    let mut s = connected();
    s.apply(Action::ChatSent {
        text: "hi".into(),
        at_ms: 1.0,
    });
    s.apply(Action::ChatReceived {
        text: "hello".into(),
        at_ms: 2.0,
    });
    assert_eq!(
        s.transcript.entries(),
        [
            Entry::Chat {
                from: Speaker::Me,
                text: "hi".into(),
                at_ms: 1.0
            },
            Entry::Chat {
                from: Speaker::Peer,
                text: "hello".into(),
                at_ms: 2.0
            },
        ]
    );
}

fn consent_request(expires_at: time::OffsetDateTime) -> ServerMessage {
    ServerMessage::ConsentRequest {
        session: SessionId(4),
        scope: ConsentScope::ScreenView,
        technician: "Tess".into(),
        expires_at,
    }
}

#[test]
fn consent_allow_share_stop() {
    let mut s = connected();
    let expires = time::OffsetDateTime::from_unix_timestamp((NOW / 1000.0) as i64 + 300).unwrap();
    server(&mut s, consent_request(expires));
    let prompt = s.consent.clone().unwrap();
    assert_eq!(prompt.technician, "Tess");
    assert_eq!(prompt.deadline_ms, NOW + 300_000.0);

    s.apply(Action::Answered {
        allowed: true,
        kind: ShareKind::Screen,
    });
    assert_eq!(s.consent, None);
    assert_eq!(s.sharing, Sharing::Starting(ShareKind::Screen));
    server(
        &mut s,
        ServerMessage::Consent {
            session: SessionId(4),
            scope: ConsentScope::ScreenView,
            outcome: ConsentOutcome::Allowed,
        },
    );
    s.apply(Action::ShareStarted(ShareKind::Screen));
    assert_eq!(s.sharing, Sharing::On(ShareKind::Screen));

    s.apply(Action::ShareEnded {
        failed: false,
        at_ms: NOW,
    });
    server(
        &mut s,
        ServerMessage::Consent {
            session: SessionId(4),
            scope: ConsentScope::ScreenView,
            outcome: ConsentOutcome::Stopped,
        },
    );
    assert_eq!(s.sharing, Sharing::Off);
    let notices = s.transcript.notices();
    assert_eq!(notices, vec![Notice::Allowed, Notice::Stopped]);
}

#[test]
fn a_cancelled_picker_is_reported_once() {
    let mut s = connected();
    s.apply(Action::Answered {
        allowed: true,
        kind: ShareKind::Screen,
    });
    s.apply(Action::ShareEnded {
        failed: true,
        at_ms: NOW,
    });
    assert_eq!(s.sharing, Sharing::Off);
    assert_eq!(
        s.transcript.entries(),
        [Entry::Notice {
            event: Notice::ShareFailed,
            at_ms: NOW
        }]
    );
}

#[test]
fn timeout_closes_the_dialog() {
    let mut s = connected();
    server(&mut s, consent_request(datetime!(2000-01-01 0:00 UTC)));
    assert!(s.consent.is_some());
    server(
        &mut s,
        ServerMessage::Consent {
            session: SessionId(4),
            scope: ConsentScope::ScreenView,
            outcome: ConsentOutcome::TimedOut,
        },
    );
    assert_eq!(s.consent, None);
    assert_eq!(s.sharing, Sharing::Off);
}

#[test]
fn deadline_survives_a_wrong_clock() {
    let timeout = 300_000.0;
    assert_eq!(consent_deadline(NOW, NOW + 290_000.0), NOW + 290_000.0);
    // Our clock is far ahead of the server's: count from arrival.
    assert_eq!(consent_deadline(NOW, NOW - 60_000.0), NOW + timeout);
    // Our clock is far behind: never promise more than the timeout.
    assert_eq!(consent_deadline(NOW, NOW + 900_000.0), NOW + timeout);
}

#[test]
fn consent_is_ignored_before_the_session_starts() {
    let mut s = CustomerState::new(None);
    s.apply(Action::Joining);
    server(&mut s, joined());
    server(&mut s, consent_request(datetime!(2000-01-01 0:00 UTC)));
    assert_eq!(s.consent, None);
}

#[test]
fn every_way_of_ending() {
    let mut s = connected();
    s.apply(Action::Answered {
        allowed: true,
        kind: ShareKind::Camera,
    });
    s.apply(Action::ShareStarted(ShareKind::Camera));
    s.apply(Action::Left);
    assert_eq!(s.stage, Stage::Ended(EndReason::CustomerLeft));
    assert_eq!(s.sharing, Sharing::Off);
    // The server's own `ended` after our leave does not overwrite it.
    server(
        &mut s,
        ServerMessage::Ended {
            session: SessionId(4),
            reason: EndReason::CustomerDisconnected,
        },
    );
    assert_eq!(s.stage, Stage::Ended(EndReason::CustomerLeft));

    let mut s = connected();
    server(
        &mut s,
        ServerMessage::Ended {
            session: SessionId(4),
            reason: EndReason::TechnicianLeft,
        },
    );
    assert_eq!(s.stage, Stage::Ended(EndReason::TechnicianLeft));

    let mut s = connected();
    s.apply(Action::SocketLost);
    assert_eq!(s.stage, Stage::Ended(EndReason::CustomerDisconnected));
}

#[test]
fn start_over_keeps_the_name_only() {
    let mut s = connected();
    s.apply(Action::Left);
    s.apply(Action::StartOver);
    assert_eq!(s.stage, Stage::Form { joining: false });
    assert_eq!(s.name, "Ann");
    assert_eq!(s.pin, "");
    assert!(s.transcript.is_empty());
}

#[test]
fn the_recording_banner_follows_the_server() {
    let mut s = connected();
    assert!(!s.recorded);
    let recording = |active| ServerMessage::Recording {
        session: SessionId(4),
        active,
    };
    server(&mut s, recording(true));
    assert!(s.recorded);
    server(&mut s, recording(false));
    assert!(!s.recorded);
    server(&mut s, recording(true));
    server(
        &mut s,
        ServerMessage::Ended {
            session: SessionId(4),
            reason: EndReason::TechnicianLeft,
        },
    );
    assert!(!s.recorded, "the banner goes with the session");
    server(&mut s, recording(true));
    assert!(!s.recorded, "not after the end");
}

#[test]
fn the_technicians_screen_shows_once_announced_and_its_picture_arrived() {
    let mut s = connected();
    s.apply(Action::ShownPicture(true));
    assert_eq!(
        s.shown,
        Shown::Off,
        "a picture nobody announced is not shown"
    );
    s.apply(Action::ShownAnnounced { at_ms: NOW });
    assert_eq!(s.shown, Shown::Waiting);
    s.apply(Action::ShownPicture(true));
    assert_eq!(s.shown, Shown::Live);
    s.apply(Action::ShownClosed { at_ms: NOW });
    assert_eq!(s.shown, Shown::Off);
    // The technician's stop after our close adds no second line.
    s.apply(Action::ShownStopped { at_ms: NOW });
    s.apply(Action::ShownAnnounced { at_ms: NOW });
    s.apply(Action::ShownStopped { at_ms: NOW });
    assert_eq!(s.shown, Shown::Off);
    assert_eq!(
        s.transcript.notices(),
        vec![
            Notice::Shown,
            Notice::ShownClosed,
            Notice::Shown,
            Notice::ShownStopped
        ]
    );
}

#[test]
fn the_technicians_screen_goes_with_the_session() {
    let mut s = connected();
    s.apply(Action::ShownAnnounced { at_ms: NOW });
    s.apply(Action::ShownPicture(true));
    server(
        &mut s,
        ServerMessage::Ended {
            session: SessionId(4),
            reason: EndReason::TechnicianLeft,
        },
    );
    assert_eq!(s.shown, Shown::Off);
    s.apply(Action::ShownAnnounced { at_ms: NOW });
    assert_eq!(s.shown, Shown::Off, "not after the end");
}
