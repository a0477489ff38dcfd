//! A console reports its sessions' file transfers with `activity`: good
//! records land in the report (and its CSV), bad ones get a clear error
//! for the sender alone and change nothing, anyone's.

mod common;

use common::{TestServer, still_works};
use serde_json::{Value, json};

fn transfer(session: i64, files: Value, file_count: u64, total_bytes: u64) -> Value {
    json!({
        "type": "activity",
        "session": session,
        "activity": {
            "kind": "transfer",
            "direction": "from_customer",
            "folder": "logs",
            "files": files,
            "file_count": file_count,
            "total_bytes": total_bytes,
            "outcome": "done"
        }
    })
}

#[tokio::test]
async fn transfers_reach_the_report_and_bad_records_harm_nothing() {
    let server = TestServer::start().await;
    let (mut tess, mut ann, ann_id) = server.started_session("tess", "Ann").await;
    let (mut tom, mut bob, bob_id) = server.started_session("tom", "Bob").await;

    let good = transfer(ann_id, json!([{"path": "app/today.log", "size": 7}]), 1, 7);
    tess.send(good).await;

    // Malformed: a field missing.
    tess.send(json!({"type": "activity", "session": ann_id, "activity": {"kind": "transfer"}}))
        .await;
    let e = tess.next_of("error").await;
    assert_eq!(e["code"], "malformed_message", "{e}");
    // A name that climbs out of its folder.
    tess.send(transfer(
        ann_id,
        json!([{"path": "../../etc/passwd", "size": 7}]),
        1,
        7,
    ))
    .await;
    let e = tess.next_of("error").await;
    assert_eq!(
        (e["code"].as_str(), e["session"].as_i64()),
        (Some("bad_request"), Some(ann_id))
    );
    // Sizes that do not add up.
    tess.send(transfer(ann_id, json!([{"path": "a", "size": 9}]), 1, 7))
        .await;
    assert_eq!(tess.next_of("error").await["code"], "bad_request");
    // Too many names.
    let many: Vec<Value> = (0..51)
        .map(|i| json!({"path": format!("f{i}"), "size": 1}))
        .collect();
    tess.send(transfer(ann_id, Value::Array(many), 60, 100))
        .await;
    let e = tess.next_of("error").await;
    assert_eq!(e["code"], "too_long");
    assert!(e["message"].as_str().unwrap().contains("50"), "{e}");
    // Someone else's session, and a customer trying.
    tom.send(transfer(ann_id, json!([]), 1, 0)).await;
    assert_eq!(tom.next_of("error").await["code"], "session_not_found");
    ann.send(transfer(ann_id, json!([]), 1, 0)).await;
    assert_eq!(ann.next_error().await["code"], "not_signed_in");

    // Both sessions still work, and only the good record was kept.
    still_works(&mut tess, &mut ann, ann_id).await;
    still_works(&mut tom, &mut bob, bob_id).await;
    let reports = server.reports(&server.signed_in("tess").await).await;
    let transfers = &reports[0]["transfers"];
    assert_eq!(transfers.as_array().map(Vec::len), Some(1), "{reports}");
    assert_eq!(transfers[0]["files"][0]["path"], "app/today.log");
    assert_eq!(transfers[0]["direction"], "from_customer");
    assert_eq!(transfers[0]["outcome"], "done");
    assert!(transfers[0]["at"].is_string());
    let tom_reports = server.reports(&server.signed_in("tom").await).await;
    assert_eq!(tom_reports[0]["transfers"], json!([]));

    let csv = server
        .text(&server.signed_in("tess").await, "/api/sessions.csv")
        .await;
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .split(',')
            .any(|cell| cell == "\"transfers\""),
        "{csv}"
    );
    assert!(
        csv.contains("from_customer done logs/ 1 files 7 bytes: app/today.log"),
        "{csv}"
    );
}

#[tokio::test]
async fn a_transfer_ended_by_the_session_end_is_still_recorded() {
    let server = TestServer::start().await;
    let (mut tess, mut ann, ann_id) = server.started_session("tess", "Ann").await;
    ann.send(json!({"type": "leave"})).await;
    tess.next_of("ended").await;
    let mut cancelled = transfer(ann_id, json!([{"path": "big.iso", "size": 10}]), 1, 10);
    cancelled["activity"]["outcome"] = json!("cancelled");
    tess.send(cancelled).await;
    let client = server.signed_in("tess").await;
    let outcome = common::eventually("the transfer in the report", || {
        let (server, client) = (&server, &client);
        async move {
            let reports = server.reports(client).await;
            reports[0]["transfers"][0]["outcome"]
                .as_str()
                .map(str::to_owned)
        }
    })
    .await;
    assert_eq!(outcome, "cancelled");
}
