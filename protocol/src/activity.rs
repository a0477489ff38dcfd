//! What a console tells the server happened in a session outside the
//! server's sight, for the session report: today, file transfers. The
//! browsers move the files peer to peer; the console that ran the session
//! sends one [`Activity`] per finished transfer with `activity` on its
//! WebSocket.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::limits::MAX_RECORDED_FILES;
use crate::peer::offer::check_path;

/// One thing that happened in a session, as the console reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Activity {
    /// A file transfer reached its end.
    Transfer(TransferRecord),
}

/// A finished file transfer, either way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferRecord {
    pub direction: TransferDirection,
    /// The folder's name when a folder was offered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub folder: Option<String>,
    /// The offer's files, the first [`MAX_RECORDED_FILES`] of them.
    pub files: Vec<RecordedFile>,
    /// How many files the offer had (at least `files.len()`).
    pub file_count: u32,
    /// The offer's size in bytes, all files together.
    pub total_bytes: u64,
    pub outcome: TransferOutcome,
}

/// One file of a recorded transfer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedFile {
    /// The file's path as offered (below the folder, if any).
    pub path: String,
    pub size: u64,
}

/// Which way a transfer went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransferDirection {
    /// From the technician to the customer.
    ToCustomer,
    /// From the customer to the technician.
    FromCustomer,
}

/// How a transfer ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransferOutcome {
    /// Every file arrived and matched its hash.
    Done,
    /// The receiver said no.
    Declined,
    /// Either side cancelled, or the session ended first.
    Cancelled,
    /// Something went wrong (a hash mismatch, a broken connection).
    Failed,
}

impl TransferDirection {
    pub fn as_str(self) -> &'static str {
        match self {
            TransferDirection::ToCustomer => "to_customer",
            TransferDirection::FromCustomer => "from_customer",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            TransferDirection::ToCustomer,
            TransferDirection::FromCustomer,
        ]
        .into_iter()
        .find(|d| d.as_str() == s)
    }
}

impl TransferOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            TransferOutcome::Done => "done",
            TransferOutcome::Declined => "declined",
            TransferOutcome::Cancelled => "cancelled",
            TransferOutcome::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            TransferOutcome::Done,
            TransferOutcome::Declined,
            TransferOutcome::Cancelled,
            TransferOutcome::Failed,
        ]
        .into_iter()
        .find(|o| o.as_str() == s)
    }
}

/// Why the server refused a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordProblem {
    /// More than [`MAX_RECORDED_FILES`] names.
    TooManyNames,
    /// A name that is not a path [`check_path`] accepts, or a bad folder.
    BadName,
    /// `file_count` below the names given, zero, or sizes over the total.
    Inconsistent,
}

impl TransferRecord {
    /// Checks what the server stores: few, well-formed names and counts
    /// that add up.
    pub fn check(&self) -> Result<(), RecordProblem> {
        if self.files.len() > MAX_RECORDED_FILES {
            return Err(RecordProblem::TooManyNames);
        }
        let folder_ok = self
            .folder
            .as_deref()
            .is_none_or(|f| check_path(f) && !f.contains('/'));
        if !folder_ok || !self.files.iter().all(|f| check_path(&f.path)) {
            return Err(RecordProblem::BadName);
        }
        let listed: Option<u64> = self
            .files
            .iter()
            .try_fold(0u64, |sum, f| sum.checked_add(f.size));
        let adds_up = listed.is_some_and(|sum| sum <= self.total_bytes)
            && self.file_count as usize >= self.files.len()
            && self.file_count > 0
            && (self.file_count as usize > self.files.len() || listed == Some(self.total_bytes));
        if !adds_up {
            return Err(RecordProblem::Inconsistent);
        }
        Ok(())
    }
}

/// A transfer as a report lists it: the record and when it was stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferEntry {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    #[serde(flatten)]
    pub record: TransferRecord,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record() -> TransferRecord {
        TransferRecord {
            direction: TransferDirection::ToCustomer,
            folder: None,
            files: vec![RecordedFile {
                path: "driver.zip".into(),
                size: 42,
            }],
            file_count: 1,
            total_bytes: 42,
            outcome: TransferOutcome::Done,
        }
    }

    #[test]
    fn a_transfer_has_the_documented_shape() {
        let value = serde_json::to_value(Activity::Transfer(record())).unwrap();
        assert_eq!(
            value,
            json!({"kind": "transfer", "direction": "to_customer",
                   "files": [{"path": "driver.zip", "size": 42}],
                   "file_count": 1, "total_bytes": 42, "outcome": "done"})
        );
        assert_eq!(
            serde_json::from_value::<Activity>(value).unwrap(),
            Activity::Transfer(record())
        );
        for o in [
            TransferOutcome::Done,
            TransferOutcome::Declined,
            TransferOutcome::Cancelled,
            TransferOutcome::Failed,
        ] {
            assert_eq!(TransferOutcome::parse(o.as_str()), Some(o));
            assert_eq!(serde_json::to_value(o).unwrap(), json!(o.as_str()));
        }
        for d in [
            TransferDirection::ToCustomer,
            TransferDirection::FromCustomer,
        ] {
            assert_eq!(TransferDirection::parse(d.as_str()), Some(d));
            assert_eq!(serde_json::to_value(d).unwrap(), json!(d.as_str()));
        }
    }

    #[test]
    fn records_that_do_not_add_up_are_refused() {
        assert_eq!(record().check(), Ok(()));
        let mut r = record();
        r.total_bytes = 41;
        assert_eq!(r.check(), Err(RecordProblem::Inconsistent));
        let mut r = record();
        r.file_count = 0;
        assert_eq!(r.check(), Err(RecordProblem::Inconsistent));
        let mut r = record();
        r.files[0].path = "../../etc/passwd".into();
        assert_eq!(r.check(), Err(RecordProblem::BadName));
        let mut r = record();
        r.files = vec![r.files[0].clone(); MAX_RECORDED_FILES + 1];
        r.file_count = 100;
        r.total_bytes = 1 << 20;
        assert_eq!(r.check(), Err(RecordProblem::TooManyNames));
        // A long folder lists its first names and counts the rest.
        let mut r = record();
        r.folder = Some("photos".into());
        r.file_count = 2000;
        r.total_bytes = 1 << 30;
        assert_eq!(r.check(), Ok(()));
    }
}
