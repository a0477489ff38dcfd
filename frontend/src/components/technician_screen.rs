//! The technician's own screen on the customer's page, under a label that
//! says whose it is, with Close. Shown only while the technician shows it
//! and the customer has not closed it.

use web_sys::MediaStream;
use yew::prelude::*;

use crate::components::video_view::VideoView;
use crate::i18n::{fill, use_texts};

#[derive(Properties, PartialEq)]
pub struct TechnicianScreenProps {
    /// Who is showing: the label names them.
    pub technician: AttrValue,
    /// The picture, once it arrived.
    pub stream: Option<MediaStream>,
    pub on_close: Callback<()>,
}

#[component]
pub fn TechnicianScreen(props: &TechnicianScreenProps) -> Html {
    let t = use_texts();
    let label = fill(t.shown_label, &[("name", &props.technician)]);
    let onclick = {
        let cb = props.on_close.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    html! {
        <section id="technician-screen" class="technician-screen" aria-labelledby="technician-screen-label">
            <div class="technician-screen-head">
                <p id="technician-screen-label" class="technician-screen-label">{ label.clone() }</p>
                <button id="close-technician-screen" type="button" class="button secondary small" {onclick}>
                    { t.shown_close }
                </button>
            </div>
            <VideoView id="technician-video" class="technician-video" stream={props.stream.clone()}
                {label} />
        </section>
    }
}
