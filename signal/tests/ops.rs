//! Health, metrics, the web app and the CLI's first-run hint.

mod common;

use common::TestServer;

#[tokio::test]
async fn healthz_and_metrics() {
    let server = TestServer::start().await;
    let client = server.http();
    let res = client.get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["referrer-policy"], "no-referrer");
    assert_eq!(res.headers()["x-frame-options"], "DENY");

    let tess = server.signed_in("tess").await;
    let pin = server.pin(&tess).await;
    let (_ann, _) = server.joined_customer(&pin, "Ann").await;
    let text = server.metrics(&client).await;
    for line in [
        "lifeline_pins_issued_total 1",
        "lifeline_sessions{status=\"waiting\"} 1",
        "lifeline_sessions{status=\"active\"} 0",
        "lifeline_sockets 1",
        "lifeline_live_pins 0",
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "missing {line:?} in\n{text}"
        );
    }
}

#[tokio::test]
async fn the_app_is_served_with_spa_fallback() {
    let app = tempfile::tempdir().unwrap();
    std::fs::write(
        app.path().join("index.html"),
        "<!doctype html><title>app</title>",
    )
    .unwrap();
    std::fs::write(app.path().join("app.js"), "console.log(1)").unwrap();
    let dir = app.path().to_owned();
    let server = TestServer::start_with(move |c| c.static_dir = Some(dir)).await;
    let client = server.http();
    for path in ["/", "/console", "/?code=123456"] {
        let res = client.get(server.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        assert!(
            res.text().await.unwrap().contains("<title>app</title>"),
            "{path}"
        );
    }
    let js = server.text(&client, "/app.js").await;
    assert_eq!(js, "console.log(1)");
    // API paths never fall back to the app.
    let res = client.get(server.url("/api/nothing")).send().await.unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(res.headers()["content-type"], "application/json");
}

#[tokio::test]
async fn without_the_app_a_page_says_how_to_build_it() {
    let server = TestServer::start().await;
    let text = server.text(&server.http(), "/console").await;
    assert!(text.contains("has not been built"), "{text}");
}

#[test]
fn cli_user_commands_and_first_start_hint() {
    let bin = env!("CARGO_BIN_EXE_signal");
    let data = tempfile::tempdir().unwrap();
    let data_arg = data.path().to_str().unwrap();
    let run = |args: &[&str], stdin: &str| {
        use std::io::Write;
        let mut child = std::process::Command::new(bin)
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let out = run(
        &["user", "add", "ann", "--password-stdin", "--data", data_arg],
        "long enough pw\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&["user", "list", "--data", data_arg], "");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("ann\t"));
    let out = run(
        &["user", "add", "ann", "--password-stdin", "--data", data_arg],
        "long enough pw\n",
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    let out = run(&["user", "remove", "ann", "--data", data_arg], "");
    assert!(out.status.success());
    let out = run(&["user", "remove", "ann", "--data", data_arg], "");
    assert!(String::from_utf8_lossy(&out.stderr).contains("no technician"));

    // `serve` with no accounts says, in one line, how to make one.
    let empty = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(bin)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--data",
            empty.path().to_str().unwrap(),
        ])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = std::time::Instant::now() + common::DEADLINE;
    let hint = loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) if line.contains("No technician account yet") => break Some(line),
            Ok(_) => continue,
            Err(_) => break None,
        }
    };
    let _ = child.kill();
    let _ = child.wait();
    let hint = hint.expect("no first-start hint");
    assert!(
        hint.contains("signal user add NAME --password-stdin"),
        "{hint}"
    );
}
