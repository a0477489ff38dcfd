//! The customer page (`/`): one big PIN field and a name, then "Waiting for
//! technician…", then the connected session with chat, the consent dialog
//! and the sharing banner. Disconnect ends everything at any time.

use protocol::Role;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::browser;
use crate::components::chat::Chat;
use crate::components::consent_dialog::ConsentDialog;
use crate::components::control_banner::ControlBanner;
use crate::components::helper_offer::HelperOfferPanel;
use crate::components::lang_switch::LangSwitch;
use crate::components::session_files::SessionFiles;
use crate::components::sharing_banner::SharingBanner;
use crate::components::technician_screen::TechnicianScreen;
use crate::components::video_view::VideoView;
use crate::i18n::use_texts;
use crate::i18n::{Texts, fill};
use crate::location::code_from_query;
use crate::media;
use crate::session::customer::CustomerSession;
use crate::state::control::Helper;
use crate::state::customer::{Action, CustomerState, Sharing, Shown, Stage};
use crate::state::{PeerStatus, Problem};

/// The connection line under the status, once the session started.
fn peer_detail(t: &Texts, status: PeerStatus) -> &'static str {
    match status {
        PeerStatus::Connected => t.direct_connected,
        PeerStatus::Disconnected => t.direct_interrupted,
        PeerStatus::Failed => t.direct_failed,
        PeerStatus::New | PeerStatus::Connecting | PeerStatus::Closed => t.direct_connecting,
    }
}

#[component]
pub fn CustomerPage() -> Html {
    let t = use_texts();
    let state = use_reducer(|| CustomerState::new(code_from_query(&browser::query())));
    let session = {
        let dispatch = state.dispatcher();
        use_memo((), move |_| CustomerSession::new(dispatch.to_callback()))
    };
    // Start where typing is needed: the name when a link brought the PIN.
    {
        let prefilled = !state.pin.is_empty();
        use_effect_with((), move |_| {
            browser::focus(if prefilled { "name" } else { "pin" })
        });
    }
    use_effect_with(t.customer_title, |title| {
        browser::set_title(&format!("{title} · Lifeline"));
    });

    let body = match state.stage {
        Stage::Form { joining } => join_form(t, &state, &session, joining),
        _ => session_card(t, &state, &session),
    };

    let dialog = state.consent.as_ref().map(|prompt| {
        let on_answer = {
            let session = session.clone();
            let scope = prompt.scope;
            Callback::from(move |allowed: bool| session.answer_consent(scope, allowed))
        };
        let on_expired = {
            let session = session.clone();
            Callback::from(move |()| session.consent_expired())
        };
        html! {
            <ConsentDialog
                technician={AttrValue::from(prompt.technician.clone())}
                scope={prompt.scope}
                deadline_ms={prompt.deadline_ms}
                kind={media::share_kind()}
                {on_answer}
                {on_expired}
            />
        }
    });

    html! {
        <div class="customer-page">
            <header class="topbar">
                <span class="brand">{ t.app_name }</span>
                <LangSwitch />
            </header>
            // While the consent dialog is open the page behind it is out of
            // reach, so keyboard focus cannot wander behind the question.
            <main class="customer-main" inert={state.consent.is_some()}>
                { body }
            </main>
            { dialog.unwrap_or_default() }
        </div>
    }
}

fn join_form(
    t: &'static Texts,
    state: &UseReducerHandle<CustomerState>,
    session: &CustomerSession,
    joining: bool,
) -> Html {
    let on_pin = {
        let dispatch = state.dispatcher();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            dispatch.dispatch(Action::EditPin(input.value()));
        })
    };
    let on_name = {
        let dispatch = state.dispatcher();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            dispatch.dispatch(Action::EditName(input.value()));
        })
    };
    let onsubmit = {
        let session = session.clone();
        let (pin, name) = (state.pin.clone(), state.name.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            session.connect(&pin, &name);
        })
    };
    let sentence = |p: &Option<Problem>| p.as_ref().map(|p| t.problem(p)).unwrap_or_default();
    html! {
        <form class="card join-card" {onsubmit} novalidate=true aria-labelledby="join-title">
            <h1 id="join-title">{ t.customer_title }</h1>
            <p class="intro">{ t.customer_intro }</p>
            <div class="field">
                <label for="pin">{ t.pin_label }</label>
                <input
                    id="pin"
                    class="pin-input"
                    type="text"
                    inputmode="numeric"
                    autocomplete="one-time-code"
                    maxlength="13"
                    spellcheck="false"
                    value={state.pin.clone()}
                    oninput={on_pin}
                    aria-invalid={state.pin_problem.is_some().to_string()}
                    aria-describedby="pin-hint pin-error"
                />
                <p id="pin-hint" class="hint">{ t.pin_hint }</p>
                <p id="pin-error" class="field-error" role="alert">{ sentence(&state.pin_problem) }</p>
            </div>
            <div class="field">
                <label for="name">{ t.name_label }</label>
                <input
                    id="name"
                    type="text"
                    autocomplete="name"
                    maxlength={protocol::limits::MAX_NAME_CHARS.to_string()}
                    value={state.name.clone()}
                    oninput={on_name}
                    aria-invalid={state.name_problem.is_some().to_string()}
                    aria-describedby="name-error"
                />
                <p id="name-error" class="field-error" role="alert">{ sentence(&state.name_problem) }</p>
            </div>
            <button id="connect" type="submit" class="button primary large wide" disabled={joining}>
                { if joining { t.connecting } else { t.connect } }
            </button>
            <p class="privacy">{ t.privacy_note }</p>
        </form>
    }
}

fn session_card(
    t: &'static Texts,
    state: &UseReducerHandle<CustomerState>,
    session: &CustomerSession,
) -> Html {
    let name = state.technician.as_str();
    let (status, detail, tone) = match state.stage {
        Stage::Waiting => (
            t.waiting_for_technician.to_owned(),
            fill(t.waiting_detail, &[("name", name)]),
            "waiting",
        ),
        Stage::Connected => (
            fill(t.connected_to, &[("name", name)]),
            peer_detail(t, state.peer).to_owned(),
            if state.peer == PeerStatus::Failed {
                "bad"
            } else {
                "ok"
            },
        ),
        Stage::Ended(reason) => (
            t.ended_for_customer(reason, name),
            t.session_over.to_owned(),
            "ended",
        ),
        Stage::Form { .. } => (String::new(), String::new(), "waiting"),
    };

    let disconnect = {
        let session = session.clone();
        Callback::from(move |_: MouseEvent| session.disconnect())
    };
    let again = {
        let session = session.clone();
        Callback::from(move |_: MouseEvent| session.start_over())
    };
    let on_send = {
        let session = session.clone();
        Callback::from(move |text: String| session.send_chat(&text))
    };
    let on_stop = {
        let session = session.clone();
        Callback::from(move |()| session.stop_sharing())
    };

    let on_files = {
        let session = session.clone();
        Callback::from(move |click| session.files_click(click))
    };
    let sharing = match state.sharing {
        Sharing::On(kind) => html! {
            <>
                <SharingBanner technician={AttrValue::from(name.to_owned())} {kind} {on_stop} />
                <figure class="preview">
                    <VideoView stream={session.local_stream()} class="preview-video"
                        label={fill(t.preview_label, &[("name", name)])} />
                    <figcaption>{ fill(t.preview_label, &[("name", name)]) }</figcaption>
                </figure>
            </>
        },
        Sharing::Starting(_) => html! {
            <p class="sharing-starting" role="status">{ t.sharing_starting }</p>
        },
        Sharing::Off => html! {},
    };
    let on_close_shown = {
        let session = session.clone();
        Callback::from(move |()| session.close_shown())
    };
    let show_chat = state.stage == Stage::Connected || !state.transcript.is_empty();

    html! {
        <section class={classes!("card", "session-card", tone)} aria-labelledby="status">
            <div class="session-card-head">
                <div class="status-block">
                    <span class={classes!("status-dot", tone)} aria-hidden="true"></span>
                    <div>
                        <p id="status" class="status" role="status" aria-live="polite">{ status }</p>
                        <p class="status-detail">{ detail }</p>
                    </div>
                </div>
                if state.in_session() {
                    <button id="disconnect" type="button" class="button danger" onclick={disconnect}>
                        { t.disconnect }
                    </button>
                } else {
                    <button id="connect-again" type="button" class="button primary" onclick={again}>
                        { t.connect_again }
                    </button>
                }
            </div>
            if state.recorded {
                <div id="recording-banner" class="recording-banner" role="status">
                    <span class="rec-dot" aria-hidden="true"></span>
                    { t.recording_banner }
                </div>
            }
            if state.shown != Shown::Off {
                <TechnicianScreen technician={AttrValue::from(name.to_owned())}
                    stream={session.shown_stream()} on_close={on_close_shown} />
            }
            { sharing }
            { remote_control(t, state, session) }
            if show_chat {
                <Chat
                    transcript={state.transcript.clone()}
                    side={Role::Customer}
                    peer_name={AttrValue::from(name.to_owned())}
                    enabled={state.stage == Stage::Connected}
                    {on_send}
                />
                <SessionFiles transfers={state.transfers.clone()}
                    peer_name={AttrValue::from(name.to_owned())}
                    enabled={state.stage == Stage::Connected} on_click={on_files} />
            }
        </section>
    }
}

/// Remote control's part of the session card: the helper's steps, the
/// banner with Stop control, or why control cannot work here.
fn remote_control(
    t: &'static Texts,
    state: &UseReducerHandle<CustomerState>,
    session: &CustomerSession,
) -> Html {
    let control = &state.control;
    let technician = AttrValue::from(state.technician.clone());
    let offer = control.offer.as_ref().map(|offer| {
        let (platform, user_agent) = browser::platform_and_agent();
        html! {
            <HelperOfferPanel offer={offer.clone()} technician={technician.clone()}
                platform={AttrValue::from(platform)} user_agent={AttrValue::from(user_agent)} />
        }
    });
    let banner = control.controlling.map(|controlling| {
        let session = session.clone();
        let on_stop = Callback::from(move |()| session.stop_control());
        html! { <ControlBanner technician={technician.clone()} {controlling} {on_stop} /> }
    });
    let unavailable = match &control.helper {
        Helper::Unavailable(detail) => html! {
            <p id="helper-unavailable" class="helper-unavailable" role="status">
                { fill(t.control.helper_unavailable_c, &[("detail", detail)]) }
            </p>
        },
        _ => html! {},
    };
    html! {
        <>
            { banner.unwrap_or_default() }
            { offer.unwrap_or_default() }
            { unavailable }
        </>
    }
}
