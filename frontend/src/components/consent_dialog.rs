//! The customer's consent dialog: who asks, what they will see (or, for
//! remote control, that a small program must run), Allow or Deny, and
//! how long until silence counts as Deny. Escape denies, since
//! the safe answer must always be the easy one.

use protocol::ws::ConsentScope;
use yew::prelude::*;

use crate::browser;
use crate::components::use_now;
use crate::format::{minutes_seconds, secs_until};
use crate::i18n::fill;
use crate::i18n::use_texts;
use crate::state::customer::ShareKind;

#[derive(Properties, PartialEq)]
pub struct ConsentDialogProps {
    pub technician: AttrValue,
    /// What is asked: screen view or remote control.
    pub scope: ConsentScope,
    /// Local Unix ms when the request lapses.
    pub deadline_ms: f64,
    /// What Allow shares on this device.
    pub kind: ShareKind,
    pub on_answer: Callback<bool>,
    /// The countdown reached zero.
    pub on_expired: Callback<()>,
}

#[component]
pub fn ConsentDialog(props: &ConsentDialogProps) -> Html {
    let t = use_texts();
    let now = use_now(500);
    let left = secs_until(props.deadline_ms, now);

    {
        let on_expired = props.on_expired.clone();
        use_effect_with(left == 0, move |expired| {
            if *expired {
                on_expired.emit(());
            }
        });
    }
    // Move focus into the dialog so keyboard and screen-reader users are
    // told at once; onto Deny, the answer that shares nothing.
    use_effect_with((), |_| browser::focus("deny"));

    let name = props.technician.as_str();
    let (title, body) = match (props.scope, props.kind) {
        (ConsentScope::RemoteControl, _) => (t.control.consent_title_c, t.control.consent_body_c),
        (ConsentScope::ScreenView, ShareKind::Screen) => (t.consent_title, t.consent_body),
        (ConsentScope::ScreenView, ShareKind::Camera) => (t.consent_title, t.consent_camera_body),
    };
    let body = fill(body, &[("name", name)]);
    let allow = {
        let cb = props.on_answer.clone();
        Callback::from(move |_: MouseEvent| cb.emit(true))
    };
    let deny = {
        let cb = props.on_answer.clone();
        Callback::from(move |_: MouseEvent| cb.emit(false))
    };
    let onkeydown = {
        let cb = props.on_answer.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                cb.emit(false);
            }
        })
    };

    html! {
        <div class="backdrop">
            <div
                id="consent"
                class="dialog"
                role="alertdialog"
                aria-modal="true"
                aria-labelledby="consent-title"
                aria-describedby="consent-body"
                {onkeydown}
            >
                <h2 id="consent-title">{ fill(title, &[("name", name)]) }</h2>
                <p id="consent-body">{ body }</p>
                <p class="countdown">
                    { fill(t.consent_countdown, &[("time", &minutes_seconds(left))]) }
                </p>
                <div class="dialog-actions">
                    <button id="deny" type="button" class="button secondary large" onclick={deny}>
                        { t.deny }
                    </button>
                    <button id="allow" type="button" class="button primary large" onclick={allow}>
                        { t.allow }
                    </button>
                </div>
            </div>
        </div>
    }
}
