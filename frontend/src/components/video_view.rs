//! A `<video>` showing a `MediaStream`: the technician's view of the
//! customer's screen, and the customer's preview of what is shared.

use wasm_bindgen_futures::{JsFuture, spawn_local};
use web_sys::{HtmlMediaElement, MediaStream};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct VideoViewProps {
    pub stream: Option<MediaStream>,
    #[prop_or_default]
    pub id: Option<AttrValue>,
    #[prop_or_default]
    pub class: Classes,
    /// Accessible name: a video has no text of its own.
    pub label: AttrValue,
}

/// Shows `stream` (or nothing) in a video element, muted and playing.
pub fn play(el: &HtmlMediaElement, stream: Option<&MediaStream>) {
    // The `muted` attribute only sets the default on elements the
    // parser did not create; autoplay needs the property.
    el.set_muted(true);
    el.set_src_object(stream);
    if let Some(playing) = stream.and_then(|_| el.play().ok()) {
        // Autoplay of muted video is allowed everywhere; the promise
        // fails only when a newer stream replaces this one first.
        // Awaiting it keeps that out of the console.
        spawn_local(async move {
            let _ = JsFuture::from(playing).await;
        });
    }
}

#[component]
pub fn VideoView(props: &VideoViewProps) -> Html {
    let video = use_node_ref();
    {
        let video = video.clone();
        use_effect_with(props.stream.clone(), move |stream| {
            if let Some(el) = video.cast::<HtmlMediaElement>() {
                play(&el, stream.as_ref());
            }
        });
    }
    html! {
        <video
            ref={video}
            id={props.id.clone()}
            class={props.class.clone()}
            aria-label={props.label.clone()}
            autoplay=true
            muted=true
            playsinline=true
        />
    }
}
