//! The files panel of a session, on both pages: Send files, Send a folder,
//! a drop zone, and each transfer with its files, a progress bar, speed
//! and time left, and the buttons its stage allows (Accept and Decline for
//! an offer received, Cancel while it runs, Dismiss once over).

use std::rc::Rc;

use web_sys::{DragEvent, HtmlInputElement};
use yew::prelude::*;

use crate::format::{bytes, minutes_seconds};
use crate::i18n::files::FileTexts;
use crate::i18n::{fill, use_texts};
use crate::picked::Picked;
use crate::state::transfers::{Stage, Transfer, Transfers, Way};

/// Names listed under a transfer before "…and N more".
const NAMES_SHOWN: usize = 5;

#[derive(Properties, PartialEq)]
pub struct TransfersProps {
    pub transfers: Rc<Transfers>,
    /// The other person, named in offers and answers.
    pub peer_name: AttrValue,
    /// False once the session is over: nothing new can be sent.
    pub enabled: bool,
    pub on_send: Callback<Picked>,
    pub on_accept: Callback<u32>,
    pub on_decline: Callback<u32>,
    pub on_cancel: Callback<u32>,
    pub on_dismiss: Callback<u32>,
}

#[component]
pub fn TransfersPanel(props: &TransfersProps) -> Html {
    let t = use_texts().files;
    let dragging = use_state(|| false);

    let picked = |folder: bool| {
        let cb = props.on_send.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(list) = input.files() {
                let picked = if folder {
                    Picked::folder(&list)
                } else {
                    Picked::files(&list)
                };
                if !picked.files.is_empty() {
                    cb.emit(picked);
                }
            }
            // The same files may be picked again later.
            input.set_value("");
        })
    };
    let ondragover = {
        let dragging = dragging.clone();
        let enabled = props.enabled;
        Callback::from(move |e: DragEvent| {
            if enabled {
                e.prevent_default();
                dragging.set(true);
            }
        })
    };
    let ondragleave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };
    let ondrop = {
        let (dragging, cb, enabled) = (dragging.clone(), props.on_send.clone(), props.enabled);
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(false);
            let list = e.data_transfer().and_then(|d| d.files());
            if let (true, Some(list)) = (enabled, list) {
                let picked = Picked::files(&list);
                if !picked.files.is_empty() {
                    cb.emit(picked);
                }
            }
        })
    };

    let list = props
        .transfers
        .list
        .iter()
        .rev()
        .map(|tr| transfer_row(t, props, tr));
    html! {
        <section id="files" class={classes!("files-panel", (*dragging).then_some("dragging"))}
            aria-labelledby="files-title" {ondragover} {ondragleave} {ondrop}>
            <h3 id="files-title" class="panel-title">{ t.files_title }</h3>
            if props.enabled {
                <div class="files-actions">
                    <label class="button secondary small" for="send-files-input">{ t.send_files }</label>
                    <input id="send-files-input" class="file-input" type="file" multiple=true
                        onchange={picked(false)} />
                    <label class="button secondary small" for="send-folder-input">{ t.send_folder }</label>
                    <input id="send-folder-input" class="file-input" type="file" multiple=true
                        webkitdirectory=true onchange={picked(true)} />
                    <span class="muted drop-hint">{ t.drop_hint }</span>
                </div>
            }
            <ul class="transfers">{ for list }</ul>
            <p class="muted storage-note">{ t.storage_note }</p>
        </section>
    }
}

fn stage_name(stage: Stage) -> &'static str {
    match stage {
        Stage::Offered => "offered",
        Stage::Moving => "moving",
        Stage::Done => "done",
        Stage::Declined => "declined",
        Stage::Cancelled { .. } => "cancelled",
        Stage::Failed(_) => "failed",
    }
}

/// What a transfer's status line says.
fn status(t: &FileTexts, tr: &Transfer, peer: &str) -> String {
    let receiving = tr.way == Way::Receiving;
    match tr.stage {
        Stage::Offered if receiving => fill(t.offer_from, &[("name", peer)]),
        Stage::Offered => fill(t.waiting_for_answer, &[("name", peer)]),
        Stage::Moving => {
            let verb = if receiving { t.receiving } else { t.sending };
            match (tr.speed(), tr.seconds_left()) {
                (Some(speed), Some(left)) => {
                    let line = fill(
                        t.speed_left,
                        &[
                            ("speed", &bytes(speed as u64)),
                            ("left", &minutes_seconds(left.ceil() as i64)),
                        ],
                    );
                    format!("{verb} {line}")
                }
                _ => verb.to_owned(),
            }
        }
        Stage::Done if !receiving => t.done_sent.to_owned(),
        Stage::Done if tr.folder.is_some() => t.done_received_folder.to_owned(),
        Stage::Done => t.done_received.to_owned(),
        Stage::Declined if receiving => t.declined_by_me.to_owned(),
        Stage::Declined => fill(t.declined_by_peer, &[("name", peer)]),
        Stage::Cancelled { by_me: true } => t.cancelled_by_me.to_owned(),
        Stage::Cancelled { by_me: false } => t.cancelled.to_owned(),
        Stage::Failed(problem) => {
            let mut line = fill(t.failed, &[("why", t.problem(problem))]);
            if let Some(file) = tr.failed_file.and_then(|i| tr.files.get(i)) {
                line.push(' ');
                line.push_str(&fill(t.failed_file, &[("name", &file.path)]));
            }
            line
        }
    }
}

fn transfer_row(t: &'static FileTexts, props: &TransfersProps, tr: &Transfer) -> Html {
    let id = tr.id;
    let button =
        |class: &'static str, label: &'static str, cb: &Callback<u32>, kind: &'static str| {
            let cb = cb.clone();
            html! {
                <button type="button" class={classes!("button", "small", kind, class)}
                    onclick={Callback::from(move |_: MouseEvent| cb.emit(id))}>{ label }</button>
            }
        };
    let title = match &tr.folder {
        Some(folder) => fill(t.folder_label, &[("name", folder)]),
        None => tr.files.first().map(|f| f.path.clone()).unwrap_or_default(),
    };
    let count = tr.files.len().to_string();
    let size = fill(
        t.files_and_size,
        &[("n", &count), ("size", &bytes(tr.total_bytes))],
    );
    let names = tr.files.iter().take(NAMES_SHOWN).map(|f| {
        html! { <li>{ f.path.clone() }{ " · " }{ bytes(f.size) }</li> }
    });
    let more = tr.files.len().saturating_sub(NAMES_SHOWN);
    let current = tr.files.get(tr.file);
    let live = !tr.stage.is_final();
    let receiving_offer = tr.way == Way::Receiving && tr.stage == Stage::Offered;
    let peer = props.peer_name.as_str();
    html! {
        <li class="transfer" data-transfer={id.to_string()} data-stage={stage_name(tr.stage)}
            data-way={if tr.way == Way::Sending { "sending" } else { "receiving" }}>
            <div class="transfer-head">
                <strong class="transfer-name">{ title }</strong>
                <span class="transfer-size muted">{ size }</span>
            </div>
            <ul class="transfer-files">
                { for names }
                if more > 0 {
                    <li class="muted">{ fill(t.and_more, &[("n", &more.to_string())]) }</li>
                }
            </ul>
            if tr.stage == Stage::Moving {
                <progress class="transfer-progress" max={tr.total_bytes.max(1).to_string()}
                    value={tr.done_bytes.to_string()} />
                if let Some(file) = current.filter(|_| tr.files.len() > 1) {
                    <p class="current-file muted">{ fill(t.current_file, &[("name", &file.path)]) }</p>
                    <progress class="file-progress" max={file.size.max(1).to_string()}
                        value={tr.file_bytes.to_string()} />
                }
            }
            <p class="transfer-status" role="status">{ status(t, tr, peer) }</p>
            <div class="transfer-buttons">
                if receiving_offer {
                    { button("transfer-accept", t.accept, &props.on_accept, "primary") }
                    { button("transfer-decline", t.decline, &props.on_decline, "secondary") }
                } else if live {
                    { button("transfer-cancel", t.cancel, &props.on_cancel, "secondary") }
                } else {
                    { button("transfer-dismiss", t.dismiss, &props.on_dismiss, "secondary") }
                }
            </div>
        </li>
    }
}
