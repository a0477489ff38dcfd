//! The chat: the transcript (chat lines with who and when, plus lines about
//! consent and sharing) and a message box. Enter sends; Shift+Enter makes a
//! new line.

use protocol::Role;
use protocol::limits::MAX_CHAT_CHARS;
use web_sys::{HtmlElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::browser;
use crate::i18n::use_texts;
use crate::i18n::{Texts, fill};
use crate::state::{Entry, Notice, Speaker, Transcript};

#[derive(Properties, PartialEq)]
pub struct ChatProps {
    pub transcript: Transcript,
    /// Which side this browser is: notices read differently for each.
    pub side: Role,
    /// The other person's name, for their lines and the notices.
    pub peer_name: AttrValue,
    /// False once the session is over: the message box goes away.
    pub enabled: bool,
    /// A line to send, untrimmed.
    pub on_send: Callback<String>,
}

/// A notice's sentence, from this side's point of view.
fn notice_text(t: &Texts, side: Role, event: Notice, peer: &str) -> String {
    let template = match (side, event) {
        (Role::Customer, Notice::Allowed) => t.notice_allowed,
        (Role::Customer, Notice::Denied) => t.notice_denied,
        (Role::Customer, Notice::TimedOut) => t.notice_timed_out,
        (Role::Customer, Notice::Stopped) => t.notice_stopped,
        (_, Notice::ShareFailed) => t.notice_share_failed,
        (Role::Technician | Role::Helper, Notice::Allowed) => t.screen_allowed_notice,
        (Role::Technician | Role::Helper, Notice::Denied) => t.screen_denied,
        (Role::Technician | Role::Helper, Notice::TimedOut) => t.screen_timed_out,
        (Role::Technician | Role::Helper, Notice::Stopped) => t.screen_stopped,
        (Role::Customer, Notice::Shown) => t.notice_shown,
        (Role::Customer, Notice::ShownStopped) => t.notice_shown_stopped,
        (Role::Customer, Notice::ShownClosed) => t.notice_shown_closed,
        (Role::Technician | Role::Helper, Notice::Shown) => t.notice_showing,
        (Role::Technician | Role::Helper, Notice::ShownStopped) => t.notice_showing_stopped,
        (Role::Technician | Role::Helper, Notice::ShownClosed) => t.notice_showing_closed,
        (_, Notice::ShowFailed) => t.notice_showing_failed,
        (Role::Customer, Notice::ControlAllowed) => t.control.notice_allowed_c,
        (Role::Customer, Notice::ControlDenied) => t.control.notice_denied_c,
        (Role::Customer, Notice::ControlTimedOut) => t.control.notice_timed_out_c,
        (Role::Customer, Notice::ControlStopped) => t.control.notice_stopped_c,
        (Role::Customer, Notice::HelperLeft) => t.control.notice_helper_left_c,
        (Role::Technician | Role::Helper, Notice::ControlAllowed) => t.control.notice_allowed_t,
        (Role::Technician | Role::Helper, Notice::ControlDenied) => t.control.notice_denied_t,
        (Role::Technician | Role::Helper, Notice::ControlTimedOut) => t.control.notice_timed_out_t,
        (Role::Technician | Role::Helper, Notice::ControlStopped) => t.control.notice_stopped_t,
        (Role::Technician | Role::Helper, Notice::HelperLeft) => t.control.notice_helper_left_t,
    };
    fill(template, &[("name", peer)])
}

#[component]
pub fn Chat(props: &ChatProps) -> Html {
    let t = use_texts();
    let draft = use_state(String::new);
    let list = use_node_ref();

    // Keep the newest line in view as lines arrive.
    {
        let list = list.clone();
        use_effect_with(props.transcript.len(), move |_| {
            if let Some(el) = list.cast::<HtmlElement>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }

    let send = {
        let draft = draft.clone();
        let on_send = props.on_send.clone();
        move || {
            if !draft.trim().is_empty() {
                on_send.emit((*draft).clone());
                draft.set(String::new());
            }
        }
    };
    let onsubmit = {
        let send = send.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            send();
        })
    };
    let onkeydown = Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" && !e.shift_key() && !e.is_composing() {
            e.prevent_default();
            send();
        }
    });
    let oninput = {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            draft.set(area.value());
        })
    };

    let line = |entry: &Entry| match entry {
        Entry::Chat { from, text, at_ms } => {
            let (who, class) = match from {
                Speaker::Me => (t.you.to_owned(), "mine"),
                Speaker::Peer => (props.peer_name.to_string(), "theirs"),
            };
            html! {
                <li class={classes!("chat-line", class)}>
                    <span class="chat-meta">
                        <span class="chat-who">{ who }</span>
                        <time class="chat-when">{ browser::clock(*at_ms) }</time>
                    </span>
                    <span class="chat-text">{ text.clone() }</span>
                </li>
            }
        }
        Entry::Notice { event, at_ms } => html! {
            <li class="chat-notice">
                <time class="chat-when">{ browser::clock(*at_ms) }</time>
                { " " }
                { notice_text(t, props.side, *event, &props.peer_name) }
            </li>
        },
    };

    html! {
        <section class="chat" aria-labelledby="chat-title">
            <h2 id="chat-title" class="panel-title">{ t.chat_title }</h2>
            <ol id="transcript" class="transcript" ref={list} aria-live="polite" tabindex="0">
                if props.transcript.is_empty() {
                    <li class="chat-empty">{ t.chat_empty }</li>
                }
                { for props.transcript.entries().iter().map(line) }
            </ol>
            // Once the session is over there is no one to write to.
            if props.enabled {
                <form class="composer" {onsubmit}>
                    <label for="message" class="composer-label">{ t.message_label }</label>
                    <div class="composer-row">
                        <textarea
                            id="message"
                            rows="2"
                            maxlength={MAX_CHAT_CHARS.to_string()}
                            placeholder={t.message_placeholder}
                            value={(*draft).clone()}
                            {oninput}
                            {onkeydown}
                        />
                        <button id="send" type="submit" class="button primary">
                            { t.send }
                        </button>
                    </div>
                </form>
            }
        </section>
    }
}
