//! The language switcher: every page has one, top right.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::i18n::Lang;
use crate::i18n::{I18n, use_texts};

#[component]
pub fn LangSwitch() -> Html {
    let t = use_texts();
    let Some(i18n) = use_context::<I18n>() else {
        return html! {};
    };
    let onchange = {
        let set = i18n.set.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Some(lang) = Lang::from_tag(&select.value()) {
                set.emit(lang);
            }
        })
    };
    html! {
        <div class="lang-switch">
            <label for="lang" class="visually-hidden">{ t.language }</label>
            <select id="lang" {onchange} title={t.language}>
                { for Lang::ALL.iter().map(|lang| html! {
                    <option value={lang.tag()} lang={lang.tag()} selected={*lang == i18n.lang}>
                        { lang.native_name() }
                    </option>
                }) }
            </select>
        </div>
    }
}
