//! What a console reports about one of its sessions (file transfers),
//! checked and written to the report. Nothing is kept in memory and no
//! one else is told: the record is the report's alone, so it is written
//! straight through the database thread, never under the hub's lock.

use protocol::activity::{Activity, RecordProblem};
use protocol::{ErrorCode, SessionId};

use super::{Hub, Refusal};

impl Hub {
    /// Adds `activity` to the report of one of `technician`'s sessions,
    /// running or ended (a transfer cancelled by the end is reported just
    /// after it). Another technician's session does not exist for them.
    pub async fn record_activity(
        &self,
        technician: &str,
        id: SessionId,
        activity: Activity,
    ) -> Result<(), Refusal> {
        let Activity::Transfer(record) = activity;
        if let Err(problem) = record.check() {
            let (code, why) = match problem {
                RecordProblem::TooManyNames => (
                    ErrorCode::TooLong,
                    "A transfer record lists at most 50 file names.",
                ),
                RecordProblem::BadName => (
                    ErrorCode::BadRequest,
                    "A transfer record has a file or folder name that is not a plain relative path.",
                ),
                RecordProblem::Inconsistent => (
                    ErrorCode::BadRequest,
                    "A transfer record's file count and sizes do not add up.",
                ),
            };
            return Err(Refusal::new(code).about(id).saying(why));
        }
        let now = self.shared.config.clock.now();
        let technician = technician.to_owned();
        let added = self
            .shared
            .db
            .call(move |store| store.add_transfer(id, &technician, now, &record))
            .await
            .map_err(|e| Refusal::from(e).about(id))?;
        if added {
            Ok(())
        } else {
            Err(Refusal::new(ErrorCode::SessionNotFound).about(id))
        }
    }
}
