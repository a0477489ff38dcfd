//! The technician console (`/console`): sign-in, then the PIN card and the
//! live queue in a sidebar, and one tab per started session beside an
//! overview with recent sessions.

use protocol::SessionId;
use protocol::api::PinRequest;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::browser;
use crate::components::lang_switch::LangSwitch;
use crate::components::pin_card::PinCard;
use crate::components::queue::Queue;
use crate::components::reports::Reports;
use crate::components::session_view::SessionView;
use crate::components::sign_in::SignIn;
use crate::format::unix_ms;
use crate::i18n::use_texts;
use crate::net::api::{self, ApiFailure};
use crate::session::console::TechnicianDesk;
use crate::sound;
use crate::state::Problem;
use crate::state::console::{Action, Auth, ConsoleState, DeskLink};

type Dispatcher = UseReducerDispatcher<ConsoleState>;

/// Reloads "Recent sessions".
fn load_reports(dispatch: Dispatcher) {
    dispatch.dispatch(Action::ReportsLoading);
    spawn_local(async move {
        match api::sessions().await {
            Ok(list) => dispatch.dispatch(Action::ReportsLoaded(list)),
            Err(failure) => fail(&dispatch, &failure, Action::ReportsFailed),
        }
    });
}

/// Reports a failed request: signed out if the server forgot us, else `or`.
fn fail(dispatch: &Dispatcher, failure: &ApiFailure, or: Action) {
    if failure.is_signed_out() {
        dispatch.dispatch(Action::SignedOut(Some(failure.problem())));
    } else {
        dispatch.dispatch(or);
    }
}

/// Saves a session's notes to its report.
fn save_notes(dispatch: Dispatcher, session: SessionId, text: String) {
    dispatch.dispatch(Action::NotesSaving(session));
    spawn_local(async move {
        match api::save_notes(session, &text).await {
            Ok(_) => dispatch.dispatch(Action::NotesSaved { session, text }),
            Err(failure) => fail(&dispatch, &failure, Action::NotesFailed(session)),
        }
    });
}

/// Saves the PIN card's notes to its PIN (or, once a customer joined with
/// it, to that session; the answer says which).
fn save_pin_notes(dispatch: Dispatcher, pin: String, text: String) {
    dispatch.dispatch(Action::PinNotesSaving { pin: pin.clone() });
    spawn_local(async move {
        match api::save_pin_notes(&pin, &text).await {
            Ok(saved) => dispatch.dispatch(Action::PinNotesSaved {
                pin,
                text,
                session: saved.session,
            }),
            Err(failure) => {
                let problem = failure.problem();
                fail(&dispatch, &failure, Action::PinNotesFailed { pin, problem })
            }
        }
    });
}

#[component]
pub fn ConsolePage() -> Html {
    let t = use_texts();
    let state = use_reducer(ConsoleState::new);
    let desk = {
        let dispatch = state.dispatcher();
        use_memo((), move |_| TechnicianDesk::new(dispatch.to_callback()))
    };

    // Who is signed in, once, on load.
    {
        let dispatch = state.dispatcher();
        use_effect_with((), move |_| {
            spawn_local(async move {
                match api::me().await {
                    Ok(me) => dispatch.dispatch(Action::AuthChecked(me.map(|m| m.username))),
                    Err(_) => dispatch.dispatch(Action::SignedOut(Some(Problem::Unreachable))),
                }
            });
        });
    }
    // Online while signed in; everything closed when not.
    {
        let desk = desk.clone();
        let dispatch = state.dispatcher();
        use_effect_with(state.signed_in().map(str::to_owned), move |user| {
            if user.is_some() {
                desk.go_online();
                load_reports(dispatch);
            } else {
                desk.go_offline();
            }
        });
    }
    // The tab title shows how many wait; a newcomer rings.
    use_effect_with(state.title(t.console_title), |title| {
        browser::set_title(title)
    });
    use_effect_with(state.ring, |ring| {
        if *ring > 0 {
            sound::ring();
        }
    });
    // A session that ends changes the reports.
    {
        let dispatch = state.dispatcher();
        let ended = state.tabs.iter().filter(|tab| !tab.is_live()).count();
        use_effect_with(ended, move |ended| {
            if *ended > 0 {
                load_reports(dispatch);
            }
        });
    }

    match &state.auth {
        Auth::Checking => html! {
            <div class="console-loading" role="status">{ t.loading }</div>
        },
        Auth::SignedOut { busy, problem } => {
            let on_submit = {
                let dispatch = state.dispatcher();
                Callback::from(move |(username, password): (String, String)| {
                    sound::unlock();
                    dispatch.dispatch(Action::SignInStarted);
                    let dispatch = dispatch.clone();
                    spawn_local(async move {
                        match api::login(&username, &password).await {
                            Ok(me) => dispatch.dispatch(Action::SignedIn(me.username)),
                            Err(failure) => {
                                dispatch.dispatch(Action::SignInFailed(failure.problem()))
                            }
                        }
                    });
                })
            };
            html! {
                <div class="console-page signed-out">
                    <header class="topbar">
                        <span class="brand">{ t.app_name }</span>
                        <LangSwitch />
                    </header>
                    <SignIn busy={*busy} problem={*problem} {on_submit} />
                </div>
            }
        }
        Auth::SignedIn { username } => signed_in(t, &state, &desk, username),
    }
}

fn signed_in(
    t: &'static crate::i18n::Texts,
    state: &UseReducerHandle<ConsoleState>,
    desk: &TechnicianDesk,
    username: &str,
) -> Html {
    let dispatch = state.dispatcher();

    let sign_out = {
        let (desk, dispatch) = (desk.clone(), dispatch.clone());
        Callback::from(move |_: MouseEvent| {
            desk.go_offline();
            dispatch.dispatch(Action::SignedOut(None));
            spawn_local(async {
                let _ = api::logout().await;
            });
        })
    };
    let on_new_pin = {
        let dispatch = dispatch.clone();
        let notes = state.pin.notes.clone();
        let current = state.pin.issued.as_ref().map(|p| p.pin.clone());
        Callback::from(move |another: bool| {
            dispatch.dispatch(Action::PinRequested);
            let request = PinRequest {
                notes: Some(notes.clone()).filter(|n| !n.trim().is_empty()),
                replaces: if another { current.clone() } else { None },
            };
            let dispatch = dispatch.clone();
            spawn_local(async move {
                match api::create_pin(&request).await {
                    Ok(issued) => dispatch.dispatch(Action::PinIssued {
                        pin: issued.pin.as_str().to_owned(),
                        link: issued.link,
                        expires_at_ms: unix_ms(issued.expires_at),
                        request,
                    }),
                    Err(failure) => fail(&dispatch, &failure, Action::PinFailed(failure.problem())),
                }
            });
        })
    };
    let on_copy = {
        let dispatch = dispatch.clone();
        Callback::from(move |link: String| {
            let dispatch = dispatch.clone();
            spawn_local(async move {
                let ok = browser::copy_text(&link).await;
                dispatch.dispatch(Action::Copied(ok));
            });
        })
    };
    let on_pin_notes = {
        let dispatch = dispatch.clone();
        Callback::from(move |text: String| dispatch.dispatch(Action::EditPinNotes(text)))
    };
    let on_save_pin_notes = {
        let dispatch = dispatch.clone();
        Callback::from(move |(pin, text): (String, String)| {
            save_pin_notes(dispatch.clone(), pin, text)
        })
    };
    let on_start = {
        let desk = desk.clone();
        Callback::from(move |id: SessionId| desk.start(id))
    };
    let select = |id: Option<SessionId>| {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::Select(id)))
    };
    let on_open = {
        let dispatch = dispatch.clone();
        Callback::from(move |id: SessionId| dispatch.dispatch(Action::Select(Some(id))))
    };
    let dismiss = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::DismissAlert))
    };
    let refresh = {
        let dispatch = dispatch.clone();
        Callback::from(move |()| load_reports(dispatch.clone()))
    };
    let unlock_audio = Callback::from(|_: MouseEvent| sound::unlock());

    let (link_text, link_class) = match state.link {
        DeskLink::Online => (t.link_online, "ok"),
        DeskLink::Connecting => (t.link_connecting, "neutral"),
        DeskLink::Offline => (t.link_offline, "bad"),
    };

    let tabs = state.tabs.iter().map(|tab| {
        let current = state.active == Some(tab.id);
        html! {
            <button type="button"
                class={classes!("tab", "session-tab", current.then_some("current"), (!tab.is_live()).then_some("ended"))}
                data-session={tab.id.to_string()}
                aria-current={current.then_some("page")}
                onclick={select(Some(tab.id))}>
                <span class={classes!("status-dot", if tab.is_live() { "ok" } else { "ended" })} aria-hidden="true"></span>
                { tab.customer.clone() }
                if tab.unread > 0 {
                    <span class="unread">{ tab.unread }</span>
                }
            </button>
        }
    });

    let panel = match state.active_tab() {
        Some(tab) => {
            let d = dispatch.clone();
            let desk1 = desk.clone();
            let desk2 = desk.clone();
            let desk3 = desk.clone();
            let d2 = dispatch.clone();
            let d3 = dispatch.clone();
            let d4 = dispatch.clone();
            html! {
                <SessionView
                    key={tab.id.0}
                    tab={tab.clone()}
                    stream={desk.remote_stream(tab.id)}
                    on_send={Callback::from(move |(id, text): (SessionId, String)| desk1.send_chat(id, &text))}
                    on_request_screen={Callback::from(move |id| desk2.request_screen(id))}
                    on_fit={Callback::from(move |(session, fit)| d.dispatch(Action::SetFit { session, fit }))}
                    on_notes={Callback::from(move |(session, text)| d2.dispatch(Action::EditNotes { session, text }))}
                    on_save_notes={Callback::from(move |(session, text)| save_notes(d3.clone(), session, text))}
                    on_end={Callback::from(move |id| desk3.end(id))}
                    on_close={Callback::from(move |id| d4.dispatch(Action::Close(id)))}
                />
            }
        }
        None => html! {
            <div class="overview">
                <h2 class="overview-title">{ t.overview_title }</h2>
                <p class="intro">{ t.overview_intro }</p>
                <Reports reports={state.reports.clone()} on_refresh={refresh} />
            </div>
        },
    };

    html! {
        <div class="console-page" onclick={unlock_audio}>
            <header class="topbar">
                <span class="brand">{ t.console_title }</span>
                <span class={classes!("pill", link_class)} role="status">{ link_text }</span>
                <span class="spacer"></span>
                <span class="user">{ username.to_owned() }</span>
                <LangSwitch />
                <button id="sign-out" type="button" class="button secondary small" onclick={sign_out}>
                    { t.sign_out }
                </button>
            </header>
            if let Some(code) = state.alert {
                <div class="alert" role="alert">
                    <span>{ t.error(code, None) }</span>
                    <button type="button" class="button secondary small" onclick={dismiss}>{ "OK" }</button>
                </div>
            }
            <div class="console-body">
                // The queue comes first: at 1280×720 a waiting customer must
                // be visible without scrolling past the PIN card.
                <aside class="sidebar">
                    <Queue
                        entries={state.queue.clone()}
                        open={state.tabs.iter().map(|t| t.id).collect::<Vec<_>>()}
                        {on_start}
                        {on_open}
                    />
                    <PinCard card={state.pin.clone()} on_new={on_new_pin} {on_copy}
                        on_notes={on_pin_notes} on_save_notes={on_save_pin_notes} />
                </aside>
                <main class="workspace">
                    <nav class="tabs" aria-label={t.sessions_nav}>
                        <button type="button"
                            class={classes!("tab", "overview-tab", state.active.is_none().then_some("current"))}
                            aria-current={state.active.is_none().then_some("page")}
                            onclick={select(None)}>
                            { t.overview_tab }
                        </button>
                        { for tabs }
                    </nav>
                    <div class="tab-panel">{ panel }</div>
                </main>
            </div>
        </div>
    }
}
