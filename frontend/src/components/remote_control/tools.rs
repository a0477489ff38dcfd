//! Beside the helper's screen: the special keys (combinations the
//! console's own computer would keep), the monitor to show when the
//! customer has several, the clipboard both ways, and the last thing the
//! helper refused. Keys and clipboard work in Control only.

use std::rc::Rc;

use protocol::peer::input::MAX_CLIPBOARD_BYTES;
use web_sys::{HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::i18n::{Texts, fill, use_texts};
use crate::remote::{ControlClick, SpecialKey};
use crate::state::console::{ClipboardNote, RemoteControl};

#[derive(Properties, PartialEq)]
pub struct ControlToolsProps {
    pub control: Rc<RemoteControl>,
    pub on_click: Callback<ControlClick, bool>,
}

fn special_label(t: &Texts, key: SpecialKey) -> &'static str {
    match key {
        SpecialKey::CtrlAltDel => t.control.key_ctrl_alt_del,
        SpecialKey::Super => t.control.key_super,
        SpecialKey::AltTab => t.control.key_alt_tab,
        SpecialKey::PrintScreen => t.control.key_print_screen,
    }
}

#[component]
pub fn ControlTools(props: &ControlToolsProps) -> Html {
    let texts = use_texts();
    let t = texts.control;
    let control = &props.control;
    let off = !control.controlling;
    let click = |c: ControlClick| {
        let cb = props.on_click.clone();
        Callback::from(move |_: MouseEvent| {
            cb.emit(c.clone());
        })
    };
    let specials = SpecialKey::ALL.iter().map(|&key| {
        html! {
            <button type="button" class="button secondary small" data-special-key={key.name()}
                disabled={off} onclick={click(ControlClick::Special(key))}>
                { special_label(texts, key) }
            </button>
        }
    });
    let monitors = (control.monitors.len() > 1).then(|| {
        let cb = props.on_click.clone();
        let onchange = Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(index) = select.value().parse() {
                cb.emit(ControlClick::Monitor(index));
            }
        });
        let options = control.monitors.iter().enumerate().map(|(i, m)| {
            let primary = if m.primary { t.monitor_primary } else { "" };
            html! {
                <option value={i.to_string()} selected={i == control.current_monitor}>
                    { format!("{} {}×{} {primary}", m.name, m.width, m.height).trim_end().to_owned() }
                </option>
            }
        });
        html! {
            <label class="helper-monitor">
                { t.monitor }{ " " }
                <select id="helper-monitor" {onchange}>{ for options }</select>
            </label>
        }
    });
    let on_clipboard = {
        let cb = props.on_click.clone();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            cb.emit(ControlClick::EditClipboard(area.value()));
        })
    };
    let note = match control.clipboard_note {
        None => String::new(),
        Some(ClipboardNote::Sent) => t.clipboard_sent.to_owned(),
        Some(ClipboardNote::TooLong) => fill(
            t.clipboard_too_long,
            &[("max", &(MAX_CLIPBOARD_BYTES / 1024).to_string())],
        ),
    };
    let refused = control
        .refused
        .as_ref()
        .map(|(what, reason)| fill(t.refused, &[("what", what), ("reason", reason)]));
    html! {
        <div class="control-tools">
            <div id="special-keys" class="special-keys" role="group" aria-label={t.special_keys}>
                <span class="panel-title">{ t.special_keys }</span>
                { for specials }
            </div>
            { monitors.unwrap_or_default() }
            <div class="clipboard">
                <label for="clipboard-text" class="panel-title">{ t.clipboard_title }</label>
                <textarea id="clipboard-text" rows="3" value={control.clipboard.clone()}
                    oninput={on_clipboard} />
                <div class="clipboard-actions">
                    <button id="clipboard-push" type="button" class="button secondary small" disabled={off}
                        onclick={click(ControlClick::ClipboardPush(control.clipboard.clone()))}>
                        { t.clipboard_push }
                    </button>
                    <button id="clipboard-pull" type="button" class="button secondary small" disabled={off}
                        onclick={click(ControlClick::ClipboardPull)}>
                        { t.clipboard_pull }
                    </button>
                    <span class={classes!("clipboard-note", (control.clipboard_note == Some(ClipboardNote::TooLong)).then_some("bad"))}
                        role="status">{ note }</span>
                </div>
            </div>
            if let Some(refused) = refused {
                <p class="helper-refused" role="alert">{ refused }</p>
            }
        </div>
    }
}
