//! The root component: picks the language, provides it to every page, and
//! shows the customer page or the console by the page's path. The server
//! answers every unknown path with the same `index.html`, so `/console`
//! arrives here too.

use yew::prelude::*;

use crate::browser;
use crate::i18n::{I18n, Lang, initial_lang};
use crate::location::Page;
use crate::pages::console::ConsolePage;
use crate::pages::customer::CustomerPage;

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
