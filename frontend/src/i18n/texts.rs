//! [`Texts`]: every string of one language, one field each, and the
//! sentences built from them for errors and endings.

use protocol::ErrorCode;
use protocol::ws::EndReason;

use super::fill;
use crate::state::Problem;

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
    /// While the server says the session is recorded.
    pub recording_banner: &'static str,
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
    pub record: &'static str,
    pub stop_recording: &'static str,
    pub recording_starting: &'static str,
    pub recording_on: &'static str,
    /// `{reason}`: why the recording stopped or did not start.
    pub recording_failed: &'static str,
    pub err_recording_too_large: &'static str,
    pub err_too_many_recordings: &'static str,

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
    pub col_recording: &'static str,
    /// `{time}`: the recording's length; `{size}`: its size.
    pub recorded: &'static str,
    pub recording_in_progress: &'static str,
    pub play: &'static str,
    pub download: &'static str,
    pub col_transfers: &'static str,

    // Files and text, on both pages
    pub files: &'static super::files::FileTexts,
    // Remote control, on both pages
    pub control: &'static super::control::ControlTexts,

    // Showing the technician's screen to the customer, and chat subtitles
    /// `{name}`: the technician. Above the technician's screen on the customer's page.
    pub shown_label: &'static str,
    pub shown_close: &'static str,
    /// `{name}`: the technician.
    pub notice_shown: &'static str,
    /// `{name}`: the technician.
    pub notice_shown_stopped: &'static str,
    /// `{name}`: the technician.
    pub notice_shown_closed: &'static str,
    pub show_screen: &'static str,
    pub stop_showing: &'static str,
    pub showing_starting: &'static str,
    /// `{name}`: the customer.
    pub showing_on: &'static str,
    pub notice_showing: &'static str,
    pub notice_showing_stopped: &'static str,
    /// `{name}`: the customer.
    pub notice_showing_closed: &'static str,
    pub notice_showing_failed: &'static str,
    /// `{from}`, `{to}`: clock times. A report's stretch of showing one's own screen.
    pub report_shown: &'static str,
    /// `{from}`: a clock time.
    pub report_shown_open: &'static str,
    /// `{from}`, `{to}`: clock times. A report's stretch of remote control.
    pub report_controlled: &'static str,
    /// `{from}`: a clock time.
    pub report_controlled_open: &'static str,
    pub subtitles: &'static str,
    pub subtitles_track: &'static str,
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
            ErrorCode::RecordingTooLarge => self.err_recording_too_large,
            ErrorCode::TooManyRecordings => self.err_too_many_recordings,
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
    pub(super) fn all(&self) -> Vec<(&'static str, &'static str)> {
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
