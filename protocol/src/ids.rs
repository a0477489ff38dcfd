//! Identifiers.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A support session: one customer with one technician, from the customer's
/// join to its end. It is also the id of the session's report row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SessionId(pub i64);

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// One recording of a session's screen, stored by the server. A session may
/// have several (each Record … Stop is one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RecordingId(pub i64);

impl fmt::Display for RecordingId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Which side of a session a socket speaks for. The server stamps it on every
/// relayed message; clients never choose it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Technician,
    Customer,
}

impl Role {
    /// The other side of the session.
    pub fn peer(self) -> Role {
        match self {
            Role::Technician => Role::Customer,
            Role::Customer => Role::Technician,
        }
    }
}
