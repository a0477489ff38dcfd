//! Cleaning the display name a customer types, before anyone sees it.
//!
//! The name lands in the technician's queue, the session report and the CSV
//! export, and the technician checks it against the person on the phone
//! (docs/security.md). So it must read as what it is: no control characters
//! that garble a line, no bidi controls that make `Ann<U+202E>gpj.exe` show
//! as `Annexe.jpg`, no invisible characters that make two names look alike or
//! a blank name look filled in.

use protocol::ErrorCode;
use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};

/// Why a name was refused. `Display` is the sentence for the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NameProblem {
    /// Nothing visible was left once invisible characters were dropped.
    #[error("{}", ErrorCode::NameRequired.message())]
    Empty,
    /// More than `max_chars` characters remain after cleaning.
    #[error("Please use a shorter name (at most {max_chars} characters).")]
    TooLong {
        /// The limit that was exceeded, for the sentence.
        max_chars: usize,
    },
}

impl NameProblem {
    /// The wire code for this problem.
    pub fn code(self) -> ErrorCode {
        match self {
            NameProblem::Empty => ErrorCode::NameRequired,
            NameProblem::TooLong { .. } => ErrorCode::TooLong,
        }
    }
}

/// The name as it will be shown: whitespace of any kind (tabs, newlines,
/// no-break and ideographic spaces) becomes one plain space between words,
/// control and invisible characters (see [`is_invisible`]) are dropped, and
/// the ends are trimmed. Refused when nothing visible is left, or when more
/// than `max_chars` characters remain (invisible padding does not count,
/// since it is gone).
pub fn clean_display_name(raw: &str, max_chars: usize) -> Result<String, NameProblem> {
    let mut name = String::with_capacity(raw.len().min(4 * max_chars + 4));
    // A space is written only before the next visible character, so runs
    // collapse and nothing trails.
    let mut space_pending = false;
    for c in raw.chars() {
        if c.is_whitespace() {
            space_pending = true;
        } else if c.is_control() || is_invisible(c) {
            // Dropped without a trace: `An<U+200B>n` is "Ann".
        } else {
            if space_pending && !name.is_empty() {
                name.push(' ');
            }
            space_pending = false;
            name.push(c);
        }
    }
    // Combining marks alone have no letter to sit on: they show as a stray
    // accent or nothing at all.
    let visible = name
        .chars()
        .any(|c| c != ' ' && c.general_category_group() != GeneralCategoryGroup::Mark);
    if !visible {
        return Err(NameProblem::Empty);
    }
    if name.chars().count() > max_chars {
        return Err(NameProblem::TooLong { max_chars });
    }
    Ok(name)
}

/// Characters that draw nothing yet change how text around them reads:
/// every format character (Unicode category Cf: bidi controls U+202A–U+202E,
/// U+2066–U+2069, U+200E, U+200F, U+061C; zero-width U+200B–U+200D, U+2060,
/// U+FEFF, U+180E; soft hyphen U+00AD; tag characters...), plus the
/// default-ignorable characters that are not Cf (Hangul fillers, variation
/// selectors, the combining grapheme joiner) and the blank Braille pattern,
/// all of which are favourites for names that look empty or look like
/// someone else's.
pub fn is_invisible(c: char) -> bool {
    c.general_category() == GeneralCategory::Format
        || matches!(
            c,
            '\u{034F}'                    // combining grapheme joiner
                | '\u{115F}' | '\u{1160}' // Hangul choseong/jungseong fillers
                | '\u{17B4}' | '\u{17B5}' // Khmer inherent vowels
                | '\u{180B}'..='\u{180F}' // Mongolian variation selectors
                | '\u{2800}'              // Braille pattern blank
                | '\u{3164}'              // Hangul filler
                | '\u{FE00}'..='\u{FE0F}' // variation selectors
                | '\u{FFA0}'              // halfwidth Hangul filler
                | '\u{FFF0}'..='\u{FFF8}' // reserved default-ignorable
                | '\u{E0000}'..='\u{E0FFF}' // tags, variation selectors supplement
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::limits::MAX_NAME_CHARS;

    fn clean(raw: &str) -> Result<String, NameProblem> {
        clean_display_name(raw, MAX_NAME_CHARS)
    }

    #[test]
    fn ordinary_names_are_kept_as_typed() {
        for name in [
            "Ann",
            "José Müller-Lüdenscheidt",
            "山田 太郎",
            "محمد علي",
            "O'Brien (Accounts)",
            "Zoë 🙂",
        ] {
            assert_eq!(clean(name).unwrap(), name);
        }
    }

    #[test]
    fn whitespace_is_trimmed_and_collapsed() {
        assert_eq!(clean("  Ann \t\n  Smith  ").unwrap(), "Ann Smith");
        // No-break, ideographic, line separator, en space: all just spaces.
        assert_eq!(
            clean("\u{00A0}Ann\u{00A0}\u{3000}\u{2028}\u{2002}Smith\u{3000}").unwrap(),
            "Ann Smith"
        );
        assert_eq!(clean("Ann\r\nSmith").unwrap(), "Ann Smith");
    }

    #[test]
    fn control_characters_are_dropped() {
        assert_eq!(clean("Ann\u{7}").unwrap(), "Ann");
        // A terminal escape loses its ESC and cannot colour a log line.
        assert_eq!(clean("\u{1b}[31mAnn").unwrap(), "[31mAnn");
        assert_eq!(clean("A\u{0}n\u{7f}n\u{9b}").unwrap(), "Ann");
    }

    #[test]
    fn bidi_controls_are_stripped() {
        for c in [
            '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}',
            '\u{2068}', '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}',
        ] {
            assert!(is_invisible(c), "{:04X}", c as u32);
            assert_eq!(
                clean(&format!("Ann{c}gpj.exe")).unwrap(),
                "Anngpj.exe",
                "{:04X}",
                c as u32
            );
        }
        // Right-to-left names need no marks to display correctly.
        assert_eq!(clean("\u{200F}محمد\u{200F}").unwrap(), "محمد");
    }

    #[test]
    fn zero_width_and_invisible_characters_are_stripped() {
        for c in [
            '\u{200B}',
            '\u{200C}',
            '\u{200D}',
            '\u{2060}',
            '\u{FEFF}',
            '\u{180E}',
            '\u{00AD}',
            '\u{2061}',
            '\u{034F}',
            '\u{3164}',
            '\u{115F}',
            '\u{FFA0}',
            '\u{2800}',
            '\u{FE0F}',
            '\u{E0041}',
        ] {
            assert!(is_invisible(c), "{:04X}", c as u32);
            assert_eq!(
                clean(&format!("{c}A{c}n{c}n{c}")).unwrap(),
                "Ann",
                "{:04X}",
                c as u32
            );
        }
        // Invisible characters between spaces leave one space, not two.
        assert_eq!(clean("Ann \u{200B} Smith").unwrap(), "Ann Smith");
        // Joined emoji fall apart into their visible pieces.
        assert_eq!(clean("👨\u{200D}👩\u{200D}👧").unwrap(), "👨👩👧");
        // Visible characters are not "invisible".
        for c in ['A', ' ', '-', 'é', '\u{0301}', '山', '🙂'] {
            assert!(!is_invisible(c), "{:04X}", c as u32);
        }
    }

    #[test]
    fn nothing_visible_is_no_name() {
        for raw in [
            "",
            "   ",
            " \t\r\n ",
            "\u{200B}\u{2060}\u{FEFF}",
            "\u{3164}",
            "\u{2800}\u{2800}",
            "\u{202E} \u{200F}",
            "\u{7}\u{1b}",
            // Combining accents with nothing to sit on.
            "\u{0301}\u{0308}",
        ] {
            assert_eq!(clean(raw), Err(NameProblem::Empty), "{raw:?}");
        }
    }

    #[test]
    fn length_is_counted_in_visible_characters() {
        let longest = "é".repeat(MAX_NAME_CHARS);
        assert_eq!(clean(&longest).unwrap(), longest);
        let padded = format!("{longest}{}", "\u{200B}".repeat(500));
        assert_eq!(clean(&padded).unwrap(), longest);
        assert_eq!(
            clean(&"x".repeat(MAX_NAME_CHARS + 1)),
            Err(NameProblem::TooLong {
                max_chars: MAX_NAME_CHARS
            })
        );
        assert_eq!(
            clean_display_name("Ann Smith", 8).unwrap_err().code(),
            ErrorCode::TooLong
        );
        assert_eq!(clean_display_name("Ann Smith", 9).unwrap(), "Ann Smith");
    }

    #[test]
    fn problems_carry_their_code_and_a_sentence() {
        assert_eq!(NameProblem::Empty.code(), ErrorCode::NameRequired);
        assert_eq!(
            NameProblem::Empty.to_string(),
            ErrorCode::NameRequired.message()
        );
        let long = NameProblem::TooLong { max_chars: 80 };
        assert_eq!(long.code(), ErrorCode::TooLong);
        assert_eq!(
            long.to_string(),
            "Please use a shorter name (at most 80 characters)."
        );
    }
}
