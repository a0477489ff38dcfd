//! End-to-end: files, folders and text between a technician's and a
//! customer's Chromium, through the release server and web app. Every
//! received file is read back from where the receiving browser saved it
//! and compared by SHA-256; a folder arrives as one zip.
//!
//! Needs `target/release/signal` and `dist/` (scripts/test builds both).

use std::path::Path;
use std::time::Duration;

use lifeline_tests::api::TechnicianClient;
use lifeline_tests::files::{
    allow_clipboard, downloaded, make_file, save_downloads_to, sha256_of, zip_entries,
};
use lifeline_tests::flow::{self, CUSTOMER};
use lifeline_tests::scenario::{self, Stage};
use lifeline_tests::server::Options;
use lifeline_tests::{Result, page, wait};
use protocol::activity::{TransferDirection, TransferOutcome, TransferRecord};
use serde_json::json;
use thirtyfour::prelude::*;

/// Signs in, makes a PIN, lets the customer join and starts the session;
/// returns the session view's scope.
async fn started(stage: &Stage) -> Result<String> {
    flow::sign_in(stage).await?;
    let (pin, link) = flow::make_pin(stage).await?;
    flow::customer_joins(stage, &pin, &link).await?;
    let session = flow::waiting_row(&stage.technician, CUSTOMER).await?;
    flow::start(stage, &session).await
}

/// Hands `paths` to a file input, as a person picking them would.
async fn pick(driver: &WebDriver, input: &str, paths: &[&Path]) -> Result<()> {
    let joined: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    driver
        .find(By::Css(input))
        .await?
        .send_keys(joined.join("\n"))
        .await?;
    Ok(())
}

/// Waits for a transfer row `way` in `scope` to reach `stage`.
async fn row_reaches(driver: &WebDriver, scope: &str, way: &str, stage: &str) -> Result<()> {
    page::find_within(
        driver,
        &format!("{scope}.transfer[data-way=\"{way}\"][data-stage=\"{stage}\"]"),
        Duration::from_secs(120),
    )
    .await?;
    Ok(())
}

/// Notes in the page whether a progress bar ever showed.
const WATCH_PROGRESS: &str = "window.__sawProgress = false;
    new MutationObserver(() => {
      if (document.querySelector('progress.transfer-progress')) window.__sawProgress = true;
    }).observe(document.body, { subtree: true, childList: true });";

/// The transfers of the technician's newest report, once there are `n`.
async fn reported(stage: &Stage, n: usize) -> Result<Vec<TransferRecord>> {
    let api = TechnicianClient::sign_in(&stage.url, &stage.username, &stage.password).await?;
    let entries = wait::until_value(
        &format!("{n} transfers in the report"),
        wait::STEP,
        || async {
            let reports = api.sessions().await?;
            Ok(reports
                .first()
                .map(|r| r.transfers.clone())
                .unwrap_or_default())
        },
        |t| t.len() >= n,
    )
    .await?;
    Ok(entries.into_iter().map(|e| e.record).collect())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_and_a_folder_both_ways_arrive_byte_for_byte() {
    scenario::run("files-both-ways", Options::default(), |stage| async move {
        let (tech, cust) = (&stage.technician, &stage.customer);
        let scope = started(&stage).await?;
        let work = tempfile::tempdir()?;
        let (tech_saves, cust_saves) = (
            work.path().join("tech-saved"),
            work.path().join("cust-saved"),
        );
        std::fs::create_dir_all(&tech_saves)?;
        std::fs::create_dir_all(&cust_saves)?;
        save_downloads_to(tech, &tech_saves).await?;
        save_downloads_to(cust, &cust_saves).await?;

        // Technician → customer: a file over 50 MB and a small one, offered together.
        let big = work.path().join("out/big.bin");
        let notes = work.path().join("out/notes.txt");
        let big_size = 52 * 1024 * 1024 + 12_345;
        let big_hash = make_file(&big, big_size, 1)?;
        let notes_hash = make_file(&notes, 3000, 2)?;
        page::js::<()>(cust, WATCH_PROGRESS).await?;
        pick(tech, &format!("{scope}#send-files-input"), &[&big, &notes]).await?;
        row_reaches(tech, &scope, "sending", "offered").await?;
        let offer = page::wait_any_text(
            cust,
            ".transfer[data-way=\"receiving\"]",
            "the offer",
            |t| t.contains("big.bin") && t.contains("notes.txt") && t.contains("2 file(s)"),
        )
        .await?;
        if !offer.contains(&format!("{} wants to send you", stage.username)) {
            return Err(format!("the offer does not say who sends: {offer:?}").into());
        }
        page::click(cust, ".transfer[data-way=\"receiving\"] .transfer-accept").await?;
        row_reaches(cust, "", "receiving", "done").await?;
        row_reaches(tech, &scope, "sending", "done").await?;
        let saw_progress: bool = page::js(cust, "return window.__sawProgress;").await?;
        if !saw_progress {
            return Err("the customer never saw a progress bar".into());
        }
        let got = downloaded(&cust_saves, "big.bin", big_size as u64).await?;
        assert_eq!(sha256_of(&got)?, big_hash, "big.bin arrived changed");
        let got = downloaded(&cust_saves, "notes.txt", 3000).await?;
        assert_eq!(sha256_of(&got)?, notes_hash, "notes.txt arrived changed");
        stage.snap("files-sent").await?;

        // Customer → technician: a folder with nested paths and an empty file.
        let tree = work.path().join("tree");
        let mut expected = std::collections::BTreeMap::new();
        for (i, (path, size)) in [
            ("a.txt", 10),
            ("sub/b.bin", 200_000),
            ("sub/deeper/c.txt", 1),
            ("sub/empty.txt", 0),
        ]
        .into_iter()
        .enumerate()
        {
            let hash = make_file(&tree.join(path), size, 10 + i as u64)?;
            expected.insert(path.to_owned(), hash);
        }
        pick(cust, "#send-folder-input", &[&tree]).await?;
        page::wait_any_text(
            tech,
            &format!("{scope}.transfer[data-way=\"receiving\"]"),
            "the folder offer",
            |t| t.contains("Folder tree") && t.contains("4 file(s)"),
        )
        .await?;
        page::click(
            tech,
            &format!("{scope}.transfer[data-way=\"receiving\"] .transfer-accept"),
        )
        .await?;
        row_reaches(tech, &scope, "receiving", "done").await?;
        row_reaches(cust, "", "sending", "done").await?;
        let zip = wait::until("tree.zip to be saved", Duration::from_secs(60), || {
            let path = tech_saves.join("tree.zip");
            async move { Ok(zip_entries(&path).ok().filter(|e| e.len() == 4)) }
        })
        .await?;
        assert_eq!(zip, expected, "the folder's zip does not hold the folder");
        stage.snap("folder-sent").await?;

        // The report lists both, which way and how they ended.
        let records = reported(&stage, 2).await?;
        let first = &records[0];
        assert_eq!(
            (
                first.direction,
                first.outcome,
                first.file_count,
                first.total_bytes
            ),
            (
                TransferDirection::ToCustomer,
                TransferOutcome::Done,
                2,
                big_size as u64 + 3000
            )
        );
        assert_eq!(first.files[0].path, "big.bin");
        let second = &records[1];
        assert_eq!(
            (
                second.direction,
                second.outcome,
                second.folder.as_deref(),
                second.file_count
            ),
            (
                TransferDirection::FromCustomer,
                TransferOutcome::Done,
                Some("tree"),
                4
            )
        );
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn decline_cancel_and_text_with_copy_and_paste() {
    scenario::run("files-decline-cancel-text", Options::default(), |stage| async move {
        let (tech, cust) = (&stage.technician, &stage.customer);
        let scope = started(&stage).await?;
        let work = tempfile::tempdir()?;
        let cust_saves = work.path().join("cust-saved");
        let tech_saves = work.path().join("tech-saved");
        std::fs::create_dir_all(&cust_saves)?;
        std::fs::create_dir_all(&tech_saves)?;
        save_downloads_to(cust, &cust_saves).await?;
        save_downloads_to(tech, &tech_saves).await?;

        // Declined: nothing is saved, both sides say so.
        let small = work.path().join("driver.exe");
        make_file(&small, 5000, 3)?;
        pick(tech, &format!("{scope}#send-files-input"), &[&small]).await?;
        page::click(cust, ".transfer[data-way=\"receiving\"] .transfer-decline").await?;
        row_reaches(cust, "", "receiving", "declined").await?;
        row_reaches(tech, &scope, "sending", "declined").await?;
        page::wait_any_text(tech, &format!("{scope}.transfer-status"), "declined", |t| {
            t == format!("{CUSTOMER} declined.")
        })
        .await?;

        // Cancelled by the receiver while the bytes move: both sides stop,
        // and nothing is saved.
        let large = work.path().join("large.iso");
        std::fs::File::create(&large)?.set_len(400 * 1024 * 1024)?;
        pick(cust, "#send-files-input", &[&large]).await?;
        page::click(tech, &format!("{scope}.transfer[data-way=\"receiving\"] .transfer-accept")).await?;
        row_reaches(tech, &scope, "receiving", "moving").await?;
        page::click(tech, &format!("{scope}.transfer[data-way=\"receiving\"] .transfer-cancel")).await?;
        row_reaches(tech, &scope, "receiving", "cancelled").await?;
        row_reaches(cust, "", "sending", "cancelled").await?;
        let left: Vec<_> = std::fs::read_dir(&tech_saves)?.flatten().map(|e| e.file_name()).collect();
        assert!(left.is_empty(), "a cancelled transfer left {left:?}");

        // A new transfer after the cancel works as before.
        let after = work.path().join("after.txt");
        let after_hash = make_file(&after, 777, 4)?;
        pick(cust, "#send-files-input", &[&after]).await?;
        page::click(tech, &format!("{scope}.transfer[data-way=\"receiving\"][data-stage=\"offered\"] .transfer-accept")).await?;
        let got = downloaded(&tech_saves, "after.txt", 777).await?;
        assert_eq!(sha256_of(&got)?, after_hash);

        // Text: the customer sends, the technician copies it to the clipboard.
        allow_clipboard(tech, &stage.url).await?;
        let text = "C:\\Program Files\\Printer\\setup.log  (line 42)";
        page::type_into(cust, "#shared-text", text).await?;
        page::click(cust, "#send-text").await?;
        let body = format!("{scope}.shared-text-item[data-mine=\"false\"] .shared-text-body");
        page::wait_any_text(tech, &body, "the customer's text", |t| t == text).await?;
        page::click(tech, &format!("{scope}.shared-text-item[data-mine=\"false\"] .copy-text")).await?;
        page::wait_any_text(tech, &format!("{scope}.copy-state"), "Copied", |t| t == "Copied").await?;
        let clipboard: String = tech
            .execute_async(
                "navigator.clipboard.readText().then(arguments[0], e => arguments[0]('error: ' + e));",
                vec![],
            )
            .await?
            .convert()?;
        assert_eq!(clipboard, text, "the clipboard holds something else");

        // Paste from my clipboard, then send it to the customer.
        let pasted = "ipconfig /flushdns";
        tech.execute_async(
            "navigator.clipboard.writeText(arguments[0]).then(() => arguments[1]());",
            vec![json!(pasted)],
        )
        .await?;
        page::click(tech, &format!("{scope}#paste-text")).await?;
        wait::until_value(
            "the pasted text in the box",
            wait::STEP,
            || async { Ok(page::find(tech, &format!("{scope}#shared-text")).await?.value().await?) },
            |v| v.as_deref() == Some(pasted),
        )
        .await?;
        page::click(tech, &format!("{scope}#send-text")).await?;
        page::wait_any_text(cust, ".shared-text-item[data-mine=\"false\"] .shared-text-body", "the pasted text", |t| {
            t == pasted
        })
        .await?;

        let records = reported(&stage, 3).await?;
        let outcomes: Vec<_> = records.iter().map(|r| (r.direction, r.outcome)).collect();
        assert_eq!(
            outcomes,
            vec![
                (TransferDirection::ToCustomer, TransferOutcome::Declined),
                (TransferDirection::FromCustomer, TransferOutcome::Cancelled),
                (TransferDirection::FromCustomer, TransferOutcome::Done),
            ]
        );
        Ok(())
    })
    .await;
}
