//! "Recent sessions" on the console's overview: the server's reports,
//! newest first. Play opens the recording in a player right in its row,
//! with the chat said during it as subtitles.

use protocol::RecordingId;
use protocol::activity::{TransferDirection, TransferRecord};
use protocol::api::{RecordingSummary, SessionReport};
use time::OffsetDateTime;
use yew::prelude::*;

use crate::browser;
use crate::format::{bytes, minutes_seconds, unix_ms};
use crate::i18n::{Texts, fill, use_texts};
use crate::state::console::Reports as ReportsState;

#[derive(Properties, PartialEq)]
pub struct ReportsProps {
    pub reports: ReportsState,
    pub on_refresh: Callback<()>,
}

/// One transfer of a report: "→ driver.zip (12.3 MB): done". An arrow
/// toward the customer (→) or from them (←), the folder or the first
/// file's name (and how many more), the size, and how it ended.
fn transfer_line(r: &TransferRecord) -> String {
    let arrow = match r.direction {
        TransferDirection::ToCustomer => "→",
        TransferDirection::FromCustomer => "←",
    };
    let name = match (&r.folder, r.files.first()) {
        (Some(folder), _) => format!("{folder}/"),
        (None, Some(first)) if r.file_count > 1 => {
            format!("{} +{}", first.path, r.file_count - 1)
        }
        (None, Some(first)) => first.path.clone(),
        (None, None) => String::new(),
    };
    format!(
        "{arrow} {name} ({}): {}",
        bytes(r.total_bytes),
        r.outcome.as_str()
    )
}

#[component]
pub fn Reports(props: &ReportsProps) -> Html {
    let t = use_texts();
    // The recording whose player is open, if any: one at a time.
    let playing = use_state(|| None::<RecordingId>);
    let onclick = {
        let cb = props.on_refresh.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let row = |r: &SessionReport| {
        let outcome = match r.end_reason {
            Some(reason) => t.ended_for_technician(reason, &r.customer),
            None => t.status_active.to_owned(),
        };
        html! {
            <tr>
                <td>{ r.customer.clone() }</td>
                <td>{ browser::clock(unix_ms(r.joined_at)) }</td>
                <td>{ r.duration_secs.map(minutes_seconds).unwrap_or_default() }</td>
                <td>
                    { outcome }
                    { for r.screen_shown.iter().map(|p| period(
                        (t.report_shown, t.report_shown_open), p.started_at, p.stopped_at)) }
                    { for r.control_periods.iter().map(|p| period(
                        (t.report_controlled, t.report_controlled_open), p.started_at, p.stopped_at)) }
                </td>
                <td class="report-notes">{ r.notes.clone() }</td>
                <td class="report-recordings">
                    { for r.recordings.iter().map(|rec| recording(t, r, rec, &playing)) }
                </td>
                <td class="report-transfers">
                    <ul>{ for r.transfers.iter().map(|e| html! { <li>{ transfer_line(&e.record) }</li> }) }</ul>
                </td>
            </tr>
        }
    };
    let body = match &props.reports {
        ReportsState::Loading => html! { <p class="muted">{ t.loading }</p> },
        ReportsState::Failed => html! { <p class="field-error">{ t.reports_failed }</p> },
        ReportsState::Loaded(list) if list.is_empty() => {
            html! { <p class="muted">{ t.reports_empty }</p> }
        }
        ReportsState::Loaded(list) => html! {
            <div class="table-scroll">
                <table class="reports">
                    <thead>
                        <tr>
                            <th scope="col">{ t.col_customer }</th>
                            <th scope="col">{ t.col_started }</th>
                            <th scope="col">{ t.col_duration }</th>
                            <th scope="col">{ t.col_outcome }</th>
                            <th scope="col">{ t.col_notes }</th>
                            <th scope="col">{ t.col_recording }</th>
                            <th scope="col">{ t.col_transfers }</th>
                        </tr>
                    </thead>
                    <tbody>{ for list.iter().take(50).map(row) }</tbody>
                </table>
            </div>
        },
    };
    html! {
        <section class="reports-card" aria-labelledby="reports-title">
            <div class="card-head">
                <h2 id="reports-title" class="panel-title">{ t.reports_title }</h2>
                <button type="button" class="button secondary small" {onclick}>{ t.refresh }</button>
            </div>
            { body }
        </section>
    }
}

/// One stretch of the technician showing their own screen, or of remote
/// control: (closed, still open) templates.
fn period(
    (closed, open): (&str, &str),
    started_at: OffsetDateTime,
    stopped_at: Option<OffsetDateTime>,
) -> Html {
    let from = browser::clock(unix_ms(started_at));
    let text = match stopped_at {
        Some(to) => fill(
            closed,
            &[("from", &from), ("to", &browser::clock(unix_ms(to)))],
        ),
        None => fill(open, &[("from", &from)]),
    };
    html! { <div class="report-shown">{ text }</div> }
}

/// One recording of a report: how long and how big, Play (a player with
/// the chat as subtitles; the link itself is the video, for a new tab) and
/// Download of the video and of the subtitles, once it is finished.
fn recording(
    t: &Texts,
    report: &SessionReport,
    rec: &RecordingSummary,
    playing: &UseStateHandle<Option<RecordingId>>,
) -> Html {
    let base = format!("/api/sessions/{}/recordings/{}", report.id, rec.id);
    let (url, subtitles) = (format!("{base}.webm"), format!("{base}.vtt"));
    if !rec.is_finished() {
        return html! { <div class="recording muted">{ t.recording_in_progress }</div> };
    }
    let length = minutes_seconds((rec.duration_ms.unwrap_or(0) / 1000) as i64);
    let text = fill(
        t.recorded,
        &[("time", &length), ("size", &bytes(rec.bytes))],
    );
    let open = **playing == Some(rec.id);
    let play = {
        let (playing, id) = (playing.clone(), rec.id);
        // A plain click plays here; a middle or modified click still
        // opens the video in a new tab.
        Callback::from(move |e: MouseEvent| {
            if e.button() == 0 && !(e.ctrl_key() || e.meta_key() || e.shift_key()) {
                e.prevent_default();
                playing.set(Some(id));
            }
        })
    };
    html! {
        <div class="recording" data-recording={rec.id.to_string()}>
            <span class="recording-summary">{ text }</span>{ " " }
            <a class="play-recording" href={url.clone()} target="_blank" rel="noopener" onclick={play}>
                { t.play }
            </a>
            { " · " }
            <a class="download-recording" href={format!("{url}?download=1")} download="">
                { t.download }
            </a>
            { " · " }
            <a class="download-subtitles" href={format!("{subtitles}?download=1")} download="">
                { t.subtitles }
            </a>
            if open {
                <video class="recording-player" controls=true autoplay=true src={url}>
                    <track kind="subtitles" src={subtitles} label={t.subtitles_track}
                        default=true />
                </video>
            }
        </div>
    }
}
