//! Why the hub refused something a client asked for.

use protocol::{ErrorCode, ServerMessage, SessionId};

use crate::store::StoreError;

/// A refused request; becomes an `error` frame for the one client that asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: ErrorCode,
    /// A sentence for a person; defaults to the code's own.
    pub message: Option<String>,
    pub session: Option<SessionId>,
    pub retry_after_secs: Option<u64>,
}

impl Refusal {
    pub fn new(code: ErrorCode) -> Self {
        Self {
            code,
            message: None,
            session: None,
            retry_after_secs: None,
        }
    }

    pub fn about(mut self, session: SessionId) -> Self {
        self.session = Some(session);
        self
    }

    pub fn saying(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }

    pub fn retry_after(code: ErrorCode, secs: u64) -> Self {
        Self {
            retry_after_secs: Some(secs),
            message: Some(format!(
                "Too many attempts. Please wait {secs} seconds and try again."
            )),
            ..Self::new(code)
        }
    }

    /// Adds how long to wait before trying again.
    pub fn with_retry_after(mut self, secs: u64) -> Self {
        self.retry_after_secs = Some(secs);
        self
    }

    pub fn into_frame(self) -> ServerMessage {
        ServerMessage::Error {
            message: self
                .message
                .unwrap_or_else(|| self.code.message().to_owned()),
            code: self.code,
            session: self.session,
            retry_after_secs: self.retry_after_secs,
        }
    }
}

impl From<StoreError> for Refusal {
    fn from(e: StoreError) -> Self {
        tracing::error!("storage failed: {e}");
        Refusal::new(ErrorCode::Internal)
    }
}
