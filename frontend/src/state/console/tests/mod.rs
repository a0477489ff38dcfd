//! The console reducer's tests, by concern: sign-in, queue and reports
//! here; the PIN card and the tabs in their own files. The helpers below
//! drive the state the way the server and the page do.

mod pin_card;
mod recording;
mod showing;
mod tabs;

use std::rc::Rc;

use protocol::api::PinRequest;
use protocol::ws::{QueueEntry, SessionStatus};
use time::macros::datetime;

use super::*;

pub(super) fn entry(id: i64, customer: &str, suffix: &str, status: SessionStatus) -> QueueEntry {
    QueueEntry {
        id: SessionId(id),
        customer: customer.into(),
        status,
        pin_suffix: suffix.into(),
        joined_at: datetime!(2026-11-22 10:00 UTC),
        notes: String::new(),
    }
}

pub(super) fn server(s: &mut ConsoleState, message: ServerMessage) {
    s.apply(Action::Server {
        message,
        now_ms: 5.0,
    });
}

pub(super) fn queue(s: &mut ConsoleState, sessions: Vec<QueueEntry>) {
    server(s, ServerMessage::Queue { sessions });
}

pub(super) fn started(s: &mut ConsoleState, id: i64, customer: &str) {
    server(
        s,
        ServerMessage::Started {
            session: SessionId(id),
            technician: "tess".into(),
            customer: customer.into(),
            ice_servers: vec![],
        },
    );
}

pub(super) fn signed_in() -> ConsoleState {
    let mut s = ConsoleState::new();
    s.apply(Action::Auth(AuthAction::Checked(Some("tess".into()))));
    server(
        &mut s,
        ServerMessage::Welcome {
            technician: "tess".into(),
        },
    );
    s
}

#[test]
fn sign_in_flow() {
    let mut s = ConsoleState::new();
    assert_eq!(s.auth, Auth::Checking);
    s.apply(Action::Auth(AuthAction::Checked(None)));
    s.apply(Action::Auth(AuthAction::SignInStarted));
    assert_eq!(
        s.auth,
        Auth::SignedOut {
            busy: true,
            problem: None
        }
    );
    s.apply(Action::Auth(AuthAction::SignInFailed(Problem::code(
        ErrorCode::InvalidCredentials,
    ))));
    assert!(matches!(
        s.auth,
        Auth::SignedOut {
            busy: false,
            problem: Some(_)
        }
    ));
    s.apply(Action::Auth(AuthAction::SignedIn("tess".into())));
    assert_eq!(s.signed_in(), Some("tess"));
}

#[test]
fn queue_changes_arrive_one_entry_at_a_time() {
    let mut s = signed_in();
    queue(&mut s, vec![entry(1, "Ann", "56", SessionStatus::Waiting)]);
    let rang = s.queue.ring;
    server(
        &mut s,
        ServerMessage::QueueUpdate {
            session: entry(2, "Bob", "78", SessionStatus::Waiting),
        },
    );
    assert_eq!(s.queue.ring, rang.wrapping_add(1), "a newcomer rings");
    server(
        &mut s,
        ServerMessage::QueueUpdate {
            session: entry(1, "Ann", "56", SessionStatus::Active),
        },
    );
    assert_eq!(s.queue.ring, rang.wrapping_add(1), "a change does not ring");
    assert_eq!(s.queue.entries.len(), 2);
    assert_eq!(s.queue.entries[0].status, SessionStatus::Active);
    server(
        &mut s,
        ServerMessage::QueueRemove {
            session: SessionId(1),
        },
    );
    assert_eq!(s.queue.entries.len(), 1);
    assert_eq!(s.queue.entries[0].customer, "Bob");
}

#[test]
fn signing_out_forgets_everything() {
    let mut s = signed_in();
    queue(&mut s, vec![entry(1, "Ann", "56", SessionStatus::Waiting)]);
    started(&mut s, 1, "Ann");
    s.apply(Action::SignedOut(None));
    assert_eq!(s.signed_in(), None);
    assert!(s.queue.entries.is_empty() && s.tabs.is_empty());
}

#[test]
fn server_says_not_signed_in() {
    let mut s = signed_in();
    server(&mut s, ServerMessage::error(ErrorCode::NotSignedIn));
    assert_eq!(
        s.auth,
        Auth::SignedOut {
            busy: false,
            problem: Some(Problem::code(ErrorCode::NotSignedIn))
        }
    );
}

#[test]
fn only_newcomers_ring_and_the_title_counts_waiting() {
    let mut s = signed_in();
    assert_eq!(s.title("Lifeline console"), "Lifeline console");
    queue(&mut s, vec![entry(1, "Ann", "56", SessionStatus::Waiting)]);
    assert_eq!(s.queue.ring, 1);
    assert_eq!(s.title("Lifeline console"), "(1) Lifeline console");
    // The same queue again (another change elsewhere) does not ring.
    queue(&mut s, vec![entry(1, "Ann", "56", SessionStatus::Waiting)]);
    assert_eq!(s.queue.ring, 1);
    queue(
        &mut s,
        vec![
            entry(1, "Ann", "56", SessionStatus::Active),
            entry(2, "Bob", "11", SessionStatus::Waiting),
        ],
    );
    assert_eq!(s.queue.ring, 2);
    assert_eq!(s.title("Lifeline console"), "(1) Lifeline console");
    queue(&mut s, vec![entry(1, "Ann", "56", SessionStatus::Active)]);
    assert_eq!(s.title("Lifeline console"), "Lifeline console");
}

#[test]
fn refused_requests_raise_an_alert() {
    let mut s = signed_in();
    server(&mut s, ServerMessage::error(ErrorCode::SessionNotFound));
    assert_eq!(s.alert, Some(ErrorCode::SessionNotFound));
    s.apply(Action::DismissAlert);
    assert_eq!(s.alert, None);
}

#[test]
fn reports_refresh_keeps_the_old_list() {
    let mut s = signed_in();
    s.apply(Action::Reports(ReportsAction::Loaded(vec![])));
    s.apply(Action::Reports(ReportsAction::Loading));
    assert_eq!(s.reports, Reports::Loaded(Rc::new(vec![])));
    s.apply(Action::Reports(ReportsAction::Failed));
    assert_eq!(s.reports, Reports::Failed);
}
