//! Session reports: one row per support session, written as it happens so a
//! crash loses nothing, plus the consent events that show what was shared.

use protocol::SessionId;
use protocol::api::{ConsentEvent, ConsentEventKind, SessionReport};
use protocol::ws::{ConsentScope, EndReason, SessionStatus};
use rusqlite::{OptionalExtension, Row, params};
use time::OffsetDateTime;

use super::{Result, Store, Stretch, exec_on, from_unix, query_row_on, to_unix};

/// What is known when a customer joins.
#[derive(Debug, Clone)]
pub struct NewReport {
    pub technician: String,
    pub customer: String,
    pub pin_suffix: String,
    pub pin_created_at: OffsetDateTime,
    pub joined_at: OffsetDateTime,
    pub notes: String,
}

const SELECT_REPORT: &str =
    "SELECT id, technician, customer, pin_suffix, pin_created_at, joined_at,
    started_at, ended_at, end_reason, notes FROM sessions";

fn parse_scope(s: &str) -> Option<ConsentScope> {
    [ConsentScope::ScreenView, ConsentScope::RemoteControl]
        .into_iter()
        .find(|scope| scope.as_str() == s)
}

fn event_str(kind: ConsentEventKind) -> &'static str {
    match kind {
        ConsentEventKind::Requested => "requested",
        ConsentEventKind::Allowed => "allowed",
        ConsentEventKind::Denied => "denied",
        ConsentEventKind::TimedOut => "timed_out",
        ConsentEventKind::Stopped => "stopped",
    }
}

fn parse_event(s: &str) -> Option<ConsentEventKind> {
    Some(match s {
        "requested" => ConsentEventKind::Requested,
        "allowed" => ConsentEventKind::Allowed,
        "denied" => ConsentEventKind::Denied,
        "timed_out" => ConsentEventKind::TimedOut,
        "stopped" => ConsentEventKind::Stopped,
        _ => return None,
    })
}

fn report_from_row(r: &Row<'_>) -> rusqlite::Result<SessionReport> {
    let started_at: Option<i64> = r.get(6)?;
    let ended_at: Option<i64> = r.get(7)?;
    let end_reason: Option<String> = r.get(8)?;
    let joined_at: i64 = r.get(5)?;
    let status = match (started_at, ended_at) {
        (_, Some(_)) => SessionStatus::Ended,
        (Some(_), None) => SessionStatus::Active,
        (None, None) => SessionStatus::Waiting,
    };
    Ok(SessionReport {
        id: SessionId(r.get(0)?),
        technician: r.get(1)?,
        customer: r.get(2)?,
        pin_suffix: r.get(3)?,
        pin_created_at: from_unix(r.get(4)?),
        joined_at: from_unix(joined_at),
        started_at: started_at.map(from_unix),
        ended_at: ended_at.map(from_unix),
        duration_secs: ended_at.map(|end| end - started_at.unwrap_or(joined_at)),
        status,
        end_reason: end_reason.as_deref().and_then(EndReason::parse),
        notes: r.get(9)?,
        consent: Vec::new(),
        recordings: Vec::new(),
        transfers: Vec::new(),
        screen_shown: Vec::new(),
        control_periods: Vec::new(),
    })
}

impl Store {
    /// Records a join; the row id becomes the session id.
    pub fn insert_report(&self, new: &NewReport) -> Result<SessionId> {
        let conn = self.conn();
        exec_on(&conn,
            "INSERT INTO sessions (technician, customer, pin_suffix, pin_created_at, joined_at, notes)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                new.technician,
                new.customer,
                new.pin_suffix,
                to_unix(new.pin_created_at),
                to_unix(new.joined_at),
                new.notes
            ],
        )?;
        Ok(SessionId(conn.last_insert_rowid()))
    }

    pub fn mark_started(&self, id: SessionId, at: OffsetDateTime) -> Result<()> {
        exec_on(
            &self.conn(),
            "UPDATE sessions SET started_at = ?2 WHERE id = ?1",
            params![id.0, to_unix(at)],
        )?;
        Ok(())
    }

    pub fn mark_ended(&self, id: SessionId, at: OffsetDateTime, reason: EndReason) -> Result<()> {
        exec_on(
            &self.conn(),
            "UPDATE sessions SET ended_at = ?2, end_reason = ?3 WHERE id = ?1 AND ended_at IS NULL",
            params![id.0, to_unix(at), reason.as_str()],
        )?;
        Ok(())
    }

    /// Closes every report still open, e.g. after a crash or at shutdown.
    pub fn end_open_reports(&self, at: OffsetDateTime, reason: EndReason) -> Result<usize> {
        exec_on(
            &self.conn(),
            "UPDATE sessions SET ended_at = ?1, end_reason = ?2 WHERE ended_at IS NULL",
            params![to_unix(at), reason.as_str()],
        )
    }

    pub fn add_consent_event(
        &self,
        id: SessionId,
        at: OffsetDateTime,
        scope: ConsentScope,
        kind: ConsentEventKind,
    ) -> Result<()> {
        exec_on(
            &self.conn(),
            "INSERT INTO consent_events (session_id, at, scope, event) VALUES (?1, ?2, ?3, ?4)",
            params![id.0, to_unix(at), scope.as_str(), event_str(kind)],
        )?;
        Ok(())
    }

    /// Replaces the notes of one of `technician`'s sessions. Returns the
    /// updated report, or `None` when the session is not theirs.
    pub fn update_notes(
        &self,
        id: SessionId,
        technician: &str,
        notes: &str,
    ) -> Result<Option<SessionReport>> {
        let changed = exec_on(
            &self.conn(),
            "UPDATE sessions SET notes = ?3 WHERE id = ?1 AND technician = ?2",
            params![id.0, technician, notes],
        )?;
        if changed == 0 {
            return Ok(None);
        }
        self.report(id, technician)
    }

    /// One of `technician`'s reports.
    pub fn report(&self, id: SessionId, technician: &str) -> Result<Option<SessionReport>> {
        let report = {
            let conn = self.conn();
            query_row_on(
                &conn,
                &format!("{SELECT_REPORT} WHERE id = ?1 AND technician = ?2"),
                params![id.0, technician],
                report_from_row,
            )
            .optional()?
        };
        let Some(mut report) = report else {
            return Ok(None);
        };
        report.consent = self.consent_events(id)?;
        report.recordings = self.recordings_of_session(id)?;
        report.transfers = self.transfers(id)?;
        report.screen_shown = self.stretches(Stretch::ScreenShown, id)?;
        report.control_periods = self.stretches(Stretch::Control, id)?;
        Ok(Some(report))
    }

    /// `technician`'s reports, newest first.
    pub fn reports(&self, technician: &str, limit: u32) -> Result<Vec<SessionReport>> {
        let mut reports = {
            let conn = self.conn();
            let mut stmt = conn.prepare_cached(&format!(
                "{SELECT_REPORT} WHERE technician = ?1 ORDER BY id DESC LIMIT ?2"
            ))?;
            stmt.query_map(params![technician, limit], report_from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?
        };
        for report in &mut reports {
            report.consent = self.consent_events(report.id)?;
            report.recordings = self.recordings_of_session(report.id)?;
            report.transfers = self.transfers(report.id)?;
            report.screen_shown = self.stretches(Stretch::ScreenShown, report.id)?;
            report.control_periods = self.stretches(Stretch::Control, report.id)?;
        }
        Ok(reports)
    }

    fn consent_events(&self, id: SessionId) -> Result<Vec<ConsentEvent>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT at, scope, event FROM consent_events WHERE session_id = ?1 ORDER BY rowid",
        )?;
        let rows = stmt.query_map(params![id.0], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (at, scope, event) = row?;
            // A scope or event a newer version wrote is left out rather
            // than misreported as another.
            if let (Some(scope), Some(event)) = (parse_scope(&scope), parse_event(&event)) {
                out.push(ConsentEvent {
                    at: from_unix(at),
                    scope,
                    event,
                });
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_follows_the_session() {
        let store = Store::open_in_memory().unwrap();
        let t0 = OffsetDateTime::UNIX_EPOCH + time::Duration::days(1);
        let id = store
            .insert_report(&NewReport {
                technician: "tess".into(),
                customer: "Ann".into(),
                pin_suffix: "56".into(),
                pin_created_at: t0,
                joined_at: t0 + time::Duration::seconds(30),
                notes: "printer".into(),
            })
            .unwrap();
        let r = store.report(id, "tess").unwrap().unwrap();
        assert_eq!(r.status, SessionStatus::Waiting);
        assert!(store.report(id, "someone-else").unwrap().is_none());

        store
            .mark_started(id, t0 + time::Duration::seconds(60))
            .unwrap();
        store
            .add_consent_event(
                id,
                t0 + time::Duration::seconds(70),
                ConsentScope::ScreenView,
                ConsentEventKind::Requested,
            )
            .unwrap();
        store
            .add_consent_event(
                id,
                t0 + time::Duration::seconds(75),
                ConsentScope::ScreenView,
                ConsentEventKind::Allowed,
            )
            .unwrap();
        store
            .mark_ended(
                id,
                t0 + time::Duration::seconds(660),
                EndReason::CustomerLeft,
            )
            .unwrap();
        // A second end does not overwrite the first.
        store
            .mark_ended(
                id,
                t0 + time::Duration::seconds(999),
                EndReason::ServerStopped,
            )
            .unwrap();

        let r = store.report(id, "tess").unwrap().unwrap();
        assert_eq!(r.status, SessionStatus::Ended);
        assert_eq!(r.duration_secs, Some(600));
        assert_eq!(r.end_reason, Some(EndReason::CustomerLeft));
        assert_eq!(
            r.consent.iter().map(|e| e.event).collect::<Vec<_>>(),
            vec![ConsentEventKind::Requested, ConsentEventKind::Allowed]
        );
        assert!(store.update_notes(id, "other", "x").unwrap().is_none());
        let r = store.update_notes(id, "tess", "fixed").unwrap().unwrap();
        assert_eq!(r.notes, "fixed");
        assert_eq!(store.reports("tess", 10).unwrap().len(), 1);
    }

    #[test]
    fn open_reports_are_closed_after_a_crash() {
        let store = Store::open_in_memory().unwrap();
        let t0 = OffsetDateTime::UNIX_EPOCH + time::Duration::days(1);
        let id = crate::store::tess_and_ann(&store, t0);
        assert_eq!(
            store
                .end_open_reports(t0, EndReason::ServerStopped)
                .unwrap(),
            1
        );
        let r = store.report(id, "tess").unwrap().unwrap();
        assert_eq!(r.end_reason, Some(EndReason::ServerStopped));
        assert_eq!(r.duration_secs, Some(0));
    }
}
