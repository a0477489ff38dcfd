//! Send text, on both pages: a text box and Send text (on the console also
//! Paste from my clipboard, where the browser lets a page read it), and
//! every text sent or received, each with a Copy button that writes it to
//! the clipboard.

use std::rc::Rc;

use protocol::limits::MAX_SHARED_TEXT_CHARS;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::browser;
use crate::i18n::{fill, use_texts};
use crate::state::transfers::Transfers;

#[derive(Properties, PartialEq)]
pub struct SharedTextProps {
    pub transfers: Rc<Transfers>,
    pub peer_name: AttrValue,
    pub enabled: bool,
    /// Offers Paste from my clipboard (the console).
    #[prop_or_default]
    pub can_paste: bool,
    pub on_send: Callback<String>,
}

#[component]
pub fn SharedTextPanel(props: &SharedTextProps) -> Html {
    let t = use_texts().files;
    let draft = use_state(String::new);
    // Which text the last Copy was for, and whether it worked.
    let copied = use_state(|| None::<(usize, bool)>);
    let paste_failed = use_state(|| false);

    let oninput = {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            draft.set(area.value());
        })
    };
    let send = {
        let (draft, cb) = (draft.clone(), props.on_send.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if !draft.trim().is_empty() {
                cb.emit((*draft).clone());
                draft.set(String::new());
            }
        })
    };
    let paste = {
        let (draft, failed) = (draft.clone(), paste_failed.clone());
        Callback::from(move |_: MouseEvent| {
            let (draft, failed) = (draft.clone(), failed.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match browser::paste_text().await {
                    Some(text) => {
                        failed.set(false);
                        draft.set(text);
                    }
                    None => failed.set(true),
                }
            });
        })
    };
    let item = |(index, text): (usize, &crate::state::transfers::SharedText)| {
        let copy = {
            let (copied, body) = (copied.clone(), text.text.clone());
            Callback::from(move |_: MouseEvent| {
                let (copied, body) = (copied.clone(), body.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    let ok = browser::copy_text(&body).await;
                    copied.set(Some((index, ok)));
                });
            })
        };
        let who = if text.mine {
            t.text_mine.to_owned()
        } else {
            fill(t.text_from, &[("name", &props.peer_name)])
        };
        let state = match *copied {
            Some((i, true)) if i == index => t.copied,
            Some((i, false)) if i == index => t.copy_failed,
            _ => "",
        };
        html! {
            <li class="shared-text-item" data-mine={text.mine.to_string()}>
                <span class="shared-text-who muted">{ who }{ " · " }{ browser::clock(text.at_ms) }</span>
                <pre class="shared-text-body">{ text.text.clone() }</pre>
                <button type="button" class="button secondary small copy-text" onclick={copy}>{ t.copy }</button>
                <span class="copy-state" role="status">{ state }</span>
            </li>
        }
    };
    html! {
        <section class="shared-text-panel" aria-labelledby="shared-text-title">
            <h3 id="shared-text-title" class="panel-title">{ t.text_title }</h3>
            <ul class="shared-texts">{ for props.transfers.texts.iter().enumerate().rev().map(item) }</ul>
            if props.enabled {
                <form class="shared-text-form" onsubmit={send}>
                    <label for="shared-text" class="visually-hidden">{ t.text_label }</label>
                    <textarea id="shared-text" rows="3" value={(*draft).clone()} {oninput}
                        maxlength={MAX_SHARED_TEXT_CHARS.to_string()} placeholder={t.text_label} />
                    <div class="shared-text-actions">
                        <button id="send-text" type="submit" class="button primary small"
                            disabled={draft.trim().is_empty()}>{ t.send_text }</button>
                        if props.can_paste && browser::can_read_clipboard() {
                            <button id="paste-text" type="button" class="button secondary small"
                                onclick={paste}>{ t.paste }</button>
                        }
                    </div>
                    if *paste_failed {
                        <p class="field-error" role="alert">{ t.paste_failed }</p>
                    }
                </form>
            }
        </section>
    }
}
