//! The Lifeline Helper's download: which platforms exist, how long its
//! token lives, and the trailer that binds one download to one session.
//!
//! The server appends a [`Trailer`] to the helper's executable as it sends
//! it; the helper reads the end of its own file at start-up, so the
//! customer runs it without typing or pasting anything secret. The token in
//! it is worth one join, for [`TOKEN_LIFETIME_SECS`] at most: a copy left
//! in the Downloads folder is useless afterwards.

use serde::{Deserialize, Serialize};

/// How long a helper token may wait for its helper to join.
pub const TOKEN_LIFETIME_SECS: u64 = 10 * 60;

/// Platforms a helper can be built for, as named in downloads and in
/// `helper_join`. A server offers those it has a binary for.
pub const PLATFORMS: &[&str] = &["linux-x86_64", "linux-aarch64"];

/// The file name a helper download is saved as.
pub fn file_name(platform: &str) -> String {
    if platform.starts_with("windows") {
        "lifeline-helper.exe".to_owned()
    } else {
        "lifeline-helper".to_owned()
    }
}

/// Ends every downloaded helper: the last bytes of the file.
pub const TRAILER_MAGIC: &[u8; 16] = b"LIFELINE-HELPER1";

/// A trailer never holds more than this much JSON.
pub const MAX_TRAILER_BYTES: usize = 4096;

/// What a download carries for its helper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trailer {
    /// The server's address as the customer's browser reached it
    /// (`https://support.example.org`); the helper connects to `/ws` there.
    pub server: String,
    /// The single-use helper token.
    pub token: String,
}

impl Trailer {
    /// The bytes appended after the executable: JSON, its length as a
    /// little-endian `u32`, then [`TRAILER_MAGIC`].
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = serde_json::to_vec(self).unwrap_or_default();
        let len = out.len() as u32;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(TRAILER_MAGIC);
        out
    }

    /// Reads the trailer from the end of a file's bytes (`tail` needs only
    /// be the file's last [`MAX_TRAILER_BYTES`] + 20 bytes). `None`: the
    /// file has no trailer (a helper built locally, run with arguments).
    pub fn from_tail(tail: &[u8]) -> Option<Trailer> {
        let magic_at = tail.len().checked_sub(TRAILER_MAGIC.len())?;
        if &tail[magic_at..] != TRAILER_MAGIC {
            return None;
        }
        let len_at = magic_at.checked_sub(4)?;
        let len = u32::from_le_bytes(tail[len_at..magic_at].try_into().ok()?) as usize;
        if len > MAX_TRAILER_BYTES {
            return None;
        }
        let json_at = len_at.checked_sub(len)?;
        serde_json::from_slice(&tail[json_at..len_at]).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trailer_reads_back_from_the_end_of_a_file() {
        let trailer = Trailer {
            server: "https://support.example.org".into(),
            token: "0123abcd".into(),
        };
        let mut file = b"\x7fELF...the helper itself...".to_vec();
        file.extend(trailer.to_bytes());
        assert_eq!(Trailer::from_tail(&file), Some(trailer));
    }

    #[test]
    fn a_file_without_a_trailer_has_none() {
        assert_eq!(Trailer::from_tail(b""), None);
        assert_eq!(Trailer::from_tail(b"\x7fELF plain binary"), None);
        let mut lying = vec![0u8; 8];
        lying.extend_from_slice(&u32::MAX.to_le_bytes());
        lying.extend_from_slice(TRAILER_MAGIC);
        assert_eq!(Trailer::from_tail(&lying), None);
    }
}
