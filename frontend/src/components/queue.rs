//! The live queue: who is waiting (and for how long), who is in a session,
//! with Start session (or Open, for a running one) on each row.

use std::rc::Rc;

use protocol::SessionId;
use protocol::ws::{QueueEntry, SessionStatus};
use yew::prelude::*;

use crate::components::use_now;
use crate::format::{minutes_seconds, secs_until, unix_ms};
use crate::i18n::fill;
use crate::i18n::use_texts;

#[derive(Properties, PartialEq)]
pub struct QueueProps {
    pub entries: Rc<Vec<QueueEntry>>,
    /// Sessions with a tab here; their row offers Open instead of Start.
    pub open: Vec<SessionId>,
    pub on_start: Callback<SessionId>,
    pub on_open: Callback<SessionId>,
}

#[component]
pub fn Queue(props: &QueueProps) -> Html {
    let t = use_texts();
    let now = use_now(1000);
    let row = |entry: &QueueEntry| {
        let id = entry.id;
        let (status, class) = match entry.status {
            SessionStatus::Waiting => (t.status_waiting, "waiting"),
            SessionStatus::Active => (t.status_active, "active"),
            SessionStatus::Ended => (t.status_ended, "ended"),
        };
        let waited = minutes_seconds(secs_until(now, unix_ms(entry.joined_at)));
        let action = if props.open.contains(&id) {
            let cb = props.on_open.clone();
            html! {
                <button type="button" class="button secondary small open-session"
                    onclick={Callback::from(move |_: MouseEvent| cb.emit(id))}>
                    { t.open_session }
                </button>
            }
        } else if entry.status == SessionStatus::Waiting {
            let cb = props.on_start.clone();
            html! {
                <button type="button" class="button primary small start-session"
                    onclick={Callback::from(move |_: MouseEvent| cb.emit(id))}>
                    { t.start_session }
                </button>
            }
        } else {
            html! {}
        };
        html! {
            <li class={classes!("queue-row", class)} data-session={id.to_string()}>
                <div class="queue-who">
                    <span class="queue-name">{ entry.customer.clone() }</span>
                    <span class="queue-meta">
                        <span class={classes!("badge", class)}>{ status }</span>
                        if entry.status == SessionStatus::Waiting {
                            { " " }{ fill(t.waited_for, &[("time", &waited)]) }
                        }
                        { " · " }{ fill(t.pin_suffix, &[("digits", &entry.pin_suffix)]) }
                    </span>
                    if !entry.notes.is_empty() {
                        <span class="queue-notes">{ entry.notes.clone() }</span>
                    }
                </div>
                { action }
            </li>
        }
    };
    html! {
        <section class="card queue-card" aria-labelledby="queue-title">
            <h2 id="queue-title" class="panel-title">{ t.queue_title }</h2>
            <ul id="queue" class="queue" aria-live="polite">
                if props.entries.is_empty() {
                    <li class="queue-empty">{ t.queue_empty }</li>
                }
                { for props.entries.iter().map(row) }
            </ul>
        </section>
    }
}
