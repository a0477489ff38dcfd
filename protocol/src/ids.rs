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
    /// The Lifeline Helper the customer runs for remote control: the
    /// customer's computer, speaking for itself with its own peer link to
    /// the technician's console.
    Helper,
}

impl Role {
    /// Whom this side's signalling goes to when it names nobody: the
    /// customer's browser and the helper both talk to the technician; the
    /// technician talks to the customer's browser unless it says `helper`.
    pub fn peer(self) -> Role {
        match self {
            Role::Technician => Role::Customer,
            Role::Customer | Role::Helper => Role::Technician,
        }
    }

    /// The role as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Technician => "technician",
            Role::Customer => "customer",
            Role::Helper => "helper",
        }
    }
}
