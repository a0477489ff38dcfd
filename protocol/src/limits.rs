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
