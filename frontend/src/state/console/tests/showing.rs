//! A tab's own screen shown to the customer: Show my screen only on a
//! live session not showing yet, on once the capture runs, and off with a
//! line in the transcript saying who ended it.

use protocol::ws::EndReason;

use super::*;
use crate::state::Notice;

fn showing(s: &ConsoleState) -> Showing {
    s.tab(SessionId(1)).unwrap().showing
}

fn notices(s: &ConsoleState) -> Vec<Notice> {
    s.tab(SessionId(1)).unwrap().transcript.notices()
}

#[test]
fn show_stop_and_a_cancelled_picker() {
    let mut s = signed_in();
    started(&mut s, 1, "Ann");
    let id = SessionId(1);
    assert!(s.tab(id).unwrap().can_show());
    s.apply(Action::Tab(id, TabAction::ShowStarting));
    assert_eq!(showing(&s), Showing::Starting);
    assert!(!s.tab(id).unwrap().can_show(), "one picker at a time");
    s.apply(Action::Tab(id, TabAction::ShowFailed { at_ms: 1.0 }));
    assert_eq!(showing(&s), Showing::Off);

    s.apply(Action::Tab(id, TabAction::ShowStarting));
    s.apply(Action::Tab(id, TabAction::ShowOn { at_ms: 2.0 }));
    assert_eq!(showing(&s), Showing::On);
    s.apply(Action::Tab(id, TabAction::ShowStopped { at_ms: 3.0 }));
    assert_eq!(showing(&s), Showing::Off);
    // A second stop (the browser's button after ours) adds nothing.
    s.apply(Action::Tab(id, TabAction::ShowStopped { at_ms: 4.0 }));
    assert_eq!(
        notices(&s),
        vec![Notice::ShowFailed, Notice::Shown, Notice::ShownStopped]
    );
}

#[test]
fn the_customer_closing_it_is_said_and_the_end_turns_it_off() {
    let mut s = signed_in();
    started(&mut s, 1, "Ann");
    let id = SessionId(1);
    s.apply(Action::Tab(id, TabAction::ShowStarting));
    s.apply(Action::Tab(id, TabAction::ShowOn { at_ms: 1.0 }));
    s.apply(Action::Tab(id, TabAction::ShowClosed { at_ms: 2.0 }));
    assert_eq!(showing(&s), Showing::Off);
    assert_eq!(notices(&s), vec![Notice::Shown, Notice::ShownClosed]);

    s.apply(Action::Tab(id, TabAction::ShowStarting));
    s.apply(Action::Tab(id, TabAction::ShowOn { at_ms: 3.0 }));
    server(
        &mut s,
        ServerMessage::Ended {
            session: id,
            reason: EndReason::CustomerLeft,
        },
    );
    assert_eq!(showing(&s), Showing::Off);
    assert!(!s.tab(id).unwrap().can_show(), "not after the end");
    // A capture that finishes starting after the end does not count.
    s.apply(Action::Tab(id, TabAction::ShowOn { at_ms: 4.0 }));
    assert_eq!(showing(&s), Showing::Off);
}
