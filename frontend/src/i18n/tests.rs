//! Every language has every string, with the same placeholders; the
//! sentences the end-to-end tests look for stay as they expect.

use protocol::ErrorCode;
use protocol::ws::EndReason;

use super::*;
use crate::state::Problem;

fn placeholders(s: &str) -> Vec<String> {
    let mut found: Vec<String> = s
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(key, _)| key.to_owned()))
        .collect();
    found.sort();
    found.dedup();
    found
}

#[test]
fn browser_languages_pick_ours_or_english() {
    assert_eq!(Lang::negotiate(["nb-NO", "en"]), Lang::Nb);
    assert_eq!(Lang::negotiate(["no"]), Lang::Nb);
    assert_eq!(Lang::negotiate(["nn-NO"]), Lang::Nb);
    assert_eq!(Lang::negotiate(["de-DE", "ru-RU", "en"]), Lang::Ru);
    assert_eq!(Lang::negotiate(["fr"]), Lang::En);
    assert_eq!(Lang::negotiate([]), Lang::En);
    assert_eq!(Lang::negotiate(["EN_gb"]), Lang::En);
}

#[test]
fn tags_round_trip() {
    for lang in Lang::ALL {
        assert_eq!(Lang::from_tag(lang.tag()), Some(lang));
    }
}

#[test]
fn fill_replaces_every_placeholder() {
    assert_eq!(
        fill(
            "{name} and {name} at {time}",
            &[("name", "Tess"), ("time", "10:00")]
        ),
        "Tess and Tess at 10:00"
    );
}

#[test]
fn every_language_has_every_string_with_the_same_placeholders() {
    let english = Lang::En.texts().all();
    assert!(
        english.len() > 100,
        "the parser saw {} strings",
        english.len()
    );
    for lang in [Lang::Nb, Lang::Ru] {
        let other = lang.texts().all();
        assert_eq!(other.len(), english.len(), "{lang:?}");
        for ((name, en_value), (other_name, value)) in english.iter().zip(&other) {
            assert_eq!(name, other_name);
            assert!(!value.trim().is_empty(), "{lang:?}.{name} is empty");
            assert_eq!(
                placeholders(en_value),
                placeholders(value),
                "{lang:?}.{name} has other placeholders"
            );
        }
    }
    for (name, value) in &english {
        assert!(!value.trim().is_empty(), "en.{name} is empty");
    }
}

#[test]
fn the_stable_english_labels_stay_as_the_tests_expect() {
    let t = Lang::En.texts();
    assert_eq!(t.pin_label, "PIN");
    assert_eq!(t.name_label, "Your name");
    assert_eq!(t.connect, "Connect");
    assert_eq!(t.waiting_for_technician, "Waiting for technician…");
    assert_eq!(
        fill(t.connected_to, &[("name", "tess")]),
        "Connected to tess"
    );
    assert_eq!(t.allow, "Allow");
    assert_eq!(t.deny, "Deny");
    assert_eq!(t.stop_sharing, "Stop sharing");
    assert_eq!(t.disconnect, "Disconnect");
    assert_eq!(t.message_label, "Message");
    assert_eq!(t.send, "Send");
    assert_eq!(t.username, "Username");
    assert_eq!(t.password, "Password");
    assert_eq!(t.sign_in, "Sign in");
    assert_eq!(t.sign_out, "Sign out");
    assert_eq!(t.new_pin, "New PIN");
    assert_eq!(t.copy_link, "Copy link");
    assert_eq!(t.another_pin, "Create another PIN");
    assert_eq!(t.start_session, "Start session");
    assert_eq!(t.request_screen, "Request screen view");
    assert_eq!(t.end_session, "End session");
    assert_eq!(t.console_title, "Lifeline console");
}

#[test]
fn each_pin_error_has_its_own_sentence() {
    for lang in Lang::ALL {
        let t = lang.texts();
        let codes = [
            ErrorCode::PinEmpty,
            ErrorCode::PinMalformed,
            ErrorCode::PinUnknown,
            ErrorCode::PinExpired,
            ErrorCode::PinUsed,
            ErrorCode::PinSuperseded,
            ErrorCode::RateLimited,
            ErrorCode::NameRequired,
            ErrorCode::TooLong,
        ];
        let mut sentences: Vec<String> = codes.iter().map(|c| t.error(*c, None)).collect();
        sentences.sort();
        sentences.dedup();
        assert_eq!(sentences.len(), codes.len(), "{lang:?}");
    }
    let t = Lang::En.texts();
    assert!(t.error(ErrorCode::RateLimited, Some(30)).contains("30"));
}

#[test]
fn pin_notes_problems_each_have_a_sentence() {
    for lang in Lang::ALL {
        let t = lang.texts();
        let mut sentences: Vec<String> = [
            Problem::code(ErrorCode::PinUnknown),
            Problem::code(ErrorCode::OutOfOrder),
            Problem::code(ErrorCode::TooLong),
            Problem::Unreachable,
        ]
        .iter()
        .map(|p| t.pin_notes_problem(p))
        .collect();
        assert!(sentences[2].contains("4000"), "{lang:?}: {}", sentences[2]);
        assert_eq!(sentences[3], t.save_failed);
        sentences.sort();
        sentences.dedup();
        assert_eq!(sentences.len(), 4, "{lang:?}");
    }
}

#[test]
fn end_reasons_read_differently_per_side() {
    let t = Lang::En.texts();
    assert_eq!(
        t.ended_for_customer(EndReason::TechnicianLeft, "Tess"),
        "Tess ended the session."
    );
    assert_eq!(
        t.ended_for_technician(EndReason::CustomerLeft, "Ann"),
        "Ann ended the session."
    );
    assert_eq!(
        t.ended_for_customer(EndReason::CustomerLeft, "Tess"),
        "You ended the session."
    );
}
