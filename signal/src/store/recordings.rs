//! Screen recordings: one row per recording, beside the file that holds
//! the video. The row is written before the file changes and says how much
//! of the file is good, so a crash between the two loses one chunk at most.

use protocol::api::RecordingSummary;
use protocol::{RecordingId, SessionId};
use rusqlite::{OptionalExtension, params};
use time::OffsetDateTime;

use super::{Result, Store, exec_on, from_unix, query_row_on, to_unix};

/// A recording the server has not finished yet (at start: left by a
/// previous run).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenRecording {
    pub id: RecordingId,
    pub session: SessionId,
    pub technician: String,
    pub chunks: u64,
    pub bytes: u64,
    pub last_chunk_at: OffsetDateTime,
}

/// What the limits of one session are checked against.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SessionRecordings {
    pub count: u64,
    pub bytes: u64,
}

impl Store {
    /// A new, empty recording of `session`.
    pub fn open_recording(&self, session: SessionId, at: OffsetDateTime) -> Result<RecordingId> {
        let conn = self.conn();
        exec_on(
            &conn,
            "INSERT INTO recordings (session_id, started_at, last_chunk_at) VALUES (?1, ?2, ?2)",
            params![session.0, to_unix(at)],
        )?;
        Ok(RecordingId(conn.last_insert_rowid()))
    }

    /// How many recordings `session` has and how many bytes they take.
    pub fn session_recordings(&self, session: SessionId) -> Result<SessionRecordings> {
        let (count, bytes) = query_row_on(
            &self.conn(),
            "SELECT count(*), coalesce(sum(bytes), 0) FROM recordings WHERE session_id = ?1",
            params![session.0],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
        )?;
        Ok(SessionRecordings {
            count: count as u64,
            bytes: bytes as u64,
        })
    }

    /// A chunk was appended: the file is now `bytes` long and holds
    /// `chunks` chunks.
    pub fn recording_grew(
        &self,
        id: RecordingId,
        chunks: u64,
        bytes: u64,
        at: OffsetDateTime,
    ) -> Result<()> {
        exec_on(
            &self.conn(),
            "UPDATE recordings SET chunks = ?2, bytes = ?3, last_chunk_at = ?4 WHERE id = ?1",
            params![id.0, chunks as i64, bytes as i64, to_unix(at)],
        )?;
        Ok(())
    }

    /// The file was made seekable: its final size and length.
    pub fn recording_finished(
        &self,
        id: RecordingId,
        at: OffsetDateTime,
        duration_ms: u64,
        bytes: u64,
    ) -> Result<()> {
        exec_on(
            &self.conn(),
            "UPDATE recordings SET finished_at = ?2, duration_ms = ?3, bytes = ?4 WHERE id = ?1",
            params![id.0, to_unix(at), duration_ms as i64, bytes as i64],
        )?;
        Ok(())
    }

    /// Every recording not finished yet.
    pub fn open_recordings(&self) -> Result<Vec<OpenRecording>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT r.id, r.session_id, s.technician, r.chunks, r.bytes, r.last_chunk_at
             FROM recordings r JOIN sessions s ON s.id = r.session_id
             WHERE r.finished_at IS NULL ORDER BY r.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(OpenRecording {
                id: RecordingId(r.get(0)?),
                session: SessionId(r.get(1)?),
                technician: r.get(2)?,
                chunks: r.get::<_, i64>(3)? as u64,
                bytes: r.get::<_, i64>(4)? as u64,
                last_chunk_at: from_unix(r.get(5)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The session of one of `technician`'s recordings, and whether it is
    /// finished; `None` when there is no such recording of theirs.
    pub fn recording_of(
        &self,
        id: RecordingId,
        technician: &str,
    ) -> Result<Option<(SessionId, bool)>> {
        Ok(query_row_on(
            &self.conn(),
            "SELECT r.session_id, r.finished_at IS NOT NULL
             FROM recordings r JOIN sessions s ON s.id = r.session_id
             WHERE r.id = ?1 AND s.technician = ?2",
            params![id.0, technician],
            |r| Ok((SessionId(r.get(0)?), r.get(1)?)),
        )
        .optional()?)
    }

    /// Finished recordings older than `before`, for the retention sweep.
    pub fn recordings_finished_before(&self, before: OffsetDateTime) -> Result<Vec<RecordingId>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT id FROM recordings WHERE finished_at IS NOT NULL AND finished_at < ?1",
        )?;
        let rows = stmt.query_map(params![to_unix(before)], |r| Ok(RecordingId(r.get(0)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn delete_recording(&self, id: RecordingId) -> Result<()> {
        exec_on(
            &self.conn(),
            "DELETE FROM recordings WHERE id = ?1",
            params![id.0],
        )?;
        Ok(())
    }

    /// A session's recordings for its report, oldest first.
    pub(super) fn recordings_of_session(&self, id: SessionId) -> Result<Vec<RecordingSummary>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT id, started_at, finished_at, duration_ms, bytes
             FROM recordings WHERE session_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map(params![id.0], |r| {
            Ok(RecordingSummary {
                id: RecordingId(r.get(0)?),
                started_at: from_unix(r.get(1)?),
                finished_at: r.get::<_, Option<i64>>(2)?.map(from_unix),
                duration_ms: r.get::<_, Option<i64>>(3)?.map(|d| d as u64),
                bytes: r.get::<_, i64>(4)? as u64,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recording_is_listed_in_its_report_and_swept_when_old() {
        let store = Store::open_in_memory().unwrap();
        let t0 = OffsetDateTime::UNIX_EPOCH + time::Duration::days(1);
        let session = crate::store::tess_and_ann(&store, t0);
        let id = store.open_recording(session, t0).unwrap();
        store.recording_grew(id, 2, 5000, t0).unwrap();
        assert_eq!(
            store.session_recordings(session).unwrap(),
            SessionRecordings {
                count: 1,
                bytes: 5000
            }
        );
        assert_eq!(store.open_recordings().unwrap().len(), 1);
        assert_eq!(
            store.recording_of(id, "tess").unwrap(),
            Some((session, false))
        );
        assert_eq!(store.recording_of(id, "tom").unwrap(), None);

        store.recording_finished(id, t0, 61_500, 5100).unwrap();
        assert!(store.open_recordings().unwrap().is_empty());
        let report = store.report(session, "tess").unwrap().unwrap();
        assert_eq!(report.recordings.len(), 1);
        assert_eq!(report.recordings[0].duration_ms, Some(61_500));
        assert_eq!(report.recordings[0].bytes, 5100);

        assert!(store.recordings_finished_before(t0).unwrap().is_empty());
        let later = t0 + time::Duration::seconds(1);
        assert_eq!(store.recordings_finished_before(later).unwrap(), vec![id]);
        store.delete_recording(id).unwrap();
        assert!(
            store
                .report(session, "tess")
                .unwrap()
                .unwrap()
                .recordings
                .is_empty()
        );
    }
}
