//! A login that ends takes its consoles with it: removing a technician
//! (from another process, as `signal user remove` does) or idle logout
//! closes their consoles within a tick, and a removed technician's PINs
//! stop working.

mod common;

use std::time::Duration;

use common::{Socket, TestServer};
use serde_json::json;

#[tokio::test]
async fn removing_a_technician_closes_their_consoles_and_expires_their_pins() {
    let server = TestServer::start().await;
    let tess = server.signed_in("tess").await;
    let mut console = server.console("tess").await;
    let pin = server.pin(&tess).await;
    let tom = server.signed_in("tom").await;
    let mut toms_console = server.console("tom").await;
    let toms_pin = server.pin(&tom).await;

    // What `signal user remove tess` does, through its own connection.
    signal::store::Store::open(server.data.path())
        .unwrap()
        .remove_technician("tess")
        .unwrap();

    let closed = loop {
        if let Err(close) = console.next_or_close().await {
            break close;
        }
    };
    assert_eq!(closed, Some((1008, "signed out".to_owned())));
    let mut customer = server.customer().await;
    customer
        .send(json!({"type": "join", "pin": pin, "name": "Ann"}))
        .await;
    assert_eq!(customer.next_error().await["code"], "pin_expired");
    // Tom is untouched.
    let (_bob, id) = server.joined_customer(&toms_pin, "Bob").await;
    toms_console
        .send(json!({"type": "start", "session": id}))
        .await;
    assert_eq!(toms_console.next_of("started").await["session"], id);
}

#[tokio::test]
async fn idle_logout_closes_open_consoles() {
    let server = TestServer::start().await;
    let _tess = server.signed_in("tess").await;
    let mut console = server.console("tess").await;
    server.clock.advance(Duration::from_secs(8 * 3600 + 120));
    let closed = loop {
        if let Err(close) = console.next_or_close().await {
            break close;
        }
    };
    assert_eq!(closed, Some((1008, "signed out".to_owned())));
}

#[tokio::test]
async fn a_console_in_use_is_not_idle() {
    let server = TestServer::start().await;
    let tess = server.signed_in("tess").await;
    let cookie = common::login_cookie(&server, "tess").await;
    let mut console = Socket::connect(server.addr, Some(&cookie), None).await;
    console.next_of("welcome").await;
    let pin = server.pin(&tess).await;
    let (_ann, id) = server.joined_customer(&pin, "Ann").await;
    // Seven quiet hours, then the technician works in the console.
    server.clock.advance(Duration::from_secs(7 * 3600));
    console.send(json!({"type": "start", "session": id})).await;
    assert_eq!(console.next_of("started").await["session"], id);
    // Two more hours: nine since sign-in, two since the console was used.
    server.clock.advance(Duration::from_secs(2 * 3600));
    // The console's login is still valid: another window opens with it.
    let mut second = Socket::connect(server.addr, Some(&cookie), None).await;
    assert_eq!(second.next_of("welcome").await["technician"], "tess");
}
