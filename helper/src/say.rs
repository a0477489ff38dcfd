//! What the customer reads in the helper's window. Writes never fail the
//! helper: once the window is closed stdout is gone (SIGHUP follows), and
//! the helper must still release keys and leave cleanly.

use std::io::Write;

pub fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// For the technician's logs and the curious; not the customer's words.
pub fn note(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}
