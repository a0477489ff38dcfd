//! The technician console (`/console`): sign-in, then the PIN card and the
//! live queue in a sidebar, and one tab per started session beside an
//! overview with recent sessions. Renders the state and hands clicks to
//! the [`TechnicianDesk`], which does everything else.

use std::rc::Rc;

use protocol::SessionId;
use yew::prelude::*;

use crate::browser;
use crate::components::lang_switch::LangSwitch;
use crate::components::pin_card::PinCard;
use crate::components::queue::Queue;
use crate::components::reports::Reports;
use crate::components::session_view::SessionView;
use crate::components::sign_in::SignIn;
use crate::i18n::use_texts;
use crate::session::console::TechnicianDesk;
use crate::sound;
use crate::state::console::{
    Action, Auth, ConsoleState, DeskLink, PinAction, SessionTab, TabAction,
};

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
        let desk = desk.clone();
        use_effect_with((), move |_| desk.check_sign_in());
    }
    // The tab title shows how many wait; a newcomer rings.
    use_effect_with(state.title(t.console_title), |title| {
        browser::set_title(title)
    });
    use_effect_with(state.queue.ring, |ring| {
        if *ring > 0 {
            sound::ring();
        }
    });
    match &state.auth {
        Auth::Checking => html! {
            <div class="console-loading" role="status">{ t.loading }</div>
        },
        Auth::SignedOut { busy, problem } => {
            let on_submit = {
                let desk = desk.clone();
                Callback::from(move |(username, password)| desk.sign_in(username, password))
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
        let desk = desk.clone();
        Callback::from(move |_: MouseEvent| desk.sign_out())
    };
    let on_new_pin = {
        let desk = desk.clone();
        let notes = state.pin.notes.clone();
        let current = state.pin.issued.as_ref().map(|p| p.pin.clone());
        Callback::from(move |another: bool| desk.new_pin(another, &notes, current.clone()))
    };
    let on_copy = {
        let desk = desk.clone();
        Callback::from(move |link: String| desk.copy_link(link))
    };
    let on_pin_notes = {
        let dispatch = dispatch.clone();
        Callback::from(move |text: String| {
            dispatch.dispatch(Action::Pin(PinAction::EditNotes(text)))
        })
    };
    let on_save_pin_notes = {
        let desk = desk.clone();
        Callback::from(move |(pin, text): (String, String)| desk.save_pin_notes(pin, text))
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
        let desk = desk.clone();
        Callback::from(move |()| desk.load_reports())
    };
    let unlock_audio = Callback::from(|_: MouseEvent| sound::unlock());

    let (link_text, link_class) = match state.link {
        DeskLink::Online => (t.link_online, "ok"),
        DeskLink::Connecting => (t.link_connecting, "neutral"),
        DeskLink::Offline => (t.link_offline, "bad"),
    };

    let tabs = state.tabs.iter().map(|tab| {
        let current = state.tabs.active == Some(tab.id);
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

    let panel = match state.tabs.active.and_then(|id| state.tabs.shared(id)) {
        Some(tab) => session_view(desk, &dispatch, tab),
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
                        entries={state.queue.entries.clone()}
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
                            class={classes!("tab", "overview-tab", state.tabs.active.is_none().then_some("current"))}
                            aria-current={state.tabs.active.is_none().then_some("page")}
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

/// The shown tab's session view, its clicks handed to the desk (side
/// effects) or the reducer (what only changes the view).
fn session_view(
    desk: &TechnicianDesk,
    dispatch: &UseReducerDispatcher<ConsoleState>,
    tab: &Rc<SessionTab>,
) -> Html {
    let on_desk = |f: fn(&TechnicianDesk, SessionId)| {
        let desk = desk.clone();
        Callback::from(move |id| f(&desk, id))
    };
    let on_tab = |f: fn(SessionId) -> Action| {
        let dispatch = dispatch.clone();
        Callback::from(move |id| dispatch.dispatch(f(id)))
    };
    let (d1, d2, d3, d4) = (desk.clone(), desk.clone(), desk.clone(), desk.clone());
    let (r1, r2) = (dispatch.clone(), dispatch.clone());
    html! {
        <SessionView
            key={tab.id.0}
            tab={tab.clone()}
            stream={desk.remote_stream(tab.id)}
            on_send={Callback::from(move |(id, text): (SessionId, String)| d1.send_chat(id, &text))}
            on_request_screen={on_desk(TechnicianDesk::request_screen)}
            on_record={on_desk(TechnicianDesk::record)}
            on_stop_recording={on_desk(TechnicianDesk::stop_recording)}
            on_show_screen={on_desk(TechnicianDesk::show_screen)}
            on_stop_showing={on_desk(TechnicianDesk::stop_showing)}
            on_fit={Callback::from(move |(id, fit)| r1.dispatch(Action::Tab(id, TabAction::SetFit(fit))))}
            on_notes={Callback::from(move |(id, text)| r2.dispatch(Action::Tab(id, TabAction::EditNotes(text))))}
            on_save_notes={Callback::from(move |(id, text)| d2.save_notes(id, text))}
            on_end={on_desk(TechnicianDesk::end)}
            on_close={on_tab(Action::Close)}
            on_files={Callback::from(move |(id, click)| d3.files_click(id, click))}
            helper_stream={desk.helper_stream(tab.id)}
            on_control={Callback::from(move |(id, click)| d4.control(id, click))}
        />
    }
}
