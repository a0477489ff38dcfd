//! The "invite a customer" card: New PIN, then the PIN, its link with a
//! copy button, a QR code for phones, Create another PIN, and notes for
//! the coming session. Notes typed before "New PIN" go with the request;
//! after it they save to the PIN by themselves (after a pause, on blur).

use gloo::timers::callback::Timeout;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::browser;
use crate::components::{NOTES_SAVE_DELAY_MS, use_now};
use crate::i18n::fill;
use crate::i18n::use_texts;
use crate::qr;
use crate::state::console::{PinCard as PinCardState, Save};

#[derive(Properties, PartialEq)]
pub struct PinCardProps {
    pub card: PinCardState,
    /// New PIN (`false`) or Create another PIN (`true`, replacing this one).
    pub on_new: Callback<bool>,
    pub on_copy: Callback<String>,
    pub on_notes: Callback<String>,
    /// Save `(pin, notes)` to the issued PIN.
    pub on_save_notes: Callback<(String, String)>,
}

#[component]
pub fn PinCard(props: &PinCardProps) -> Html {
    let t = use_texts();
    let now = use_now(1000);
    let card = &props.card;
    let pin = card.issued.as_ref().map(|p| p.pin.clone());

    // Save the notes after a pause in typing.
    {
        let on_save = props.on_save_notes.clone();
        use_effect_with(
            (pin.clone(), card.notes.clone(), card.notes_save),
            move |(pin, notes, save)| {
                let pending = pin.clone().filter(|_| *save == Save::Dirty).map(|pin| {
                    let notes = notes.clone();
                    Timeout::new(NOTES_SAVE_DELAY_MS, move || on_save.emit((pin, notes)))
                });
                move || drop(pending)
            },
        );
    }

    let new_pin = {
        let cb = props.on_new.clone();
        Callback::from(move |_: MouseEvent| cb.emit(false))
    };
    let another = {
        let cb = props.on_new.clone();
        Callback::from(move |_: MouseEvent| cb.emit(true))
    };
    let oninput = {
        let cb = props.on_notes.clone();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            cb.emit(area.value());
        })
    };
    let onblur = {
        let cb = props.on_save_notes.clone();
        let pin = pin.clone();
        let notes = card.notes.clone();
        let save = card.notes_save;
        Callback::from(move |_: FocusEvent| {
            if let Some(pin) = pin
                .clone()
                .filter(|_| matches!(save, Save::Dirty | Save::Failed))
            {
                cb.emit((pin, notes.clone()));
            }
        })
    };
    let problem = card.problem.as_ref().map(|p| t.problem(p));
    let notes_problem = card
        .notes_problem
        .as_ref()
        .filter(|_| card.notes_save == Save::Failed)
        .map(|p| t.pin_notes_problem(p));
    let save_text = match card.notes_save {
        Save::Clean | Save::Dirty | Save::Failed => "",
        Save::Saving => t.saving,
        Save::Saved => t.saved,
    };

    let issued = card.issued.as_ref().map(|issued| {
        let expired = now >= issued.expires_at_ms;
        let copy = {
            let cb = props.on_copy.clone();
            let link = issued.link.clone();
            Callback::from(move |_: MouseEvent| cb.emit(link.clone()))
        };
        let status = if let Some(name) = &issued.used_by {
            fill(t.pin_used_by, &[("name", name)])
        } else if expired {
            t.pin_expired.to_owned()
        } else {
            fill(
                t.pin_valid_until,
                &[("time", &browser::clock(issued.expires_at_ms))],
            )
        };
        let qr = qr::svg(&issued.link, "pin-qr", t.qr_label)
            .map(|svg| Html::from_html_unchecked(AttrValue::from(svg)))
            .unwrap_or_default();
        let copied = match card.copied {
            Some(true) => t.copied,
            Some(false) => t.copy_failed,
            None => "",
        };
        html! {
            <div class={classes!("pin-issued", (expired || issued.used_by.is_some()).then_some("stale"))}>
                <p id="pin-value" class="pin-value" aria-label={t.pin_label}>{ issued.pin.clone() }</p>
                <p class="pin-status">{ status }</p>
                <div class="pin-link-row">
                    <span class="visually-hidden">{ t.desktop_link }</span>
                    <a id="pin-link" class="pin-link" href={issued.link.clone()} target="_blank"
                        rel="noopener noreferrer" title={t.desktop_link}>{ issued.link.clone() }</a>
                    <button id="copy-link" type="button" class="button secondary small" onclick={copy}>
                        { t.copy_link }
                    </button>
                </div>
                <p class="copy-result" role="status">{ copied }</p>
                <figure class="pin-qr">
                    { qr }
                    <figcaption>{ t.qr_label }</figcaption>
                </figure>
                <button id="another-pin" type="button" class="button secondary wide"
                    onclick={another} disabled={card.busy}>
                    { t.another_pin }
                </button>
            </div>
        }
    });

    html! {
        <section class="card pin-card" aria-labelledby="pin-card-title">
            <div class="card-head">
                <h2 id="pin-card-title" class="panel-title">{ t.pin_card_title }</h2>
                <button id="new-pin" type="button" class="button primary small"
                    onclick={new_pin} disabled={card.busy}>
                    { if card.busy { t.creating_pin } else { t.new_pin } }
                </button>
            </div>
            if let Some(problem) = problem {
                <p class="field-error" role="alert">{ problem }</p>
            }
            { issued.unwrap_or_default() }
            <div class="field">
                <label for="pin-notes">{ t.pin_notes }</label>
                <textarea id="pin-notes" rows="2" value={card.notes.clone()} {oninput} {onblur}
                    maxlength={protocol::limits::MAX_NOTES_CHARS.to_string()}
                    aria-describedby="pin-notes-hint pin-notes-error"
                    aria-invalid={notes_problem.is_some().then_some("true")} />
                <p id="pin-notes-hint" class="hint">{ t.pin_notes_hint }</p>
                <p class="pin-notes-status">
                    <span id="pin-notes-state" class="save-state" role="status">{ save_text }</span>
                    <span id="pin-notes-error" class="field-error" role="alert">
                        { notes_problem.unwrap_or_default() }
                    </span>
                </p>
            </div>
        </section>
    }
}
