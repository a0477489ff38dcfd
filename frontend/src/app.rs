//! The root component: picks the language, provides it to every page, and
//! shows the customer page or the console by the page's path. The server
//! answers every unknown path with the same `index.html`, so `/console`
//! arrives here too.

use yew::prelude::*;

use crate::browser;
use crate::i18n::{Lang, Texts};
use crate::location::Page;
use crate::pages::console::ConsolePage;
use crate::pages::customer::CustomerPage;

/// The language in use and how to change it; provided to every component.
#[derive(Clone, PartialEq)]
pub struct I18n {
    /// The language every component renders in.
    pub lang: Lang,
    /// The switcher's way to change it (and remember the choice).
    pub set: Callback<Lang>,
}

/// This page's strings, in the language in use.
#[hook]
pub fn use_texts() -> &'static Texts {
    use_context::<I18n>()
        .map(|i18n| i18n.lang)
        .unwrap_or(Lang::En)
        .texts()
}

/// The switcher's earlier choice, else the browser's preference.
fn initial_lang() -> Lang {
    browser::stored_language()
        .and_then(|tag| Lang::from_tag(&tag))
        .unwrap_or_else(|| {
            let preferred = browser::preferred_languages();
            Lang::negotiate(preferred.iter().map(String::as_str))
        })
}

#[component]
pub fn App() -> Html {
    let lang = use_state(initial_lang);
    use_effect_with(*lang, |lang| browser::set_document_lang(lang.tag()));
    let set = {
        let lang = lang.clone();
        Callback::from(move |chosen: Lang| {
            browser::store_language(chosen.tag());
            lang.set(chosen);
        })
    };
    let i18n = I18n { lang: *lang, set };
    let page = match Page::from_path(&browser::path()) {
        Page::Customer => html! { <CustomerPage /> },
        Page::Console => html! { <ConsolePage /> },
    };
    html! {
        <ContextProvider<I18n> context={i18n}>
            { page }
        </ContextProvider<I18n>>
    }
}
