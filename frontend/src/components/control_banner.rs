//! The customer's banner while the technician is connected through the
//! Lifeline Helper: who is controlling (or only watching) the computer,
//! and Stop control, always in sight like the sharing banner.

use yew::prelude::*;

use crate::i18n::{fill, use_texts};

#[derive(Properties, PartialEq)]
pub struct ControlBannerProps {
    pub technician: AttrValue,
    /// Control (`true`) or View only.
    pub controlling: bool,
    pub on_stop: Callback<()>,
}

#[component]
pub fn ControlBanner(props: &ControlBannerProps) -> Html {
    let t = &use_texts().control;
    let line = if props.controlling {
        t.banner_controlling
    } else {
        t.banner_viewing
    };
    let stop = props.on_stop.reform(|_: MouseEvent| ());
    html! {
        <div id="control-banner" class={classes!("control-banner", props.controlling.then_some("controlling"))}
            role="status">
            <span class="control-dot" aria-hidden="true"></span>
            <span class="control-text">{ fill(line, &[("name", &props.technician)]) }</span>
            <button id="stop-control" type="button" class="button danger" onclick={stop}>
                { t.stop_control }
            </button>
        </div>
    }
}
