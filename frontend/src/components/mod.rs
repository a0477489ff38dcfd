//! The pieces both pages are built from. Each takes its data and callbacks
//! as props and keeps no session state of its own beyond what it draws
//! (a text box's draft, a countdown's clock).

pub mod chat;
pub mod consent_dialog;
pub mod control_banner;
pub mod helper_offer;
pub mod lang_switch;
pub mod pin_card;
pub mod queue;
pub mod remote_control;
pub mod reports;
pub mod session_files;
pub mod session_view;
pub mod shared_text;
pub mod sharing_banner;
pub mod sign_in;
pub mod technician_screen;
pub mod transfers;
pub mod video_view;

use gloo::timers::callback::Interval;
use yew::prelude::*;

use crate::browser;

/// How long typing in a notes field may pause before it saves by itself.
pub const NOTES_SAVE_DELAY_MS: u32 = 1500;

/// The browser's clock, refreshed every `period_ms`, for countdowns and
/// "waiting for" times that must tick without any other change.
#[hook]
pub fn use_now(period_ms: u32) -> f64 {
    let now = use_state(browser::now_ms);
    {
        let now = now.setter();
        use_effect_with(period_ms, move |period| {
            let ticker = Interval::new(*period, move || now.set(browser::now_ms()));
            move || drop(ticker)
        });
    }
    *now
}
