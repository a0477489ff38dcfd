//! Size limits. The server enforces them; the app uses them to stop a person
//! typing more than will be accepted instead of failing after the fact.

/// Largest WebSocket text frame the server accepts. SDP offers with many
/// candidates stay well below 16 KiB, so 64 KiB leaves room without letting
/// one client make the server buffer megabytes.
pub const MAX_FRAME_BYTES: usize = 64 * 1024;

/// Longest customer name, in characters.
pub const MAX_NAME_CHARS: usize = 80;

/// Longest session notes, in characters.
pub const MAX_NOTES_CHARS: usize = 4000;

/// Longest chat message, in characters.
pub const MAX_CHAT_CHARS: usize = 4000;

/// Longest username or password accepted at sign-in, in bytes. Argon2 would
/// happily hash a megabyte; there is no reason to let anyone make it.
pub const MAX_CREDENTIAL_BYTES: usize = 1024;

/// How long the customer has to answer a consent request before it counts as
/// a refusal (seconds).
pub const CONSENT_TIMEOUT_SECS: u64 = 5 * 60;

/// Most files in one file transfer (a folder counts its files).
pub const MAX_OFFER_FILES: usize = 10_000;

/// Longest relative path of one file in a transfer, in UTF-8 bytes.
pub const MAX_PATH_BYTES: usize = 1024;

/// Most path segments (folders plus the file name) of one file.
pub const MAX_PATH_DEPTH: usize = 32;

/// Largest binary frame on the `files` channel: a chunk's header and data.
/// Every current browser accepts data-channel messages of this size.
pub const MAX_FILE_FRAME_BYTES: usize = 64 * 1024;

/// Longest text sent with Send text, in characters.
pub const MAX_SHARED_TEXT_CHARS: usize = 10_000;

/// Most file names one transfer keeps in the session report; the report
/// still counts every file.
pub const MAX_RECORDED_FILES: usize = 50;
