//! The technician's sign-in form.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::i18n::use_texts;
use crate::state::Problem;

#[derive(Properties, PartialEq)]
pub struct SignInProps {
    /// A request is on its way: the button waits.
    pub busy: bool,
    pub problem: Option<Problem>,
    /// Username and password.
    pub on_submit: Callback<(String, String)>,
}

#[component]
pub fn SignIn(props: &SignInProps) -> Html {
    let t = use_texts();
    let username = use_node_ref();
    let password = use_node_ref();
    {
        let username = username.clone();
        use_effect_with((), move |_| {
            if let Some(el) = username.cast::<HtmlInputElement>() {
                let _ = el.focus();
            }
        });
    }
    let onsubmit = {
        let (username, password) = (username.clone(), password.clone());
        let cb = props.on_submit.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let value = |r: &NodeRef| {
                r.cast::<HtmlInputElement>()
                    .map(|el| el.value())
                    .unwrap_or_default()
            };
            cb.emit((value(&username), value(&password)));
        })
    };
    let error = props.problem.as_ref().map(|p| t.problem(p));
    html! {
        <main class="sign-in-page">
            <form class="card sign-in" {onsubmit} aria-labelledby="sign-in-title">
                <h1 id="sign-in-title">{ t.sign_in_title }</h1>
                <div class="field">
                    <label for="username">{ t.username }</label>
                    <input id="username" ref={username} type="text" autocomplete="username"
                        autocapitalize="none" spellcheck="false" required=true />
                </div>
                <div class="field">
                    <label for="password">{ t.password }</label>
                    <input id="password" ref={password} type="password"
                        autocomplete="current-password" required=true
                        aria-describedby="sign-in-error" />
                </div>
                <p id="sign-in-error" class="field-error" role="alert">
                    { error.unwrap_or_default() }
                </p>
                <button id="sign-in" type="submit" class="button primary wide" disabled={props.busy}>
                    { if props.busy { t.signing_in } else { t.sign_in } }
                </button>
            </form>
        </main>
    }
}
