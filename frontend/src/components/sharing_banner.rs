//! The banner the customer sees for as long as anything is shared: who can
//! see what, and one button to stop.

use yew::prelude::*;

use crate::i18n::fill;
use crate::i18n::use_texts;
use crate::state::customer::ShareKind;

#[derive(Properties, PartialEq)]
pub struct SharingBannerProps {
    pub technician: AttrValue,
    pub kind: ShareKind,
    pub on_stop: Callback<()>,
}

#[component]
pub fn SharingBanner(props: &SharingBannerProps) -> Html {
    let t = use_texts();
    let text = match props.kind {
        ShareKind::Screen => t.sharing_screen,
        ShareKind::Camera => t.sharing_camera,
    };
    let onclick = {
        let cb = props.on_stop.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    html! {
        <div id="sharing-banner" class="sharing-banner" role="status">
            <span class="live-dot" aria-hidden="true"></span>
            <span class="sharing-text">{ fill(text, &[("name", props.technician.as_str())]) }</span>
            <button id="stop-sharing" type="button" class="button danger" {onclick}>
                { t.stop_sharing }
            </button>
        </div>
    }
}
