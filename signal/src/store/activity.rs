//! What consoles report about their sessions (file transfers), one row
//! per finished transfer, listed in the session's report.

use protocol::SessionId;
use protocol::activity::{
    RecordedFile, TransferDirection, TransferEntry, TransferOutcome, TransferRecord,
};
use rusqlite::params;
use time::OffsetDateTime;

use super::{Result, Store, exec_on, from_unix, to_unix};

impl Store {
    /// Adds a transfer to one of `technician`'s sessions (running or
    /// ended). False, and nothing written, when the session is not theirs.
    pub fn add_transfer(
        &self,
        id: SessionId,
        technician: &str,
        at: OffsetDateTime,
        record: &TransferRecord,
    ) -> Result<bool> {
        let files = serde_json::to_string(&record.files).unwrap_or_else(|_| "[]".into());
        let added = exec_on(
            &self.conn(),
            "INSERT INTO transfers
                 (session_id, at, direction, folder, file_count, total_bytes, files, outcome)
             SELECT id, ?3, ?4, ?5, ?6, ?7, ?8, ?9 FROM sessions WHERE id = ?1 AND technician = ?2",
            params![
                id.0,
                technician,
                to_unix(at),
                record.direction.as_str(),
                record.folder,
                record.file_count,
                // SQLite integers are signed; no offer comes near 2^63 bytes.
                i64::try_from(record.total_bytes).unwrap_or(i64::MAX),
                files,
                record.outcome.as_str(),
            ],
        )?;
        Ok(added == 1)
    }

    /// A session's transfers, oldest first.
    pub(super) fn transfers(&self, id: SessionId) -> Result<Vec<TransferEntry>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT at, direction, folder, file_count, total_bytes, files, outcome
             FROM transfers WHERE session_id = ?1 ORDER BY rowid",
        )?;
        let rows = stmt.query_map(params![id.0], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, u32>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (at, direction, folder, file_count, total, files, outcome) = row?;
            // Rows this server did not write are skipped, not guessed at.
            let (Some(direction), Some(outcome)) = (
                TransferDirection::parse(&direction),
                TransferOutcome::parse(&outcome),
            ) else {
                continue;
            };
            let files: Vec<RecordedFile> = serde_json::from_str(&files).unwrap_or_default();
            out.push(TransferEntry {
                at: from_unix(at),
                record: TransferRecord {
                    direction,
                    folder,
                    files,
                    file_count,
                    total_bytes: u64::try_from(total).unwrap_or(0),
                    outcome,
                },
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transfers_are_kept_for_their_technician_only() {
        let store = Store::open_in_memory().unwrap();
        let t0 = OffsetDateTime::UNIX_EPOCH + time::Duration::days(1);
        let id = crate::store::tess_and_ann(&store, t0);
        let record = TransferRecord {
            direction: TransferDirection::FromCustomer,
            folder: Some("logs".into()),
            files: vec![RecordedFile {
                path: "a/b.log".into(),
                size: 3,
            }],
            file_count: 4,
            total_bytes: 10,
            outcome: TransferOutcome::Declined,
        };
        assert!(store.add_transfer(id, "tess", t0, &record).unwrap());
        assert!(!store.add_transfer(id, "tom", t0, &record).unwrap());
        assert!(
            !store
                .add_transfer(SessionId(99), "tess", t0, &record)
                .unwrap()
        );
        let report = store.report(id, "tess").unwrap().unwrap();
        assert_eq!(report.transfers, vec![TransferEntry { at: t0, record }]);
    }
}
