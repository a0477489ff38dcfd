//! The customer's steps to start the Lifeline Helper once remote control
//! is allowed: the download for this computer, the one line to paste into
//! a terminal (with Copy), and until when the download works. A computer
//! the server has no helper for is told so plainly, and that the session
//! goes on.

use web_sys::Element;
use yew::prelude::*;

use crate::browser;
use crate::i18n::{fill, use_texts};
use crate::remote::platform::{pick, run_command};
use crate::state::customer::HelperOffer;

#[derive(Properties, PartialEq)]
pub struct HelperOfferProps {
    pub offer: HelperOffer,
    pub technician: AttrValue,
    /// `navigator.platform` and the user agent, to pick the download.
    pub platform: AttrValue,
    pub user_agent: AttrValue,
}

/// What Copy did.
#[derive(Clone, Copy, PartialEq)]
enum Copied {
    Not,
    Yes,
    /// The page may not write the clipboard: the line is selected instead.
    Selected,
}

#[component]
pub fn HelperOfferPanel(props: &HelperOfferProps) -> Html {
    let t = &use_texts().control;
    let copied = use_state(|| Copied::Not);
    let command_ref = use_node_ref();

    let Some(download) = pick(&props.offer.downloads, &props.platform, &props.user_agent) else {
        return html! {
            <section id="helper-offer" class="helper-offer unavailable" role="status">
                <p>{ t.not_for_this_computer }</p>
            </section>
        };
    };
    let command = run_command(&download.file_name);
    let copy = {
        let (copied, command, command_ref) = (copied.clone(), command.clone(), command_ref.clone());
        Callback::from(move |_: MouseEvent| {
            let (copied, command, command_ref) =
                (copied.clone(), command.clone(), command_ref.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if browser::copy_text(&command).await {
                    copied.set(Copied::Yes);
                } else {
                    if let Some(code) = command_ref.cast::<Element>() {
                        browser::select_text(&code);
                    }
                    copied.set(Copied::Selected);
                }
            });
        })
    };
    let copy_state = match *copied {
        Copied::Not => "",
        Copied::Yes => t.copied,
        Copied::Selected => t.copy_selected,
    };
    let name = props.technician.as_str();
    html! {
        <section id="helper-offer" class="helper-offer" aria-labelledby="helper-offer-title">
            <h2 id="helper-offer-title">{ t.offer_title }</h2>
            <ol class="helper-steps">
                <li>
                    { t.step_download }{ " " }
                    <a id="helper-download" class="button primary" href={download.url.clone()}
                        download={download.file_name.clone()}>
                        { t.download }
                    </a>
                </li>
                <li>{ t.step_terminal }</li>
                <li>
                    { t.step_paste }
                    <div class="helper-command">
                        <code id="helper-command" ref={command_ref}>{ command }</code>
                        <button id="helper-command-copy" type="button" class="button secondary small"
                            onclick={copy}>
                            { t.copy }
                        </button>
                        <span class="copy-state" role="status">{ copy_state }</span>
                    </div>
                </li>
                <li>{ fill(t.step_back, &[("name", name)]) }</li>
            </ol>
            <p class="helper-expires">
                { fill(t.expires, &[("time", &browser::clock(props.offer.expires_ms))]) }
            </p>
        </section>
    }
}
