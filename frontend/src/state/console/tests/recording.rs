//! A tab's recording: Record only on a live picture, on once the server
//! accepted it, off when stopped here or finished by the server, and why
//! it failed until the next try.

use protocol::ErrorCode;
use protocol::ws::EndReason;

use super::*;
use crate::state::Problem;

fn recording(s: &ConsoleState) -> Recording {
    s.tab(SessionId(1)).unwrap().recording
}

#[test]
fn record_needs_a_live_picture_and_follows_the_upload() {
    let mut s = signed_in();
    started(&mut s, 1, "Ann");
    let id = SessionId(1);
    assert!(!s.tab(id).unwrap().can_record(), "no picture yet");
    s.apply(Action::Tab(id, TabAction::Video(true)));
    assert!(s.tab(id).unwrap().can_record());

    s.apply(Action::Tab(id, TabAction::RecordingStarting));
    assert_eq!(recording(&s), Recording::Starting);
    assert!(!s.tab(id).unwrap().can_record(), "one recording at a time");
    s.apply(Action::Tab(id, TabAction::RecordingOn));
    assert_eq!(recording(&s), Recording::On);

    // The server finished it by itself.
    server(
        &mut s,
        ServerMessage::Recording {
            session: id,
            active: false,
        },
    );
    assert_eq!(recording(&s), Recording::Off);
    // A late "on" does not bring it back.
    s.apply(Action::Tab(id, TabAction::RecordingOn));
    assert_eq!(recording(&s), Recording::Off);
}

#[test]
fn a_refusal_is_shown_until_the_next_try_and_outlives_the_end() {
    let mut s = signed_in();
    started(&mut s, 1, "Ann");
    let id = SessionId(1);
    s.apply(Action::Tab(id, TabAction::Video(true)));
    s.apply(Action::Tab(id, TabAction::RecordingStarting));
    s.apply(Action::Tab(id, TabAction::RecordingOn));
    let too_large = Problem::code(ErrorCode::RecordingTooLarge);
    s.apply(Action::Tab(id, TabAction::RecordingFailed(too_large)));
    assert_eq!(recording(&s), Recording::Failed(too_large));
    // The server's "stopped" that follows keeps the reason on screen.
    s.apply(Action::Tab(id, TabAction::RecordingOff));
    assert_eq!(recording(&s), Recording::Failed(too_large));
    assert!(s.tab(id).unwrap().can_record(), "may try again");

    server(
        &mut s,
        ServerMessage::Ended {
            session: id,
            reason: EndReason::CustomerLeft,
        },
    );
    assert_eq!(recording(&s), Recording::Failed(too_large));
    assert!(!s.tab(id).unwrap().can_record());
}
