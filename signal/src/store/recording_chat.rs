//! The chat lines said while a recording ran, kept beside it as subtitles.
//! Each is stored with its time from the recording's start and the name of
//! who wrote it, as the session knew them.

use protocol::{RecordingId, Role};
use rusqlite::params;

use super::{Result, Store, exec_on, query_row_on};

/// One stored chat line of a recording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedLine {
    /// Milliseconds from the start of the recording.
    pub at_ms: u64,
    /// The technician's username or the customer's name.
    pub speaker: String,
    pub text: String,
}

impl Store {
    /// Adds a line to recording `id`, its speaker named from the session.
    pub fn add_recording_chat(
        &self,
        id: RecordingId,
        at_ms: u64,
        from: Role,
        text: &str,
    ) -> Result<()> {
        let conn = self.conn();
        let speaker_column = from.as_str();
        exec_on(
            &conn,
            &format!(
                "INSERT INTO recording_chat (recording_id, at_ms, speaker, text)
                 SELECT r.id, ?2, s.{speaker_column}, ?3
                 FROM recordings r JOIN sessions s ON s.id = r.session_id WHERE r.id = ?1"
            ),
            params![id.0, at_ms as i64, text],
        )?;
        Ok(())
    }

    /// How many lines recording `id` has.
    pub fn recording_chat_count(&self, id: RecordingId) -> Result<u64> {
        let count: i64 = query_row_on(
            &self.conn(),
            "SELECT count(*) FROM recording_chat WHERE recording_id = ?1",
            params![id.0],
            |r| r.get(0),
        )?;
        Ok(count as u64)
    }

    /// Recording `id`'s lines in time order (ties in the order received).
    pub fn recording_chat(&self, id: RecordingId) -> Result<Vec<RecordedLine>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT at_ms, speaker, text FROM recording_chat
             WHERE recording_id = ?1 ORDER BY at_ms, rowid",
        )?;
        let rows = stmt.query_map(params![id.0], |r| {
            Ok(RecordedLine {
                at_ms: r.get::<_, i64>(0)? as u64,
                speaker: r.get(1)?,
                text: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::OffsetDateTime;

    #[test]
    fn lines_carry_the_session_names_and_go_with_the_recording() {
        let store = Store::open_in_memory().unwrap();
        let t0 = OffsetDateTime::UNIX_EPOCH + time::Duration::days(1);
        let session = crate::store::tess_and_ann(&store, t0);
        let id = store.open_recording(session, t0).unwrap();
        store
            .add_recording_chat(id, 2500, Role::Customer, "hi")
            .unwrap();
        store
            .add_recording_chat(id, 1000, Role::Technician, "hello")
            .unwrap();
        assert_eq!(store.recording_chat_count(id).unwrap(), 2);
        let lines = store.recording_chat(id).unwrap();
        assert_eq!(
            lines
                .iter()
                .map(|l| (l.at_ms, l.speaker.as_str()))
                .collect::<Vec<_>>(),
            vec![(1000, "tess"), (2500, "Ann")]
        );
        store.delete_recording(id).unwrap();
        assert_eq!(store.recording_chat_count(id).unwrap(), 0);
    }
}
