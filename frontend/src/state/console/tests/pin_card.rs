//! The PIN card: its notes save to the PIN, then to the session it started.

use super::*;

fn issue(s: &mut ConsoleState, pin: &str, request: PinRequest) {
    s.apply(Action::Pin(PinAction::Requested));
    s.apply(Action::Pin(PinAction::Issued {
        pin: pin.into(),
        link: format!("http://x/?code={pin}"),
        expires_at_ms: 1.0,
        request,
    }));
}

fn with_notes(notes: &str) -> PinRequest {
    PinRequest {
        notes: Some(notes.into()),
        replaces: None,
    }
}

fn pin_saved(s: &mut ConsoleState, pin: &str, text: &str, session: Option<i64>) {
    s.apply(Action::Pin(PinAction::NotesSaved {
        pin: pin.into(),
        text: text.into(),
        session: session.map(SessionId),
    }));
}

#[test]
fn pin_card_notes_save_to_the_pin() {
    let mut s = signed_in();
    // Before "New PIN" there is nothing to save to: they go with the request.
    s.apply(Action::Pin(PinAction::EditNotes("printer jams".into())));
    assert_eq!(s.pin.notes_save, Save::Clean);
    s.apply(Action::Pin(PinAction::Requested));
    assert!(s.pin.busy);
    s.apply(Action::Pin(PinAction::Issued {
        pin: "123456".into(),
        link: "http://x/?code=123456".into(),
        expires_at_ms: 1.0,
        request: with_notes("printer jams"),
    }));
    assert!(!s.pin.busy);
    assert_eq!(s.pin.notes_save, Save::Clean);
    assert_eq!(s.pin.notes, "printer jams");

    s.apply(Action::Pin(PinAction::EditNotes(
        "printer jams, vpn".into(),
    )));
    assert_eq!(s.pin.notes_save, Save::Dirty);
    s.apply(Action::Pin(PinAction::NotesSaving {
        pin: "123456".into(),
    }));
    assert_eq!(s.pin.notes_save, Save::Saving);
    s.apply(Action::Pin(PinAction::EditNotes(
        "printer jams, vpn!".into(),
    )));
    pin_saved(&mut s, "123456", "printer jams, vpn", None);
    // More was typed while saving: still needs a save.
    assert_eq!(s.pin.notes_save, Save::Dirty);
    pin_saved(&mut s, "123456", "printer jams, vpn!", None);
    assert_eq!(s.pin.notes_save, Save::Saved);
    let issued = s.pin.issued.as_ref().unwrap();
    assert_eq!((issued.session, issued.used_by.as_deref()), (None, None));
}

#[test]
fn the_server_says_which_session_took_the_notes_not_the_pin_suffix() {
    let mut s = signed_in();
    issue(&mut s, "123456", PinRequest::default());
    // Two customers whose PINs end alike: neither is taken for this one.
    queue(
        &mut s,
        vec![
            entry(10, "Ann", "56", SessionStatus::Waiting),
            entry(11, "Bob", "56", SessionStatus::Waiting),
        ],
    );
    assert_eq!(s.pin.issued.as_ref().unwrap().used_by, None);
    started(&mut s, 10, "Ann");
    started(&mut s, 11, "Bob");

    s.apply(Action::Pin(PinAction::EditNotes("vpn".into())));
    s.apply(Action::Pin(PinAction::NotesSaving {
        pin: "123456".into(),
    }));
    pin_saved(&mut s, "123456", "vpn", Some(11));
    assert_eq!(s.pin.notes_save, Save::Saved);
    let issued = s.pin.issued.as_ref().unwrap();
    assert_eq!(issued.session, Some(SessionId(11)));
    assert_eq!(issued.used_by.as_deref(), Some("Bob"));
    let bob = s.tab(SessionId(11)).unwrap();
    assert_eq!((bob.notes.as_str(), bob.notes_save), ("vpn", Save::Saved));
    assert_eq!(s.tab(SessionId(10)).unwrap().notes, "");
}

#[test]
fn the_pins_customer_is_named_once_the_queue_shows_the_session() {
    let mut s = signed_in();
    issue(&mut s, "123456", PinRequest::default());
    s.apply(Action::Pin(PinAction::EditNotes("vpn".into())));
    // The answer came before the queue did; no tab is open.
    pin_saved(&mut s, "123456", "vpn", Some(12));
    assert_eq!(s.pin.issued.as_ref().unwrap().used_by, None);
    let mut e = entry(12, "Cat", "56", SessionStatus::Waiting);
    e.notes = "vpn".into();
    queue(&mut s, vec![e]);
    assert_eq!(
        s.pin.issued.as_ref().unwrap().used_by.as_deref(),
        Some("Cat")
    );
    // Its tab starts with the notes the server moved to the session.
    started(&mut s, 12, "Cat");
    assert_eq!(s.tab(SessionId(12)).unwrap().notes, "vpn");
}

#[test]
fn a_tab_being_edited_keeps_its_own_newer_text() {
    let mut s = signed_in();
    issue(&mut s, "123456", PinRequest::default());
    started(&mut s, 3, "Ann");
    s.apply(Action::Tab(
        SessionId(3),
        TabAction::EditNotes("typed in the session".into()),
    ));
    pin_saved(&mut s, "123456", "typed on the card", Some(3));
    let tab = s.tab(SessionId(3)).unwrap();
    assert_eq!(tab.notes, "typed in the session");
    assert_eq!(tab.notes_save, Save::Dirty);
}

#[test]
fn session_edits_show_on_the_card_of_the_pin_that_started_it() {
    let mut s = signed_in();
    issue(&mut s, "123456", PinRequest::default());
    started(&mut s, 3, "Ann");
    s.apply(Action::Pin(PinAction::EditNotes("vpn".into())));
    pin_saved(&mut s, "123456", "vpn", Some(3));
    s.apply(Action::Tab(
        SessionId(3),
        TabAction::EditNotes("vpn, driver".into()),
    ));
    assert_eq!(s.pin.notes, "vpn, driver");
    assert_eq!(s.pin.notes_save, Save::Clean);
    // Other sessions' notes stay off the card.
    started(&mut s, 4, "Bob");
    s.apply(Action::Tab(
        SessionId(4),
        TabAction::EditNotes("other".into()),
    ));
    assert_eq!(s.pin.notes, "vpn, driver");
}

#[test]
fn failed_saves_say_why_and_answers_for_replaced_pins_are_ignored() {
    let mut s = signed_in();
    issue(&mut s, "111111", PinRequest::default());
    s.apply(Action::Pin(PinAction::EditNotes("vpn".into())));
    s.apply(Action::Pin(PinAction::NotesSaving {
        pin: "111111".into(),
    }));
    let stale = Problem::code(ErrorCode::OutOfOrder);
    s.apply(Action::Pin(PinAction::NotesFailed {
        pin: "111111".into(),
        problem: stale,
    }));
    assert_eq!(s.pin.notes_save, Save::Failed);
    assert_eq!(s.pin.notes_problem, Some(stale));

    // "Create another PIN" with the notes in the field.
    issue(
        &mut s,
        "222222",
        PinRequest {
            notes: Some("vpn".into()),
            replaces: Some("111111".into()),
        },
    );
    assert_eq!(s.pin.notes_save, Save::Clean);
    assert_eq!(s.pin.notes_problem, None);
    s.apply(Action::Pin(PinAction::NotesSaving {
        pin: "111111".into(),
    }));
    s.apply(Action::Pin(PinAction::NotesFailed {
        pin: "111111".into(),
        problem: stale,
    }));
    pin_saved(&mut s, "111111", "old", None);
    assert_eq!(s.pin.notes_save, Save::Clean);
    assert_eq!(s.pin.notes_problem, None);
}

#[test]
fn a_new_pin_is_in_sync_only_if_it_got_the_fields_text() {
    let mut s = signed_in();
    // Typed while the request ran: the PIN has the older text.
    s.apply(Action::Pin(PinAction::EditNotes("vpn".into())));
    s.apply(Action::Pin(PinAction::Requested));
    s.apply(Action::Pin(PinAction::EditNotes("vpn, printer".into())));
    s.apply(Action::Pin(PinAction::Issued {
        pin: "111111".into(),
        link: String::new(),
        expires_at_ms: 1.0,
        request: with_notes("vpn"),
    }));
    assert_eq!(s.pin.notes_save, Save::Dirty);

    // Replacing with an empty field: the old PIN's notes carry over,
    // which is right only if the empty field had been saved to it.
    s.apply(Action::Pin(PinAction::EditNotes(String::new())));
    pin_saved(&mut s, "111111", "", None);
    let another = |old: &str| PinRequest {
        notes: None,
        replaces: Some(old.into()),
    };
    issue(&mut s, "222222", another("111111"));
    assert_eq!(s.pin.notes_save, Save::Clean);
    s.apply(Action::Pin(PinAction::EditNotes("x".into())));
    s.apply(Action::Pin(PinAction::EditNotes(String::new())));
    issue(&mut s, "333333", another("222222"));
    assert_eq!(s.pin.notes_save, Save::Dirty);

    // A fresh PIN without notes has none.
    issue(&mut s, "444444", PinRequest::default());
    assert_eq!(s.pin.notes_save, Save::Clean);
}
