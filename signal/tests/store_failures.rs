//! A write that cannot be saved (a full disk) leaves nothing half done: the
//! client is told `internal`, memory is as it was, and the same request
//! works once the disk has room again.

mod common;

use common::TestServer;
use serde_json::json;

#[tokio::test]
async fn failed_writes_leave_no_orphan_state() {
    let faults = signal::store::FaultSwitch::default();
    let switch = faults.clone();
    let server = TestServer::start_with(move |c| c.store_faults = switch).await;
    let tess = server.signed_in("tess").await;
    let mut console = server.console("tess").await;
    let pin = server.pin(&tess).await;

    // The disk fills up.
    faults.fail_commits(true);
    for _ in 0..5 {
        let res = tess
            .post(server.url("/api/pins"))
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 500);
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["code"], "internal");
    }
    assert_eq!(
        server.metric(&tess, "lifeline_live_pins").await,
        1.0,
        "failed PINs must not exist anywhere"
    );
    let mut ann = server.customer().await;
    ann.send(json!({"type": "join", "pin": pin, "name": "Ann"}))
        .await;
    assert_eq!(ann.next_error().await["code"], "internal");
    // The PIN was given back, not burnt: same answer, not `pin_used`.
    ann.send(json!({"type": "join", "pin": pin, "name": "Ann"}))
        .await;
    assert_eq!(ann.next_error().await["code"], "internal");

    // Room again: the same PIN works, and the session starts.
    faults.fail_commits(false);
    ann.send(json!({"type": "join", "pin": pin, "name": "Ann"}))
        .await;
    let id = ann.next_of("joined").await["session"].as_i64().unwrap();
    assert_eq!(console.next_of("queue_update").await["session"]["id"], id);

    // A start that cannot be saved leaves the session waiting.
    faults.fail_commits(true);
    console.send(json!({"type": "start", "session": id})).await;
    let error = console.next_of("error").await;
    assert_eq!(error["code"], "internal");
    assert_eq!(error["session"], id);
    faults.fail_commits(false);
    console.send(json!({"type": "start", "session": id})).await;
    assert_eq!(console.next_of("started").await["session"], id);
    assert_eq!(ann.next_of("started").await["session"], id);

    // Consent that cannot be recorded is not asked for.
    faults.fail_commits(true);
    console
        .send(json!({"type": "consent_request", "session": id, "scope": "screen_view"}))
        .await;
    assert_eq!(console.next_of("error").await["code"], "internal");
    faults.fail_commits(false);
    console
        .send(json!({"type": "consent_request", "session": id, "scope": "screen_view"}))
        .await;
    assert_eq!(ann.next_of("consent_request").await["session"], id);

    let reports = server.reports(&tess).await;
    assert_eq!(
        reports.as_array().unwrap().len(),
        1,
        "one session, one report"
    );
    assert_eq!(reports[0]["status"], "active");
    let consent = reports[0]["consent"].as_array().unwrap();
    assert_eq!(
        consent.len(),
        1,
        "only the request that was made: {consent:?}"
    );
}
