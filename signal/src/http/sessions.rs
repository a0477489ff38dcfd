//! Session reports: `GET /api/sessions`, `GET /api/sessions.csv`,
//! `PATCH /api/sessions/{id}`.

use protocol::SessionId;
use protocol::api::{NotesUpdate, SessionReport};
use serde::Deserialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use warp::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use warp::reply::Response;
use warp::{Rejection, Reply};

use super::Context;
use super::auth::Technician;
use super::errors::reject;
use crate::hub::Refusal;

/// `?limit=N`, newest first.
#[derive(Debug, Deserialize)]
pub struct ListQuery {
    #[serde(default = "default_limit")]
    limit: u32,
}

fn default_limit() -> u32 {
    500
}

/// Upper bound on `limit`, so one request cannot dump a decade of reports.
const MAX_LIMIT: u32 = 10_000;

async fn load(
    ctx: &Context,
    technician: &Technician,
    query: &ListQuery,
) -> Result<Vec<SessionReport>, Rejection> {
    let (who, limit) = (technician.username.clone(), query.limit.min(MAX_LIMIT));
    ctx.hub
        .db()
        .call(move |store| store.reports(&who, limit))
        .await
        .map_err(|e| reject(Refusal::from(e)))
}

pub async fn list(
    ctx: Context,
    technician: Technician,
    query: ListQuery,
) -> Result<Response, Rejection> {
    Ok(warp::reply::json(&load(&ctx, &technician, &query).await?).into_response())
}

pub async fn csv(
    ctx: Context,
    technician: Technician,
    query: ListQuery,
) -> Result<Response, Rejection> {
    let reports = load(&ctx, &technician, &query).await?;
    let body = to_csv(&reports).map_err(|e| {
        tracing::error!("CSV export failed: {e}");
        reject(Refusal::new(protocol::ErrorCode::Internal))
    })?;
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        "text/csv; charset=utf-8".parse().expect("static header"),
    );
    headers.insert(
        CONTENT_DISPOSITION,
        "attachment; filename=\"lifeline-sessions.csv\""
            .parse()
            .expect("static header"),
    );
    Ok(response)
}

pub async fn patch_notes(
    id: i64,
    ctx: Context,
    technician: Technician,
    body: NotesUpdate,
) -> Result<Response, Rejection> {
    let report = ctx
        .hub
        .update_notes(&technician.username, SessionId(id), &body.notes)
        .await
        .map_err(reject)?;
    Ok(warp::reply::json(&report).into_response())
}

fn time_text(t: Option<OffsetDateTime>) -> String {
    t.and_then(|t| t.format(&Rfc3339).ok()).unwrap_or_default()
}

/// First characters that make a spreadsheet read a cell as a formula. The
/// fullwidth forms are there because some spreadsheets fold them to ASCII
/// before deciding.
const FORMULA_STARTS: [char; 10] = ['=', '+', '-', '@', '＝', '＋', '－', '＠', '\t', '\r'];

/// A customer types their own "name" and a technician their notes, so either
/// could be `=HYPERLINK(...)`. A leading apostrophe makes a spreadsheet show
/// the cell as text; the value is otherwise kept as typed. Neutralised:
/// - cells starting with a formula character ([`FORMULA_STARTS`]);
/// - cells starting with whitespace of any kind, or an invisible character,
///   since spreadsheets skip those before looking for `=`;
/// - cells containing `;` or a tab: spreadsheets set to split on those would
///   cut the cell and could start a new one with `=`. (The writer also quotes
///   every text cell, which keeps such cells whole where quotes are honoured.)
fn spreadsheet_safe(text: &str) -> String {
    let risky_start = text.chars().next().is_some_and(|c| {
        FORMULA_STARTS.contains(&c) || c.is_whitespace() || crate::names::is_invisible(c)
    });
    if risky_start || text.contains([';', '\t']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// A report's transfers in one cell: `direction outcome N files B bytes:
/// names`, separated by ` | `.
fn transfers_text(r: &SessionReport) -> String {
    r.transfers
        .iter()
        .map(|t| {
            let t = &t.record;
            let mut names: Vec<&str> = t.files.iter().map(|f| f.path.as_str()).collect();
            if (t.file_count as usize) > names.len() {
                names.push("…");
            }
            let folder = t
                .folder
                .as_deref()
                .map(|f| format!(" {f}/"))
                .unwrap_or_default();
            format!(
                "{} {}{folder} {} files {} bytes: {}",
                t.direction.as_str(),
                t.outcome.as_str(),
                t.file_count,
                t.total_bytes,
                names.join(", ")
            )
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

/// Seconds the technician had Control through the Lifeline Helper, over
/// every stretch that has ended: a plain number, so nothing to neutralise.
fn control_secs(r: &SessionReport) -> i64 {
    r.control_periods
        .iter()
        .filter_map(|p| Some((p.stopped_at? - p.started_at).whole_seconds().max(0)))
        .sum()
}

fn to_csv(reports: &[SessionReport]) -> Result<String, csv::Error> {
    // Quoting every text cell, not just those with commas or quotes, keeps a
    // cell whole in spreadsheets that split on `;` or tabs (many European
    // locales): `'Ann;=cmd()` must stay one cell for its apostrophe to count.
    let mut w = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::NonNumeric)
        .from_writer(Vec::new());
    w.write_record([
        "id",
        "technician",
        "customer",
        "pin_suffix",
        "pin_created_at",
        "joined_at",
        "started_at",
        "ended_at",
        "duration_secs",
        "status",
        "end_reason",
        "notes",
        "consent",
        "transfers",
        "control_secs",
    ])?;
    for r in reports {
        let consent: Vec<String> = r
            .consent
            .iter()
            .map(|e| {
                let kind = serde_json::to_value(e.event)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                format!("{kind}@{}", time_text(Some(e.at)))
            })
            .collect();
        let status = serde_json::to_value(r.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        w.write_record([
            r.id.to_string(),
            spreadsheet_safe(&r.technician),
            spreadsheet_safe(&r.customer),
            r.pin_suffix.clone(),
            time_text(Some(r.pin_created_at)),
            time_text(Some(r.joined_at)),
            time_text(r.started_at),
            time_text(r.ended_at),
            r.duration_secs.map(|d| d.to_string()).unwrap_or_default(),
            status,
            r.end_reason
                .map(|e| e.as_str().to_owned())
                .unwrap_or_default(),
            spreadsheet_safe(&r.notes),
            consent.join(" "),
            spreadsheet_safe(&transfers_text(r)),
            control_secs(r).to_string(),
        ])?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use protocol::ws::{EndReason, SessionStatus};

    fn report(customer: &str, notes: &str) -> SessionReport {
        let at = time::macros::datetime!(2026-11-22 10:00 UTC);
        SessionReport {
            id: SessionId(1),
            technician: "tess".into(),
            customer: customer.into(),
            pin_suffix: "56".into(),
            pin_created_at: at,
            joined_at: at,
            started_at: None,
            ended_at: Some(at),
            duration_secs: Some(0),
            status: SessionStatus::Ended,
            end_reason: Some(EndReason::CustomerLeft),
            notes: notes.into(),
            consent: vec![],
            recordings: vec![],
            transfers: vec![],
            screen_shown: vec![],
            control_periods: vec![],
        }
    }

    /// The cells of the one data row, as a CSV reader sees them.
    fn cells(report: SessionReport) -> Vec<String> {
        let text = to_csv(&[report]).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let row = reader.records().next().unwrap().unwrap();
        row.iter().map(str::to_owned).collect()
    }

    #[test]
    fn formula_starts_get_an_apostrophe() {
        for text in [
            "=1+1", "+1", "-1", "@SUM(A1)", "＝1+1", "＋1", "－1", "＠SUM", "\t=1", "\r=1",
        ] {
            assert_eq!(spreadsheet_safe(text), format!("'{text}"), "{text:?}");
        }
    }

    #[test]
    fn leading_whitespace_of_any_kind_gets_an_apostrophe() {
        for text in [
            " =1+1",
            "\n=1",
            "\u{00A0}=1",
            "\u{3000}=1",
            "\u{2003}=1",
            "\u{2028}=1",
            "\u{200B}=1",
            "\u{FEFF}=1",
        ] {
            assert_eq!(spreadsheet_safe(text), format!("'{text}"), "{text:?}");
        }
    }

    #[test]
    fn separators_inside_a_cell_get_an_apostrophe() {
        for text in ["Ann;=1+1", "Ann\t=1+1", "a;b", "a\tb"] {
            assert_eq!(spreadsheet_safe(text), format!("'{text}"), "{text:?}");
        }
    }

    #[test]
    fn harmless_cells_are_untouched() {
        for text in [
            "",
            "Ann",
            "Ann Smith",
            "Ann = customer",
            "a-b+c@d",
            "José",
            "'quoted already",
            "12",
        ] {
            assert_eq!(spreadsheet_safe(text), text, "{text:?}");
        }
    }

    #[test]
    fn separators_stay_inside_one_quoted_cell() {
        let text = to_csv(&[report("Ann;=1+1", "ok")]).unwrap();
        let row = text.lines().nth(1).unwrap();
        assert!(row.contains("\"'Ann;=1+1\""), "{row}");
        let cells = cells(report("Ann;=1+1", "tab\there"));
        assert_eq!(cells[2], "'Ann;=1+1");
        assert_eq!(cells[11], "'tab\there");
    }

    #[test]
    fn csv_has_a_header_and_neutralises_formulas() {
        let at = time::macros::datetime!(2026-11-22 10:00 UTC);
        let report = SessionReport {
            id: SessionId(1),
            technician: "tess".into(),
            customer: "=HYPERLINK(\"x\")".into(),
            pin_suffix: "56".into(),
            pin_created_at: at,
            joined_at: at,
            started_at: None,
            ended_at: Some(at),
            duration_secs: Some(0),
            status: SessionStatus::Ended,
            end_reason: Some(EndReason::CustomerLeft),
            notes: "a, \"quoted\" note".into(),
            consent: vec![],
            recordings: vec![],
            transfers: vec![],
            screen_shown: vec![],
            control_periods: vec![],
        };
        let text = to_csv(&[report]).unwrap();
        let mut lines = text.lines();
        let header = lines.next().unwrap();
        assert!(
            header.starts_with("\"id\",\"technician\",\"customer\""),
            "{header}"
        );
        let row = lines.next().unwrap();
        assert!(row.starts_with("1,\"tess\","), "{row}");
        assert!(row.contains("\"'=HYPERLINK(\"\"x\"\")\""), "{row}");
        assert!(row.contains("customer_left"));
        assert!(row.contains("2026-11-22T10:00:00Z"));
        // The value itself is kept: only the apostrophe is added.
        let cells = cells(super::tests::report(
            "-5 minutes late",
            "a, \"quoted\" note",
        ));
        assert_eq!(cells[2], "'-5 minutes late");
        assert_eq!(cells[11], "a, \"quoted\" note");
    }

    #[test]
    fn control_time_is_the_sum_of_ended_stretches() {
        let at = time::macros::datetime!(2026-11-22 10:00 UTC);
        let mut r = report("Ann", "");
        assert_eq!(cells(r.clone())[14], "0");
        r.control_periods = vec![
            protocol::api::ControlPeriod {
                started_at: at,
                stopped_at: Some(at + time::Duration::seconds(90)),
            },
            protocol::api::ControlPeriod {
                started_at: at + time::Duration::seconds(100),
                stopped_at: Some(at + time::Duration::seconds(130)),
            },
            // Still going: not counted until it ends.
            protocol::api::ControlPeriod {
                started_at: at + time::Duration::seconds(200),
                stopped_at: None,
            },
        ];
        assert_eq!(cells(r)[14], "120");
    }
}
