//! The customer's own checks: the form before it is sent, and how long
//! the consent dialog may stay open.

use protocol::limits::{CONSENT_TIMEOUT_SECS, MAX_NAME_CHARS};
use protocol::{ErrorCode, Pin};

/// Checks the form as the server would, so empty and malformed input is
/// explained at once. Returns the PIN and trimmed name to send.
pub fn check_form(
    pin: &str,
    name: &str,
) -> Result<(Pin, String), (Option<ErrorCode>, Option<ErrorCode>)> {
    let pin = Pin::parse(pin).map_err(ErrorCode::from);
    let name = name.trim();
    let name = if name.is_empty() {
        Err(ErrorCode::NameRequired)
    } else if name.chars().count() > MAX_NAME_CHARS {
        Err(ErrorCode::TooLong)
    } else {
        Ok(name.to_owned())
    };
    match (pin, name) {
        (Ok(pin), Ok(name)) => Ok((pin, name)),
        (pin, name) => Err((pin.err(), name.err())),
    }
}

/// When the consent dialog stops waiting. The server's `expires_at` is on
/// the server's clock; trusted when it is plausible against ours, else the
/// timeout is counted from arrival so a wrong local clock neither hides the
/// dialog at once nor keeps it open far longer than the server will.
pub fn consent_deadline(now_ms: f64, expires_at_ms: f64) -> f64 {
    let timeout_ms = (CONSENT_TIMEOUT_SECS * 1000) as f64;
    let left = expires_at_ms - now_ms;
    if left > 0.0 && left <= timeout_ms {
        expires_at_ms
    } else {
        now_ms + timeout_ms
    }
}
