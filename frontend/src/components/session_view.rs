//! One started session in the console: the live screen with its controls,
//! connection state and quality on the left, remote control below it;
//! chat and notes on the right.

use std::rc::Rc;

use gloo::timers::callback::Timeout;
use protocol::{Role, SessionId};
use web_sys::{Element, HtmlTextAreaElement, MediaStream};
use yew::prelude::*;

use crate::components::NOTES_SAVE_DELAY_MS;
use crate::components::chat::Chat;
use crate::components::remote_control::RemoteControlPanel;
use crate::components::session_files::SessionFiles;
use crate::components::video_view::VideoView;
use crate::i18n::use_texts;
use crate::i18n::{Texts, fill};
use crate::picked::FileClick;
use crate::remote::ControlClick;
use crate::state::PeerStatus;
use crate::state::console::{Fit, Recording, Save, Screen, SessionTab, Showing};

#[derive(Properties, PartialEq)]
pub struct SessionViewProps {
    /// Shared with the console's state: rendering copies no transcript.
    pub tab: Rc<SessionTab>,
    pub stream: Option<MediaStream>,
    pub on_send: Callback<(SessionId, String)>,
    pub on_request_screen: Callback<SessionId>,
    pub on_record: Callback<SessionId>,
    pub on_stop_recording: Callback<SessionId>,
    pub on_show_screen: Callback<SessionId>,
    pub on_stop_showing: Callback<SessionId>,
    pub on_fit: Callback<(SessionId, Fit)>,
    pub on_notes: Callback<(SessionId, String)>,
    pub on_save_notes: Callback<(SessionId, String)>,
    pub on_end: Callback<SessionId>,
    pub on_close: Callback<SessionId>,
    /// A click in the files or text panel.
    pub on_files: Callback<(SessionId, FileClick)>,
    /// The Lifeline Helper's screen, while remote control runs.
    #[prop_or_default]
    pub helper_stream: Option<MediaStream>,
    /// A remote-control click; answers whether the event was used.
    #[prop_or(Callback::from(|_| false))]
    pub on_control: Callback<(SessionId, ControlClick), bool>,
}

/// The connection state in words.
pub fn peer_label(t: &Texts, status: PeerStatus) -> &'static str {
    match status {
        PeerStatus::New => t.peer_new,
        PeerStatus::Connecting => t.peer_connecting,
        PeerStatus::Connected => t.peer_connected,
        PeerStatus::Disconnected => t.peer_disconnected,
        PeerStatus::Failed => t.peer_failed,
        PeerStatus::Closed => t.peer_closed,
    }
}

#[component]
pub fn SessionView(props: &SessionViewProps) -> Html {
    let t = use_texts();
    let tab = &props.tab;
    let id = tab.id;
    let screen_box = use_node_ref();

    // Save the notes after a pause in typing.
    {
        let on_save = props.on_save_notes.clone();
        use_effect_with(
            (id, tab.notes.clone(), tab.notes_save),
            move |(id, notes, save)| {
                let pending = (*save == Save::Dirty).then(|| {
                    let (id, notes) = (*id, notes.clone());
                    Timeout::new(NOTES_SAVE_DELAY_MS, move || on_save.emit((id, notes)))
                });
                move || drop(pending)
            },
        );
    }

    let name = tab.customer.as_str();
    let live = tab.is_live();
    let on_send = {
        let cb = props.on_send.clone();
        Callback::from(move |text: String| cb.emit((id, text)))
    };
    let request = {
        let cb = props.on_request_screen.clone();
        Callback::from(move |_: MouseEvent| cb.emit(id))
    };
    let on_control = {
        let cb = props.on_control.clone();
        Callback::from(move |click: ControlClick| cb.emit((id, click)))
    };
    let control_request = {
        let cb = on_control.clone();
        Callback::from(move |_: MouseEvent| {
            cb.emit(ControlClick::Request);
        })
    };
    let record = {
        let cb = props.on_record.clone();
        Callback::from(move |_: MouseEvent| cb.emit(id))
    };
    let stop_recording = {
        let cb = props.on_stop_recording.clone();
        Callback::from(move |_: MouseEvent| cb.emit(id))
    };
    let recording_text = match tab.recording {
        Recording::Off => String::new(),
        Recording::Starting => t.recording_starting.to_owned(),
        Recording::On => t.recording_on.to_owned(),
        Recording::Failed(problem) => fill(t.recording_failed, &[("reason", &t.problem(&problem))]),
    };
    let show = {
        let cb = props.on_show_screen.clone();
        Callback::from(move |_: MouseEvent| cb.emit(id))
    };
    let stop_showing = {
        let cb = props.on_stop_showing.clone();
        Callback::from(move |_: MouseEvent| cb.emit(id))
    };
    let showing_text = match tab.showing {
        Showing::Off => String::new(),
        Showing::Starting => t.showing_starting.to_owned(),
        Showing::On => fill(t.showing_on, &[("name", tab.customer.as_str())]),
    };
    let recording_now = matches!(tab.recording, Recording::Starting | Recording::On);
    let end = {
        let cb = props.on_end.clone();
        Callback::from(move |_: MouseEvent| cb.emit(id))
    };
    let close = {
        let cb = props.on_close.clone();
        Callback::from(move |_: MouseEvent| cb.emit(id))
    };
    let fit_button = |fit: Fit, label: &'static str| {
        let cb = props.on_fit.clone();
        html! {
            <button type="button" class="button secondary small" aria-pressed={(tab.fit == fit).to_string()}
                onclick={Callback::from(move |_: MouseEvent| cb.emit((id, fit)))}>
                { label }
            </button>
        }
    };
    let fullscreen = {
        let screen_box = screen_box.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(el) = screen_box.cast::<Element>() {
                let _ = el.request_fullscreen();
            }
        })
    };
    let notes_input = {
        let cb = props.on_notes.clone();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            cb.emit((id, area.value()));
        })
    };
    let save_now = {
        let cb = props.on_save_notes.clone();
        let notes = tab.notes.clone();
        let save = tab.notes_save;
        move || {
            if matches!(save, Save::Dirty | Save::Failed) {
                cb.emit((id, notes.clone()));
            }
        }
    };
    let notes_blur = {
        let save_now = save_now.clone();
        Callback::from(move |_: FocusEvent| save_now())
    };
    let notes_save = Callback::from(move |_: MouseEvent| save_now());
    let save_text = match tab.notes_save {
        Save::Clean | Save::Dirty => "",
        Save::Saving => t.saving,
        Save::Saved => t.saved,
        Save::Failed => t.save_failed,
    };

    let screen_text = match tab.screen {
        Screen::Idle => t.no_video.to_owned(),
        Screen::Asked => t.screen_asked.to_owned(),
        Screen::Allowed => t.screen_allowed.to_owned(),
        Screen::Live => fill(t.screen_live, &[("name", name)]),
    };
    let has_picture = props.stream.is_some() && tab.screen == Screen::Live;
    let quality = tab.quality.map(|q| q.describe()).unwrap_or_else(|| {
        if has_picture {
            "…".into()
        } else {
            t.no_video.into()
        }
    });
    let fit_class = match tab.fit {
        Fit::Fit => "fit",
        Fit::Actual => "actual",
    };
    let state_class = match tab.peer {
        PeerStatus::Connected => "ok",
        PeerStatus::Failed | PeerStatus::Disconnected => "bad",
        _ => "neutral",
    };

    html! {
        <div class="session-view" data-session={id.to_string()}>
            <div class="session-main">
                <div class="session-head">
                    <div class="session-title">
                        <h2>{ name.to_owned() }</h2>
                        <span class="state-label">{ t.connection }{ ": " }</span>
                        <span id="connection-state" class={classes!("state", state_class)}>
                            { peer_label(t, tab.peer) }
                        </span>
                    </div>
                    <div class="session-actions">
                        if live {
                            <button id="request-screen" type="button" class="button primary"
                                onclick={request} disabled={!tab.can_request_screen()}>
                                { t.request_screen }
                            </button>
                            <button id="request-control" type="button" class="button secondary"
                                onclick={control_request} disabled={!tab.control.can_request()}>
                                { t.control.request_control }
                            </button>
                            if recording_now {
                                <button id="stop-recording" type="button" class="button secondary"
                                    onclick={stop_recording}>
                                    { t.stop_recording }
                                </button>
                            } else {
                                <button id="record" type="button" class="button secondary"
                                    onclick={record} disabled={!tab.can_record()}>
                                    { t.record }
                                </button>
                            }
                            if tab.showing == Showing::On {
                                <button id="stop-showing" type="button" class="button secondary"
                                    onclick={stop_showing}>
                                    { t.stop_showing }
                                </button>
                            } else {
                                <button id="show-screen" type="button" class="button secondary"
                                    onclick={show} disabled={!tab.can_show()}>
                                    { t.show_screen }
                                </button>
                            }
                            <button id="end-session" type="button" class="button danger" onclick={end}>
                                { t.end_session }
                            </button>
                        } else {
                            <button type="button" class="button secondary close-session" onclick={close}>
                                { t.close_tab }
                            </button>
                        }
                    </div>
                </div>
                if let Some(reason) = tab.ended {
                    <div id="session-ended" class="session-ended" role="status">
                        <strong>{ t.session_ended_title }</strong>{ " " }
                        { t.ended_for_technician(reason, name) }
                    </div>
                }
                <div class="screen-tools">
                    { fit_button(Fit::Fit, t.view_fit) }
                    { fit_button(Fit::Actual, t.view_actual) }
                    <button type="button" class="button secondary small" onclick={fullscreen}
                        disabled={!has_picture}>
                        { t.view_fullscreen }
                    </button>
                    <span id="recording-state" class={classes!("recording-state", recording_now.then_some("on"))}
                        role="status">
                        { recording_text }
                    </span>
                    <span id="showing-state" class={classes!("showing-state", (tab.showing == Showing::On).then_some("on"))}
                        role="status">
                        { showing_text }
                    </span>
                    <span class="quality-box">
                        <span class="quality-label">{ t.quality }{ ": " }</span>
                        <span id="quality" class="quality">{ quality }</span>
                    </span>
                </div>
                // The helper's screen below takes the stage's place while
                // the browser shares nothing: no empty box above it.
                <div class={classes!("screen", fit_class)} ref={screen_box}
                    hidden={!has_picture && props.helper_stream.is_some()}>
                    <VideoView id="remote-screen" class="remote-screen"
                        stream={if has_picture { props.stream.clone() } else { None }}
                        label={fill(t.screen_live, &[("name", name)])} />
                    if !has_picture {
                        <p class="screen-placeholder" role="status">{ screen_text }</p>
                    }
                </div>
                if live {
                    <RemoteControlPanel control={tab.control.clone()}
                        customer={AttrValue::from(tab.customer.clone())}
                        stream={props.helper_stream.clone()} on_click={on_control} />
                }
            </div>
            <aside class="session-side">
                <Chat transcript={tab.transcript.clone()} side={Role::Technician}
                    peer_name={AttrValue::from(tab.customer.clone())} enabled={live} {on_send} />
                <SessionFiles transfers={tab.transfers.clone()}
                    peer_name={AttrValue::from(tab.customer.clone())} enabled={live} can_paste=true
                    on_click={props.on_files.reform(move |click| (id, click))} />
                <div class="notes">
                    <label for="session-notes" class="panel-title">{ t.session_notes }</label>
                    <textarea id="session-notes" rows="4" value={tab.notes.clone()}
                        maxlength={protocol::limits::MAX_NOTES_CHARS.to_string()}
                        oninput={notes_input} onblur={notes_blur} />
                    <div class="notes-actions">
                        <button type="button" class="button secondary small" onclick={notes_save}
                            disabled={!matches!(tab.notes_save, Save::Dirty | Save::Failed)}>
                            { t.save }
                        </button>
                        <span class="save-state" role="status">{ save_text }</span>
                    </div>
                </div>
            </aside>
        </div>
    }
}
