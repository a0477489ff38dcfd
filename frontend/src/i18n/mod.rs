//! Every string a person sees, in English, Norwegian (bokmål) and Russian.
//!
//! Each language is one [`Texts`] value in its own file, so a translator
//! edits one file and the compiler checks that no string is missing.
//! Strings that carry values use named placeholders (`{name}`, `{time}`),
//! filled by [`fill`]; a unit test checks every language uses the same ones.
//!
//! - this file: [`Lang`], how one is picked, and [`fill`];
//! - [`texts`]: the [`Texts`] fields and the sentences built from them;
//! - [`files`]: the files and text panel's strings, which `Texts` points to;
//! - [`control`]: remote control's strings, pointed to the same way;
//! - `context` (browser only): the language in use, provided to every
//!   component, and `use_texts` to read this page's strings.

#[cfg(target_arch = "wasm32")]
mod context;
pub mod control;
mod en;
pub mod files;
mod nb;
mod ru;
#[cfg(test)]
mod tests;
mod texts;

#[cfg(target_arch = "wasm32")]
pub use context::{I18n, initial_lang, use_texts};
pub use texts::Texts;

/// A language the app is translated into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    Nb,
    Ru,
}

impl Lang {
    /// Every language, in the order the switcher lists them.
    pub const ALL: [Lang; 3] = [Lang::En, Lang::Nb, Lang::Ru];

    /// The BCP 47 tag, for `<html lang>` and for remembering the choice.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Nb => "nb",
            Lang::Ru => "ru",
        }
    }

    /// The language's name in itself, as the switcher shows it.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Nb => "Norsk (bokmål)",
            Lang::Ru => "Русский",
        }
    }

    /// Reads one language tag such as `nb-NO` or `ru`. Norwegian without a
    /// written standard (`no`) and nynorsk readers get bokmål: it is what
    /// they read every day, and far closer than English.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "nb" | "no" | "nn" => Some(Lang::Nb),
            "ru" => Some(Lang::Ru),
            _ => None,
        }
    }

    /// Picks the first language the browser prefers that we have, else English.
    pub fn negotiate<'a>(preferred: impl IntoIterator<Item = &'a str>) -> Lang {
        preferred
            .into_iter()
            .find_map(Lang::from_tag)
            .unwrap_or(Lang::En)
    }

    /// This language's strings.
    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::En => &en::TEXTS,
            Lang::Nb => &nb::TEXTS,
            Lang::Ru => &ru::TEXTS,
        }
    }
}

/// Replaces each `{key}` in `template` with its value.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (key, value) in values {
        out = out.replace(&format!("{{{key}}}"), value);
    }
    out
}
