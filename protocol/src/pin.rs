//! The one-time PIN a technician gives a customer.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A syntactically valid PIN: exactly six ASCII digits.
///
/// Parsing is forgiving about what people type around the digits (spaces,
/// dashes, as in "123 456" read out over the phone) and strict about the
/// digits themselves. Whether the PIN is live is the server's business.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Pin(String);

/// Why text is not a PIN. Each maps to its own [`crate::ErrorCode`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PinError {
    /// Nothing was typed.
    #[error("Please enter the 6-digit PIN your technician gave you.")]
    Empty,
    /// Something other than six digits was typed.
    #[error("A PIN is exactly 6 digits, like 123456.")]
    Malformed,
}

impl Pin {
    /// Number of digits in a PIN.
    pub const LEN: usize = 6;

    /// Parses what a person typed, ignoring spaces and dashes.
    pub fn parse(input: &str) -> Result<Self, PinError> {
        let digits: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        if digits.is_empty() {
            return Err(PinError::Empty);
        }
        if digits.len() != Self::LEN || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PinError::Malformed);
        }
        Ok(Self(digits))
    }

    /// Builds a PIN from a number below 1 000 000, zero-padded.
    pub fn from_number(n: u32) -> Option<Self> {
        (n < 1_000_000).then(|| Self(format!("{n:06}")))
    }

    /// The six digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The last two digits: what a session report keeps, so that a report
    /// can be matched with a phone call without storing the secret.
    pub fn suffix(&self) -> &str {
        &self.0[Self::LEN - 2..]
    }
}

impl FromStr for Pin {
    type Err = PinError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Pin {
    type Error = PinError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Pin> for String {
    fn from(pin: Pin) -> String {
        pin.0
    }
}

impl fmt::Display for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Debug hides the middle digits so a PIN never lands whole in a log line.
impl fmt::Debug for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pin(****{})", self.suffix())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_six_digits_and_ignores_spacing() {
        assert_eq!(Pin::parse("123456").unwrap().as_str(), "123456");
        assert_eq!(Pin::parse(" 123 456 ").unwrap().as_str(), "123456");
        assert_eq!(Pin::parse("123-456").unwrap().as_str(), "123456");
        assert_eq!(Pin::parse("000000").unwrap().as_str(), "000000");
    }

    #[test]
    fn rejects_empty_and_malformed() {
        assert_eq!(Pin::parse(""), Err(PinError::Empty));
        assert_eq!(Pin::parse("   "), Err(PinError::Empty));
        assert_eq!(Pin::parse("12345"), Err(PinError::Malformed));
        assert_eq!(Pin::parse("1234567"), Err(PinError::Malformed));
        assert_eq!(Pin::parse("12a456"), Err(PinError::Malformed));
        // Non-ASCII digits are digits to Unicode but not to us.
        assert_eq!(Pin::parse("١٢٣٤٥٦"), Err(PinError::Malformed));
    }

    #[test]
    fn from_number_pads_and_bounds() {
        assert_eq!(Pin::from_number(42).unwrap().as_str(), "000042");
        assert!(Pin::from_number(1_000_000).is_none());
    }

    #[test]
    fn serde_round_trip_validates() {
        let pin = Pin::parse("654321").unwrap();
        let json = serde_json::to_string(&pin).unwrap();
        assert_eq!(json, "\"654321\"");
        assert_eq!(serde_json::from_str::<Pin>(&json).unwrap(), pin);
        assert!(serde_json::from_str::<Pin>("\"12\"").is_err());
    }

    #[test]
    fn debug_does_not_leak_the_pin() {
        let pin = Pin::parse("987654").unwrap();
        assert_eq!(format!("{pin:?}"), "Pin(****54)");
        assert_eq!(pin.suffix(), "54");
    }
}
