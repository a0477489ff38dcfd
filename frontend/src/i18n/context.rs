//! The language in use, as a yew context every component can read: the
//! root component provides it, [`use_texts`] reads this page's strings,
//! and the switcher changes it through [`I18n::set`].

use yew::prelude::*;

use super::{Lang, Texts};
use crate::browser;

/// The language in use and how to change it; provided to every component.
#[derive(Clone, PartialEq)]
pub struct I18n {
    /// The language every component renders in.
    pub lang: Lang,
    /// The switcher's way to change it (and remember the choice).
    pub set: Callback<Lang>,
}

/// This page's strings, in the language in use (English outside a provider).
#[hook]
pub fn use_texts() -> &'static Texts {
    use_context::<I18n>()
        .map(|i18n| i18n.lang)
        .unwrap_or(Lang::En)
        .texts()
}

/// The switcher's earlier choice, else the browser's preference.
pub fn initial_lang() -> Lang {
    browser::stored_language()
        .and_then(|tag| Lang::from_tag(&tag))
        .unwrap_or_else(|| {
            let preferred = browser::preferred_languages();
            Lang::negotiate(preferred.iter().map(String::as_str))
        })
}
