//! Accounts, reports and live PINs survive a restart with the same data
//! folder; sessions open at shutdown are closed as `server_stopped`.

mod common;

use common::TestServer;
use serde_json::json;
use signal::Config;

#[tokio::test]
async fn restart_keeps_pins_reports_and_logins() {
    let server = TestServer::start().await;
    let tess = server.signed_in("tess").await;
    let mut console = server.console("tess").await;
    let kept_pin = server.new_pin(&tess, json!({"notes": "call back"})).await["pin"]
        .as_str()
        .unwrap()
        .to_owned();
    let used_pin = server.pin(&tess).await;
    let (mut customer, id) = server.joined_customer(&used_pin, "Ann").await;
    console.send(json!({"type": "start", "session": id})).await;
    customer.next_of("started").await;

    // Stopping ends the open session for both sides.
    let data = server.stop().await;
    assert_eq!(customer.next_of("ended").await["reason"], "server_stopped");
    assert_eq!(console.next_of("ended").await["reason"], "server_stopped");

    let server = TestServer::start_in(data, Config::new("unused")).await;
    // The login cookie still works (logins are stored).
    let reports = server.reports(&tess).await;
    assert_eq!(reports[0]["id"], id);
    assert_eq!(reports[0]["customer"], "Ann");
    assert_eq!(reports[0]["end_reason"], "server_stopped");

    // The unused PIN still works, with its notes; the used one stays used.
    let mut late = server.customer().await;
    late.send(json!({"type": "join", "pin": used_pin, "name": "Mallory"}))
        .await;
    assert_eq!(late.next_error().await["code"], "pin_used");
    let mut console = server.console("tess").await;
    let (_bob, bob_id) = server.joined_customer(&kept_pin, "Bob").await;
    let update = console.next_of("queue_update").await;
    assert_eq!(update["session"]["id"], bob_id);
    assert_eq!(update["session"]["notes"], "call back");
    assert!(bob_id > id, "session ids are not reused");
}
