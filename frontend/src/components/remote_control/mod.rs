//! Remote control in a console tab: one status line about the Lifeline
//! Helper, and once it is in, View only / Control, its screen ([`screen`])
//! and the tools beside it ([`tools`]: special keys, monitors, clipboard).
//! Every click goes out as one [`ControlClick`]; the callback answers
//! whether the event was used, so the screen can keep the console's page
//! from acting on keys and wheels meant for the customer's computer.

mod screen;
mod tools;

use std::rc::Rc;

use web_sys::MediaStream;
use yew::prelude::*;

use crate::components::session_view::peer_label;
use crate::i18n::{Texts, fill, use_texts};
use crate::remote::ControlClick;
use crate::state::PeerStatus;
use crate::state::console::{Permission, RemoteControl};
use crate::state::control::Helper;
use screen::HelperScreen;
use tools::ControlTools;

#[derive(Properties, PartialEq)]
pub struct RemoteControlProps {
    pub control: Rc<RemoteControl>,
    /// The customer's name, for the status line.
    pub customer: AttrValue,
    pub stream: Option<MediaStream>,
    pub on_click: Callback<ControlClick, bool>,
}

/// The `.helper-status` line; `None` while there is nothing to say.
pub fn helper_status(t: &Texts, control: &RemoteControl, customer: &str) -> Option<String> {
    let t = t.control;
    let line = match (&control.helper, control.permission) {
        (Helper::Unavailable(detail), _) => {
            return Some(fill(
                t.helper_unavailable_t,
                &[("name", customer), ("detail", detail)],
            ));
        }
        (Helper::Joined, Permission::Allowed) => t.helper_connected_t,
        (_, Permission::Asked) => t.asked_t,
        (_, Permission::Allowed) => t.waiting_for_helper_t,
        (Helper::Left, Permission::Idle) => t.helper_left_t,
        (_, Permission::Idle) => return None,
    };
    Some(fill(line, &[("name", customer)]))
}

#[component]
pub fn RemoteControlPanel(props: &RemoteControlProps) -> Html {
    let texts = use_texts();
    let t = texts.control;
    let control = &props.control;
    let Some(status) = helper_status(texts, control, &props.customer) else {
        return html! {};
    };
    let mode_button = |controlling: bool, id: &'static str, label: &'static str| {
        let cb = props.on_click.clone();
        html! {
            <button {id} type="button" class="button secondary small"
                aria-pressed={(control.controlling == controlling).to_string()}
                onclick={Callback::from(move |_: MouseEvent| { cb.emit(ControlClick::Mode(controlling)); })}>
                { label }
            </button>
        }
    };
    let tone = match control.helper {
        Helper::Joined if control.peer == PeerStatus::Failed => "bad",
        Helper::Joined => "ok",
        Helper::Unavailable(_) | Helper::Left => "bad",
        Helper::Absent => "neutral",
    };
    html! {
        <section class="remote-control" aria-label={t.request_control}>
            <p class={classes!("helper-status", tone)} role="status">
                { status }
                if control.helper_in() {
                    { " " }
                    <span class="helper-peer">
                        { texts.connection }{ ": " }{ peer_label(texts, control.peer) }
                    </span>
                }
            </p>
            if control.helper_in() {
                <div class="control-modes" role="group">
                    { mode_button(false, "control-mode-view", t.mode_view) }
                    { mode_button(true, "control-mode-control", t.mode_control) }
                </div>
                <HelperScreen stream={props.stream.clone()} controlling={control.controlling}
                    label={fill(t.helper_screen_label, &[("name", &props.customer)])}
                    on_click={props.on_click.clone()} />
                <ControlTools control={control.clone()} on_click={props.on_click.clone()} />
            }
        </section>
    }
}
