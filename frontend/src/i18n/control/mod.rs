//! The strings of remote control on both pages, one [`ControlTexts`] per
//! language beside the page's [`Texts`](super::Texts), which points to it.

mod en;
mod nb;
mod ru;

pub(super) use en::CONTROL_TEXTS as EN;
pub(super) use nb::CONTROL_TEXTS as NB;
pub(super) use ru::CONTROL_TEXTS as RU;

/// Every string of remote control. `_t` lines are the technician's, `_c`
/// lines the customer's.
#[derive(Debug)]
pub struct ControlTexts {
    // Console
    pub request_control: &'static str,
    /// `{name}`: the customer.
    pub asked_t: &'static str,
    /// `{name}`: the customer.
    pub waiting_for_helper_t: &'static str,
    /// `{name}`: the customer.
    pub helper_connected_t: &'static str,
    pub helper_left_t: &'static str,
    /// `{name}`: the customer; `{detail}`: the helper's own words.
    pub helper_unavailable_t: &'static str,
    /// `{name}`: the customer.
    pub helper_screen_label: &'static str,
    pub mode_view: &'static str,
    pub mode_control: &'static str,
    pub keyboard_hint: &'static str,
    pub release_keyboard: &'static str,
    pub special_keys: &'static str,
    pub key_ctrl_alt_del: &'static str,
    pub key_super: &'static str,
    pub key_alt_tab: &'static str,
    pub key_print_screen: &'static str,
    pub monitor: &'static str,
    pub monitor_primary: &'static str,
    pub clipboard_title: &'static str,
    pub clipboard_push: &'static str,
    pub clipboard_pull: &'static str,
    pub clipboard_sent: &'static str,
    /// `{max}`: the limit in KB.
    pub clipboard_too_long: &'static str,
    /// `{what}`: the request; `{reason}`: the helper's words.
    pub refused: &'static str,
    /// `{name}`: the customer.
    pub notice_allowed_t: &'static str,
    /// `{name}`: the customer.
    pub notice_denied_t: &'static str,
    /// `{name}`: the customer.
    pub notice_timed_out_t: &'static str,
    /// `{name}`: the customer.
    pub notice_stopped_t: &'static str,
    /// `{name}`: the customer.
    pub notice_helper_left_t: &'static str,

    // Customer page
    /// `{name}`: the technician.
    pub consent_title_c: &'static str,
    /// `{name}`: the technician.
    pub consent_body_c: &'static str,
    pub offer_title: &'static str,
    pub step_download: &'static str,
    pub download: &'static str,
    pub step_terminal: &'static str,
    pub step_paste: &'static str,
    pub copy: &'static str,
    pub copied: &'static str,
    pub copy_selected: &'static str,
    /// `{name}`: the technician.
    pub step_back: &'static str,
    /// `{time}`: a clock time.
    pub expires: &'static str,
    pub not_for_this_computer: &'static str,
    /// `{detail}`: the helper's own words.
    pub helper_unavailable_c: &'static str,
    /// `{name}`: the technician.
    pub banner_controlling: &'static str,
    /// `{name}`: the technician.
    pub banner_viewing: &'static str,
    pub stop_control: &'static str,
    /// `{name}`: the technician.
    pub notice_allowed_c: &'static str,
    pub notice_denied_c: &'static str,
    pub notice_timed_out_c: &'static str,
    pub notice_stopped_c: &'static str,
    pub notice_helper_left_c: &'static str,
}
