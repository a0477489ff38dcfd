//! Stretches of time in a session, one row each, for the session report:
//! the technician's own screen shown to the customer, and remote control
//! through the Lifeline Helper.

use protocol::SessionId;
use protocol::api::Period;
use rusqlite::params;
use time::OffsetDateTime;

use super::{Result, Store, exec_on, from_unix, to_unix};

/// What a stretch is of; each kind has its own table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stretch {
    /// The technician showing their screen to the customer.
    ScreenShown,
    /// The technician having Control (not View only) of the customer's
    /// computer.
    Control,
}

impl Stretch {
    /// The table and its end column (named differently by the migrations
    /// that made them).
    fn table(self) -> (&'static str, &'static str) {
        match self {
            Stretch::ScreenShown => ("screen_shown", "stopped_at"),
            Stretch::Control => ("control_periods", "ended_at"),
        }
    }
}

impl Store {
    /// A stretch of `kind` began in `session`.
    pub fn stretch_started(
        &self,
        kind: Stretch,
        session: SessionId,
        at: OffsetDateTime,
    ) -> Result<()> {
        let (table, _) = kind.table();
        exec_on(
            &self.conn(),
            &format!("INSERT INTO {table} (session_id, started_at) VALUES (?1, ?2)"),
            params![session.0, to_unix(at)],
        )?;
        Ok(())
    }

    /// The stretch of `kind` ended: ends the open one, if there is one, so
    /// a second stop changes nothing.
    pub fn stretch_stopped(
        &self,
        kind: Stretch,
        session: SessionId,
        at: OffsetDateTime,
    ) -> Result<()> {
        let (table, end) = kind.table();
        exec_on(
            &self.conn(),
            &format!("UPDATE {table} SET {end} = ?2 WHERE session_id = ?1 AND {end} IS NULL"),
            params![session.0, to_unix(at)],
        )?;
        Ok(())
    }

    /// A session's stretches of `kind`, oldest first. One still open in a
    /// session that ended (the console went, the server stopped) ends
    /// with it.
    pub(super) fn stretches(&self, kind: Stretch, id: SessionId) -> Result<Vec<Period>> {
        let (table, end) = kind.table();
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT p.started_at, coalesce(p.{end}, s.ended_at)
             FROM {table} p JOIN sessions s ON s.id = p.session_id
             WHERE p.session_id = ?1 ORDER BY p.rowid"
        ))?;
        let rows = stmt.query_map(params![id.0], |r| {
            Ok(Period {
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
        for kind in [Stretch::ScreenShown, Stretch::Control] {
            let store = Store::open_in_memory().unwrap();
            let t0 = OffsetDateTime::UNIX_EPOCH + time::Duration::days(1);
            let at = |s: i64| t0 + time::Duration::seconds(s);
            let session = crate::store::tess_and_ann(&store, t0);
            let listed = |store: &Store| {
                let report = store.report(session, "tess").unwrap().unwrap();
                match kind {
                    Stretch::ScreenShown => report.screen_shown,
                    Stretch::Control => report.control_periods,
                }
            };
            store.stretch_started(kind, session, at(10)).unwrap();
            store.stretch_stopped(kind, session, at(20)).unwrap();
            // A second stop changes nothing: the stretch already ended.
            store.stretch_stopped(kind, session, at(25)).unwrap();
            store.stretch_started(kind, session, at(30)).unwrap();
            let open = listed(&store);
            assert_eq!(open.len(), 2, "{kind:?}");
            assert_eq!(open[0].stopped_at, Some(at(20)), "{kind:?}");
            assert_eq!(open[1].stopped_at, None, "{kind:?}");

            store
                .mark_ended(session, at(40), EndReason::ServerStopped)
                .unwrap();
            let ended = listed(&store);
            assert_eq!(ended[1].started_at, at(30), "{kind:?}");
            assert_eq!(ended[1].stopped_at, Some(at(40)), "{kind:?}");
        }
    }
}
