//! Tabs: opening, routing `Action::Tab` to the right one, screen,
//! notes, and every way a session ends.

use std::rc::Rc;

use protocol::ws::{ConsentOutcome, ConsentScope, EndReason};

use super::*;
use crate::format::Quality;
use crate::state::{Notice, PeerStatus};

#[test]
fn started_sessions_open_tabs() {
    let mut s = signed_in();
    let mut e = entry(1, "Ann", "56", SessionStatus::Waiting);
    e.notes = "from pin".into();
    queue(
        &mut s,
        vec![e, entry(2, "Bob", "11", SessionStatus::Waiting)],
    );
    started(&mut s, 1, "Ann");
    started(&mut s, 2, "Bob");
    assert_eq!(s.tabs.len(), 2);
    assert_eq!(s.tabs.active, Some(SessionId(2)));
    assert_eq!(s.tab(SessionId(1)).unwrap().notes, "from pin");
    // Chat into the hidden tab counts as unread until shown.
    s.apply(Action::Tab(
        SessionId(1),
        TabAction::ChatReceived {
            text: "hello".into(),
            at_ms: 1.0,
        },
    ));
    assert_eq!(s.tab(SessionId(1)).unwrap().unread, 1);
    s.apply(Action::Select(Some(SessionId(1))));
    assert_eq!(s.tab(SessionId(1)).unwrap().unread, 0);
    s.apply(Action::Select(None));
    assert_eq!(s.tabs.active_tab(), None);
}

#[test]
fn screen_request_lifecycle() {
    let mut s = signed_in();
    started(&mut s, 1, "Ann");
    let id = SessionId(1);
    let consent = |outcome| ServerMessage::Consent {
        session: id,
        scope: ConsentScope::ScreenView,
        outcome,
    };
    s.apply(Action::Tab(id, TabAction::ScreenRequested));
    assert_eq!(s.tab(id).unwrap().screen, Screen::Asked);
    assert!(!s.tab(id).unwrap().can_request_screen());
    server(&mut s, consent(ConsentOutcome::Allowed));
    assert_eq!(s.tab(id).unwrap().screen, Screen::Allowed);
    s.apply(Action::Tab(id, TabAction::Video(true)));
    let q = Quality {
        width: 1280,
        height: 720,
        fps: 20.0,
        kbps: None,
        rtt_ms: None,
    };
    s.apply(Action::Tab(id, TabAction::Quality(Some(q))));
    assert_eq!(s.tab(id).unwrap().quality, Some(q));
    server(&mut s, consent(ConsentOutcome::Stopped));
    let tab = s.tab(id).unwrap();
    assert_eq!(tab.screen, Screen::Idle);
    assert_eq!(tab.quality, None);
    assert!(tab.can_request_screen());
    s.apply(Action::Tab(id, TabAction::ScreenRequested));
    server(&mut s, consent(ConsentOutcome::Denied));
    s.apply(Action::Tab(id, TabAction::ScreenRequested));
    server(&mut s, consent(ConsentOutcome::TimedOut));
    let notices = s.tab(id).unwrap().transcript.notices();
    assert_eq!(
        notices,
        vec![
            Notice::Allowed,
            Notice::Stopped,
            Notice::Denied,
            Notice::TimedOut
        ]
    );
}

#[test]
fn notes_save_states() {
    let mut s = signed_in();
    started(&mut s, 1, "Ann");
    let id = SessionId(1);
    s.apply(Action::Tab(id, TabAction::EditNotes("a".into())));
    assert_eq!(s.tab(id).unwrap().notes_save, Save::Dirty);
    s.apply(Action::Tab(id, TabAction::NotesSaving));
    s.apply(Action::Tab(id, TabAction::EditNotes("ab".into())));
    s.apply(Action::Tab(id, TabAction::NotesSaved("a".into())));
    // More was typed while saving: still needs a save.
    assert_eq!(s.tab(id).unwrap().notes_save, Save::Dirty);
    s.apply(Action::Tab(id, TabAction::NotesSaved("ab".into())));
    assert_eq!(s.tab(id).unwrap().notes_save, Save::Saved);
    s.apply(Action::Tab(id, TabAction::NotesFailed));
    assert_eq!(s.tab(id).unwrap().notes_save, Save::Failed);
}

#[test]
fn ended_tabs_stay_until_closed() {
    let mut s = signed_in();
    started(&mut s, 1, "Ann");
    let id = SessionId(1);
    s.apply(Action::Close(id));
    assert!(s.tab(id).is_some(), "a live session cannot be closed away");
    server(
        &mut s,
        ServerMessage::Ended {
            session: id,
            reason: EndReason::CustomerLeft,
        },
    );
    let tab = s.tab(id).unwrap();
    assert_eq!(tab.ended, Some(EndReason::CustomerLeft));
    assert_eq!(tab.peer, PeerStatus::Closed);
    // Late peer news does not bring it back to life.
    s.apply(Action::Tab(id, TabAction::Peer(PeerStatus::Connected)));
    assert_eq!(s.tab(id).unwrap().peer, PeerStatus::Closed);
    s.apply(Action::Close(id));
    assert!(s.tab(id).is_none());
    assert_eq!(s.tabs.active, None);
}

#[test]
fn losing_the_server_ends_open_sessions() {
    let mut s = signed_in();
    started(&mut s, 1, "Ann");
    s.apply(Action::LinkLost);
    assert_eq!(s.link, DeskLink::Offline);
    assert_eq!(
        s.tab(SessionId(1)).unwrap().ended,
        Some(EndReason::TechnicianDisconnected)
    );
}

#[test]
fn tab_actions_reach_their_own_tab_and_copy_no_other() {
    let mut s = signed_in();
    started(&mut s, 1, "Ann");
    started(&mut s, 2, "Bob");
    let before = s.clone();
    s.apply(Action::Tab(
        SessionId(1),
        TabAction::ChatReceived {
            text: "hello".into(),
            at_ms: 1.0,
        },
    ));
    // Ann's tab is not the one shown: one unread line there, none at Bob's.
    assert_eq!(s.tab(SessionId(1)).unwrap().transcript.len(), 1);
    assert_eq!(s.tab(SessionId(1)).unwrap().unread, 1);
    assert!(s.tab(SessionId(2)).unwrap().transcript.is_empty());
    // Bob's tab is still the very same value: an update copies one tab.
    let bob = |s: &ConsoleState| s.tabs.shared(SessionId(2)).unwrap().clone();
    assert!(Rc::ptr_eq(&bob(&before), &bob(&s)));
    assert!(!Rc::ptr_eq(
        before.tabs.shared(SessionId(1)).unwrap(),
        s.tabs.shared(SessionId(1)).unwrap()
    ));

    // A tab that is not open takes nothing and changes nothing.
    let unchanged = s.clone();
    s.apply(Action::Tab(SessionId(9), TabAction::ScreenRequested));
    assert_eq!(s, unchanged);
}

#[test]
fn the_quality_poll_copies_no_transcript() {
    let mut s = signed_in();
    started(&mut s, 1, "Ann");
    let id = SessionId(1);
    s.apply(Action::Tab(
        id,
        TabAction::ChatSent {
            text: "hi".into(),
            at_ms: 1.0,
        },
    ));
    s.apply(Action::Tab(id, TabAction::Video(true)));
    let before = s.clone();
    s.apply(Action::Tab(id, TabAction::Quality(None)));
    let lines = |s: &ConsoleState| s.tab(id).unwrap().transcript.entries().as_ptr();
    assert_eq!(lines(&before), lines(&s));
}
