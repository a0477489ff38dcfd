//! Every string a person sees, in English, Norwegian (bokmål) and Russian.
//!
//! Each language is one [`Texts`] value in its own file, so a translator
//! edits one file and the compiler checks that no string is missing.
//! Strings that carry values use named placeholders (`{name}`, `{time}`),
//! filled by [`fill`]; a unit test checks every language uses the same ones.

mod en;
mod nb;
mod ru;

use protocol::ErrorCode;
use protocol::ws::EndReason;

use crate::state::Problem;

/// A language the app is translated into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    Nb,
    Ru,
}

impl Lang {
    /// Every language, in the order the switcher lists them.
    pub const ALL: [Lang; 3] = [Lang::En, Lang::Nb, Lang::Ru];

    /// The BCP 47 tag, for `<html lang>` and for remembering the choice.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Nb => "nb",
            Lang::Ru => "ru",
        }
    }

    /// The language's name in itself, as the switcher shows it.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Nb => "Norsk (bokmål)",
            Lang::Ru => "Русский",
        }
    }

    /// Reads one language tag such as `nb-NO` or `ru`. Norwegian without a
    /// written standard (`no`) and nynorsk readers get bokmål: it is what
    /// they read every day, and far closer than English.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "nb" | "no" | "nn" => Some(Lang::Nb),
            "ru" => Some(Lang::Ru),
            _ => None,
        }
    }

    /// Picks the first language the browser prefers that we have, else English.
    pub fn negotiate<'a>(preferred: impl IntoIterator<Item = &'a str>) -> Lang {
        preferred
            .into_iter()
            .find_map(Lang::from_tag)
            .unwrap_or(Lang::En)
    }

    /// This language's strings.
    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::En => &en::TEXTS,
            Lang::Nb => &nb::TEXTS,
            Lang::Ru => &ru::TEXTS,
        }
    }
}

/// Replaces each `{key}` in `template` with its value.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (key, value) in values {
        out = out.replace(&format!("{{{key}}}"), value);
    }
    out
}

/// All strings of one language. Field names say where the string appears.
#[derive(Debug)]
pub struct Texts {
    // Shared
    pub app_name: &'static str,
    pub language: &'static str,
    pub loading: &'static str,
    pub you: &'static str,

    // Customer page: the form
    pub customer_title: &'static str,
    pub customer_intro: &'static str,
    pub pin_label: &'static str,
    pub pin_hint: &'static str,
    pub name_label: &'static str,
    pub connect: &'static str,
    pub connecting: &'static str,
    pub privacy_note: &'static str,

    // Customer page: the session
    pub waiting_for_technician: &'static str,
    /// `{name}`: the technician.
    pub waiting_detail: &'static str,
    /// `{name}`: the technician.
    pub connected_to: &'static str,
    pub direct_connecting: &'static str,
    pub direct_connected: &'static str,
    pub direct_interrupted: &'static str,
    pub direct_failed: &'static str,
    pub disconnect: &'static str,
    pub connect_again: &'static str,
    pub session_over: &'static str,

    // Customer page: consent and sharing
    /// `{name}`: the technician.
    pub consent_title: &'static str,
    /// `{name}`: the technician.
    pub consent_body: &'static str,
    /// `{name}`: the technician.
    pub consent_camera_body: &'static str,
    /// `{time}`: minutes and seconds left.
    pub consent_countdown: &'static str,
    pub allow: &'static str,
    pub deny: &'static str,
    /// `{name}`: the technician.
    pub sharing_screen: &'static str,
    /// `{name}`: the technician.
    pub sharing_camera: &'static str,
    pub sharing_starting: &'static str,
    pub stop_sharing: &'static str,
    /// `{name}`: the technician.
    pub preview_label: &'static str,

    // Customer page: what happened, in the transcript
    /// `{name}`: the technician.
    pub notice_allowed: &'static str,
    /// `{name}`: the technician.
    pub notice_denied: &'static str,
    pub notice_timed_out: &'static str,
    pub notice_stopped: &'static str,
    pub notice_share_failed: &'static str,

    // Errors for the customer's form
    pub err_pin_empty: &'static str,
    pub err_pin_malformed: &'static str,
    pub err_pin_unknown: &'static str,
    pub err_pin_expired: &'static str,
    pub err_pin_used: &'static str,
    pub err_pin_superseded: &'static str,
    pub err_rate_limited: &'static str,
    /// `{secs}`: seconds to wait.
    pub err_rate_limited_secs: &'static str,
    /// The server is at a capacity limit.
    pub err_server_busy: &'static str,
    /// Too many connections from the customer's network.
    pub err_too_many_connections: &'static str,
    pub err_name_required: &'static str,
    pub err_too_long: &'static str,
    pub err_server_unreachable: &'static str,
    /// The server refused this page's origin: a setup mistake to report.
    pub err_forbidden_origin: &'static str,
    pub err_generic: &'static str,

    // How a session ended, as the customer reads it (`{name}`: technician)
    pub end_customer_left_c: &'static str,
    pub end_technician_left_c: &'static str,
    pub end_customer_disconnected_c: &'static str,
    pub end_technician_disconnected_c: &'static str,
    pub end_server_stopped_c: &'static str,

    // How a session ended, as the technician reads it (`{name}`: customer)
    pub end_customer_left_t: &'static str,
    pub end_technician_left_t: &'static str,
    pub end_customer_disconnected_t: &'static str,
    pub end_technician_disconnected_t: &'static str,
    pub end_server_stopped_t: &'static str,

    // Chat
    pub chat_title: &'static str,
    pub message_label: &'static str,
    pub message_placeholder: &'static str,
    pub send: &'static str,
    pub chat_empty: &'static str,

    // Console: signing in
    pub console_title: &'static str,
    pub sign_in_title: &'static str,
    pub username: &'static str,
    pub password: &'static str,
    pub sign_in: &'static str,
    pub signing_in: &'static str,
    pub sign_out: &'static str,
    pub err_invalid_credentials: &'static str,
    pub err_not_signed_in: &'static str,

    // Console: the server link
    pub link_online: &'static str,
    pub link_connecting: &'static str,
    pub link_offline: &'static str,

    // Console: PIN card
    pub pin_card_title: &'static str,
    pub new_pin: &'static str,
    pub creating_pin: &'static str,
    /// `{time}`: clock time.
    pub pin_valid_until: &'static str,
    pub pin_expired: &'static str,
    /// `{name}`: the customer.
    pub pin_used_by: &'static str,
    pub desktop_link: &'static str,
    pub copy_link: &'static str,
    pub copied: &'static str,
    pub copy_failed: &'static str,
    pub qr_label: &'static str,
    pub another_pin: &'static str,
    pub pin_notes: &'static str,
    pub pin_notes_hint: &'static str,
    /// Saving the notes: the PIN is not this technician's (`pin_unknown`).
    pub pin_notes_unknown: &'static str,
    /// Saving the notes: the PIN expired or was replaced unused (`out_of_order`).
    pub pin_notes_stale: &'static str,
    /// Saving the notes: `{max}`: the most characters notes may have.
    pub pin_notes_too_long: &'static str,

    // Console: queue
    pub queue_title: &'static str,
    pub queue_empty: &'static str,
    pub status_waiting: &'static str,
    pub status_active: &'static str,
    pub status_ended: &'static str,
    pub start_session: &'static str,
    pub open_session: &'static str,
    /// `{time}`: how long, as minutes and seconds.
    pub waited_for: &'static str,
    /// `{digits}`: last two digits of the PIN.
    pub pin_suffix: &'static str,

    // Console: session tabs and view
    pub overview_tab: &'static str,
    pub sessions_nav: &'static str,
    pub close_tab: &'static str,
    pub request_screen: &'static str,
    pub screen_asked: &'static str,
    pub screen_allowed: &'static str,
    /// `{name}`: the customer.
    pub screen_denied: &'static str,
    /// `{name}`: the customer.
    pub screen_timed_out: &'static str,
    /// `{name}`: the customer.
    pub screen_stopped: &'static str,
    /// `{name}`: the customer.
    pub screen_live: &'static str,
    /// `{name}`: the customer.
    pub screen_allowed_notice: &'static str,
    pub no_video: &'static str,
    pub view_fit: &'static str,
    pub view_actual: &'static str,
    pub view_fullscreen: &'static str,
    pub connection: &'static str,
    pub quality: &'static str,
    pub peer_new: &'static str,
    pub peer_connecting: &'static str,
    pub peer_connected: &'static str,
    pub peer_disconnected: &'static str,
    pub peer_failed: &'static str,
    pub peer_closed: &'static str,
    pub session_notes: &'static str,
    pub save: &'static str,
    pub saving: &'static str,
    pub saved: &'static str,
    pub save_failed: &'static str,
    pub end_session: &'static str,
    pub session_ended_title: &'static str,

    // Console: overview
    pub overview_title: &'static str,
    pub overview_intro: &'static str,
    pub reports_title: &'static str,
    pub reports_empty: &'static str,
    pub reports_failed: &'static str,
    pub col_customer: &'static str,
    pub col_started: &'static str,
    pub col_duration: &'static str,
    pub col_outcome: &'static str,
    pub col_notes: &'static str,
    pub refresh: &'static str,
}

impl Texts {
    /// The sentence for a server error code, for the customer's form.
    pub fn error(&self, code: ErrorCode, retry_after_secs: Option<u64>) -> String {
        let s = match code {
            ErrorCode::PinEmpty => self.err_pin_empty,
            ErrorCode::PinMalformed => self.err_pin_malformed,
            ErrorCode::PinUnknown => self.err_pin_unknown,
            ErrorCode::PinExpired => self.err_pin_expired,
            ErrorCode::PinUsed => self.err_pin_used,
            ErrorCode::PinSuperseded => self.err_pin_superseded,
            ErrorCode::RateLimited => {
                return match retry_after_secs {
                    Some(secs) if secs > 0 => {
                        fill(self.err_rate_limited_secs, &[("secs", &secs.to_string())])
                    }
                    _ => self.err_rate_limited.to_owned(),
                };
            }
            ErrorCode::NameRequired => self.err_name_required,
            ErrorCode::TooLong => self.err_too_long,
            ErrorCode::InvalidCredentials => self.err_invalid_credentials,
            ErrorCode::NotSignedIn => self.err_not_signed_in,
            ErrorCode::ForbiddenOrigin => self.err_forbidden_origin,
            ErrorCode::ServerBusy => self.err_server_busy,
            ErrorCode::TooManyConnections => self.err_too_many_connections,
            _ => self.err_generic,
        };
        s.to_owned()
    }

    /// The sentence for a [`Problem`].
    pub fn problem(&self, problem: &Problem) -> String {
        match problem {
            Problem::Refused {
                code,
                retry_after_secs,
            } => self.error(*code, *retry_after_secs),
            Problem::Unreachable => self.err_server_unreachable.to_owned(),
        }
    }

    /// Why the PIN card's notes were not saved.
    pub fn pin_notes_problem(&self, problem: &Problem) -> String {
        let code = match problem {
            Problem::Refused { code, .. } => Some(*code),
            Problem::Unreachable => None,
        };
        match code {
            Some(ErrorCode::PinUnknown) => self.pin_notes_unknown.to_owned(),
            Some(ErrorCode::OutOfOrder) => self.pin_notes_stale.to_owned(),
            Some(ErrorCode::TooLong) => fill(
                self.pin_notes_too_long,
                &[("max", &protocol::limits::MAX_NOTES_CHARS.to_string())],
            ),
            _ => self.save_failed.to_owned(),
        }
    }

    /// Why a session ended, told to the customer; `technician` is named.
    pub fn ended_for_customer(&self, reason: EndReason, technician: &str) -> String {
        let template = match reason {
            EndReason::CustomerLeft => self.end_customer_left_c,
            EndReason::TechnicianLeft => self.end_technician_left_c,
            EndReason::CustomerDisconnected => self.end_customer_disconnected_c,
            EndReason::TechnicianDisconnected => self.end_technician_disconnected_c,
            EndReason::ServerStopped => self.end_server_stopped_c,
        };
        fill(template, &[("name", technician)])
    }

    /// Why a session ended, told to the technician; `customer` is named.
    pub fn ended_for_technician(&self, reason: EndReason, customer: &str) -> String {
        let template = match reason {
            EndReason::CustomerLeft => self.end_customer_left_t,
            EndReason::TechnicianLeft => self.end_technician_left_t,
            EndReason::CustomerDisconnected => self.end_customer_disconnected_t,
            EndReason::TechnicianDisconnected => self.end_technician_disconnected_t,
            EndReason::ServerStopped => self.end_server_stopped_t,
        };
        fill(template, &[("name", customer)])
    }

    /// Every string with its field name, for the consistency tests.
    #[cfg(test)]
    fn all(&self) -> Vec<(&'static str, &'static str)> {
        // Debug output lists fields in declaration order as `name: "value"`;
        // parsing it keeps this list from going stale as fields are added.
        let debug = format!("{self:#?}");
        debug
            .lines()
            .filter_map(|line| {
                let (name, value) = line.trim().split_once(": ")?;
                let value = value.trim_end_matches(',');
                let value: String = serde_json::from_str(value).ok()?;
                Some((
                    &*Box::leak(name.to_owned().into_boxed_str()),
                    &*Box::leak(value.into_boxed_str()),
                ))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
