//! Remote control through the Lifeline Helper: one row per stretch of
//! Control, for the session report.

use protocol::SessionId;
use protocol::api::ControlPeriod;
use rusqlite::params;
use time::OffsetDateTime;

use super::{Result, Store, exec_on, from_unix, to_unix};

impl Store {
    /// The technician got Control of the customer's computer in `session`.
    pub fn control_started(&self, session: SessionId, at: OffsetDateTime) -> Result<()> {
        exec_on(
            &self.conn(),
            "INSERT INTO control_periods (session_id, started_at) VALUES (?1, ?2)",
            params![session.0, to_unix(at)],
        )?;
        Ok(())
    }

    /// Control ended (View only, the helper left, Stop control, the
    /// session's end): ends the open stretch, if there is one.
    pub fn control_stopped(&self, session: SessionId, at: OffsetDateTime) -> Result<()> {
        exec_on(
            &self.conn(),
            "UPDATE control_periods SET ended_at = ?2 WHERE session_id = ?1 AND ended_at IS NULL",
            params![session.0, to_unix(at)],
        )?;
        Ok(())
    }

    /// A session's stretches, oldest first. One still open in a session
    /// that ended (the server stopped mid-way) ends with it.
    pub(super) fn control_periods_of_session(&self, id: SessionId) -> Result<Vec<ControlPeriod>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT p.started_at, coalesce(p.ended_at, s.ended_at)
             FROM control_periods p JOIN sessions s ON s.id = p.session_id
             WHERE p.session_id = ?1 ORDER BY p.rowid",
        )?;
        let rows = stmt.query_map(params![id.0], |r| {
            Ok(ControlPeriod {
                started_at: from_unix(r.get(0)?),
                stopped_at: r.get::<_, Option<i64>>(1)?.map(from_unix),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::ws::EndReason;

    #[test]
    fn stretches_are_listed_and_the_end_closes_an_open_one() {
        let store = Store::open_in_memory().unwrap();
        let t0 = OffsetDateTime::UNIX_EPOCH + time::Duration::days(1);
        let at = |s: i64| t0 + time::Duration::seconds(s);
        let session = crate::store::tess_and_ann(&store, t0);
        store.control_started(session, at(10)).unwrap();
        store.control_stopped(session, at(20)).unwrap();
        // A second stop changes nothing: the stretch already ended.
        store.control_stopped(session, at(25)).unwrap();
        store.control_started(session, at(30)).unwrap();
        let open = store
            .report(session, "tess")
            .unwrap()
            .unwrap()
            .control_periods;
        assert_eq!(open.len(), 2);
        assert_eq!(open[0].stopped_at, Some(at(20)));
        assert_eq!(open[1].stopped_at, None);

        store
            .mark_ended(session, at(40), EndReason::ServerStopped)
            .unwrap();
        let ended = store
            .report(session, "tess")
            .unwrap()
            .unwrap()
            .control_periods;
        assert_eq!(ended[1].started_at, at(30));
        assert_eq!(ended[1].stopped_at, Some(at(40)));
    }
}
