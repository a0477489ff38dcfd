//! `bench_browser --files`: file throughput of the web app beside a raw
//! data channel, in the same two Chromiums in the same run.
//!
//! - **App**: the technician picks a file (or a folder) in the console,
//!   the customer clicks Accept; timed from that click to the customer's
//!   row showing done (every file hashed, checked and saved). The saved
//!   download is then checked by SHA-256 (a folder's zip by its entries).
//! - **Raw**: a second pair of `RTCPeerConnection`s between the same two
//!   pages (SDP handed over by WebDriver, host candidates only), one
//!   reliable ordered channel, and a plain loop on the technician's page
//!   sending 64 KiB messages (the app's frame size) with the app's
//!   back-pressure: wait while `bufferedAmount` > 1 MiB, resume on
//!   `bufferedamountlow` at 256 KiB. The customer's page counts the bytes;
//!   timed from the loop's start to the last byte's arrival. A folder is
//!   sent the same way file by file (a 4 KiB file is one 4 KiB message).
//!
//! Times are taken inside the pages (`performance.timeOrigin +
//! performance.now()`, one clock for both browsers on one machine).

use std::path::{Path, PathBuf};
use std::time::Duration;

use lifeline_tests::files::{downloaded, make_file, save_downloads_to, sha256_of, zip_entries};
use lifeline_tests::flow::{self, CUSTOMER};
use lifeline_tests::scenario::Stage;
use lifeline_tests::{Result, page, wait};
use serde::Deserialize;
use serde_json::json;
use thirtyfour::prelude::*;

/// What one run of the file benchmark measured, in seconds.
#[derive(Debug, Clone, Copy, Default)]
pub struct FileRun {
    pub app_file: f64,
    pub raw_file: f64,
    pub app_folder: f64,
    pub raw_folder: f64,
    /// Only reading the folder's files in the technician's page, one
    /// `File.arrayBuffer()` after another, and four at a time.
    pub read_folder: f64,
    pub read_folder_4: f64,
}

/// The workload: one big file and a folder of many small ones.
#[derive(Debug, Clone, Copy)]
pub struct Workload {
    pub file_bytes: usize,
    pub folder_files: usize,
    pub small_bytes: usize,
}

/// Installed in both pages: when an Accept was clicked and when each
/// received transfer reached done or failed, by transfer id.
const MARKS_JS: &str = r#"
if (!window.__fm) {
  const now = () => performance.timeOrigin + performance.now();
  const m = window.__fm = { accept: {}, done: {}, failed: {} };
  document.addEventListener('click', (e) => {
    const b = e.target.closest('.transfer-accept');
    const row = b && b.closest('.transfer');
    if (row) m.accept[row.dataset.transfer] = now();
  }, true);
  new MutationObserver(() => {
    for (const row of document.querySelectorAll('.transfer[data-way="receiving"]')) {
      const id = row.dataset.transfer, stage = row.dataset.stage;
      if (stage === 'done' && !(id in m.done)) m.done[id] = now();
      if (stage === 'failed' && !(id in m.failed)) m.failed[id] = now();
    }
  }).observe(document.body, { subtree: true, childList: true, attributes: true,
                              attributeFilter: ['data-stage'] });
}
"#;

#[derive(Debug, Default, Deserialize)]
struct Marks {
    accept: std::collections::HashMap<String, f64>,
    done: std::collections::HashMap<String, f64>,
    failed: std::collections::HashMap<String, f64>,
}

/// Technician's page: a raw peer connection offering one channel; returns
/// the offer once every candidate is in it.
const RAW_OFFER_JS: &str = r#"
const done = arguments[arguments.length - 1];
(async () => {
  const pc = new RTCPeerConnection({ iceServers: [] });
  const dc = pc.createDataChannel('raw', { ordered: true });
  dc.binaryType = 'arraybuffer';
  window.__raw = { pc, dc };
  await pc.setLocalDescription(await pc.createOffer());
  if (pc.iceGatheringState !== 'complete') {
    await new Promise((r) => pc.addEventListener('icegatheringstatechange',
      () => pc.iceGatheringState === 'complete' && r()));
  }
  return JSON.stringify(pc.localDescription);
})().then(done, (e) => done('error: ' + e));
"#;

/// Customer's page: answers, and counts what arrives on the channel.
const RAW_ANSWER_JS: &str = r#"
const offer = JSON.parse(arguments[0]);
const done = arguments[arguments.length - 1];
(async () => {
  const now = () => performance.timeOrigin + performance.now();
  const raw = window.__raw = { got: 0, want: Infinity, end: null };
  const pc = raw.pc = new RTCPeerConnection({ iceServers: [] });
  pc.ondatachannel = (e) => {
    const dc = raw.dc = e.channel;
    dc.binaryType = 'arraybuffer';
    dc.onmessage = (ev) => {
      raw.got += ev.data.byteLength;
      if (raw.end === null && raw.got >= raw.want) raw.end = now();
    };
  };
  await pc.setRemoteDescription(offer);
  await pc.setLocalDescription(await pc.createAnswer());
  if (pc.iceGatheringState !== 'complete') {
    await new Promise((r) => pc.addEventListener('icegatheringstatechange',
      () => pc.iceGatheringState === 'complete' && r()));
  }
  return JSON.stringify(pc.localDescription);
})().then(done, (e) => done('error: ' + e));
"#;

/// Technician's page: takes the answer and waits for the channel to open.
const RAW_CONNECT_JS: &str = r#"
const answer = JSON.parse(arguments[0]);
const done = arguments[arguments.length - 1];
(async () => {
  const { pc, dc } = window.__raw;
  await pc.setRemoteDescription(answer);
  if (dc.readyState !== 'open') await new Promise((r) => dc.addEventListener('open', r, { once: true }));
  return 'open';
})().then(done, (e) => done('error: ' + e));
"#;

/// Customer's page: expect `arguments[0]` bytes from now on.
const RAW_ARM_JS: &str = "const r = window.__raw; r.got = 0; r.end = null; r.want = arguments[0];";

/// Technician's page: the plain sender. Starts the loop and returns its
/// start time at once; the loop records its end in `window.__raw.sent`.
const RAW_SEND_JS: &str = r#"
const sizes = arguments[0];
const now = () => performance.timeOrigin + performance.now();
const CHUNK = 65536, HIGH = 1 << 20, LOW = 256 << 10;
const raw = window.__raw, dc = raw.dc;
const buf = new Uint8Array(CHUNK);
crypto.getRandomValues(buf);
dc.bufferedAmountLowThreshold = LOW;
raw.sent = null;
const start = now();
(async () => {
  for (const size of sizes) {
    let left = size;
    while (left > 0) {
      const n = Math.min(CHUNK, left);
      if (dc.bufferedAmount > HIGH) {
        await new Promise((r) => dc.addEventListener('bufferedamountlow', r, { once: true }));
      }
      dc.send(n === CHUNK ? buf : buf.subarray(0, n));
      left -= n;
    }
  }
  raw.sent = now();
})();
return start;
"#;

/// One run: a session, then app and raw alternately for the file and the
/// folder. `work` is an empty folder of this run's own.
pub async fn measure(stage: Stage, load: Workload, work: &Path) -> Result<FileRun> {
    let (tech, cust) = (&stage.technician, &stage.customer);
    let (scope, saves) = session(&stage, work).await?;
    connect_raw(tech, cust).await?;

    // The big file.
    let big = work.join("out/big.bin");
    let big_hash = make_file(&big, load.file_bytes, 7)?;
    let app_file = app_transfer(tech, cust, &scope, "#send-files-input", &big, 1).await?;
    let got = downloaded(&saves, "big.bin", load.file_bytes as u64).await?;
    if sha256_of(&got)? != big_hash {
        return Err("big.bin arrived changed".into());
    }
    std::fs::remove_file(&got)?;
    let raw_file = raw_transfer(tech, cust, &[load.file_bytes]).await?;

    // The folder of small files, in 20 subfolders.
    let tree = work.join("small");
    for i in 0..load.folder_files {
        let path = tree.join(format!("d{:02}/f{i:05}.txt", i % 20));
        make_file(&path, load.small_bytes, 100 + i as u64)?;
    }
    let app_folder = app_transfer(tech, cust, &scope, "#send-folder-input", &tree, 3).await?;
    let zip = wait::until("small.zip to be saved", Duration::from_secs(120), || {
        let path = saves.join("small.zip");
        let want = load.folder_files;
        async move { Ok(zip_entries(&path).ok().filter(|e| e.len() == want)) }
    })
    .await?;
    drop(zip);
    let sizes = vec![load.small_bytes; load.folder_files];
    let raw_folder = raw_transfer(tech, cust, &sizes).await?;
    let (read_folder, read_folder_4) = read_only(tech, &tree, load.folder_files).await?;

    page::click(cust, "#disconnect").await?;
    Ok(FileRun {
        app_file,
        raw_file,
        app_folder,
        raw_folder,
        read_folder,
        read_folder_4,
    })
}

/// Technician's page: a picker of its own for the folder.
const READ_PICKER_JS: &str = r#"
const input = document.createElement('input');
input.type = 'file';
input.id = 'bench-read-input';
input.webkitdirectory = true;
input.multiple = true;
document.body.appendChild(input);
"#;

/// Technician's page: reads every picked file, `arguments[0]` at a time;
/// returns the milliseconds it took.
const READ_ALL_JS: &str = r#"
const width = arguments[0];
const done = arguments[arguments.length - 1];
const want = arguments[1];
const input = document.querySelector('#bench-read-input');
(async () => {
const until = performance.now() + 20000;
while (input.files.length < want && performance.now() < until) {
  await new Promise((r) => setTimeout(r, 20));
}
const files = Array.from(input.files);
if (files.length !== want) return -1;
const start = performance.now();
let next = 0, bytes = 0;
const worker = async () => {
  while (next < files.length) {
    const f = files[next++];
    bytes += (await f.arrayBuffer()).byteLength;
  }
};
await Promise.all(Array.from({ length: width }, worker));
return performance.now() - start;
})().then(done, () => done(-1));
"#;

/// Seconds to read every file of the folder `tree` in the technician's
/// page: one at a time, then four at a time.
async fn read_only(tech: &WebDriver, tree: &Path, count: usize) -> Result<(f64, f64)> {
    tech.execute(READ_PICKER_JS, vec![]).await?;
    tech.find(By::Css("#bench-read-input"))
        .await?
        .send_keys(tree.display().to_string())
        .await?;
    let mut out = [0.0; 2];
    for (slot, width) in out.iter_mut().zip([1, 4]) {
        let ms: f64 = tech
            .execute_async(READ_ALL_JS, vec![json!(width), json!(count)])
            .await?
            .convert()?;
        if ms < 0.0 {
            return Err("the page could not read the folder's files".into());
        }
        *slot = ms / 1000.0;
    }
    Ok((out[0], out[1]))
}

/// Signs in, starts a session, installs the marks and makes the
/// customer's browser save downloads into `work/saved`; returns the
/// session view's scope and that folder.
async fn session(stage: &Stage, work: &Path) -> Result<(String, PathBuf)> {
    let (tech, cust) = (&stage.technician, &stage.customer);
    flow::sign_in(stage).await?;
    let (pin, link) = flow::make_pin(stage).await?;
    flow::customer_joins(stage, &pin, &link).await?;
    let session = flow::waiting_row(tech, CUSTOMER).await?;
    let scope = flow::start(stage, &session).await?;
    page::wait_text(
        tech,
        &format!("{scope}#connection-state"),
        "Connected",
        |t| t == "Connected",
    )
    .await?;
    for driver in [tech, cust] {
        driver.execute(MARKS_JS, Vec::new()).await?;
    }
    let saves = work.join("saved");
    std::fs::create_dir_all(&saves)?;
    save_downloads_to(cust, &saves).await?;
    Ok((scope, saves))
}

/// Peak resident memory of one browser during a transfer, MiB: its
/// renderers (the page) and all of its processes, before and at the peak.
#[derive(Debug, Clone, Copy, Default)]
pub struct Footprint {
    pub renderer_before: f64,
    pub renderer_peak: f64,
    pub all_before: f64,
    pub all_peak: f64,
}

/// The memory run: one `bytes`-byte file technician → customer with the
/// app, both browsers' resident memory sampled twice a second. Returns
/// the seconds it took and each side's footprint (technician, customer).
pub async fn measure_memory(
    stage: Stage,
    bytes: usize,
    work: &Path,
) -> Result<(f64, Footprint, Footprint)> {
    let (tech, cust) = (&stage.technician, &stage.customer);
    let (scope, saves) = session(&stage, work).await?;
    let big = work.join("out/huge.bin");
    let hash = make_file(&big, bytes, 9)?;
    let mut prints = [Footprint::default(); 2];
    for (print, profile) in prints.iter_mut().zip(&stage.profiles) {
        let (renderer, all) = resident(profile);
        *print = Footprint {
            renderer_before: renderer,
            renderer_peak: renderer,
            all_before: all,
            all_peak: all,
        };
    }
    let sampling = async {
        loop {
            tokio::time::sleep(Duration::from_millis(500)).await;
            for (print, profile) in prints.iter_mut().zip(&stage.profiles) {
                let (renderer, all) = resident(profile);
                print.renderer_peak = print.renderer_peak.max(renderer);
                print.all_peak = print.all_peak.max(all);
            }
        }
        #[allow(unreachable_code)]
        Ok::<(), lifeline_tests::Error>(())
    };
    let secs = tokio::select! {
        secs = app_transfer(tech, cust, &scope, "#send-files-input", &big, 1) => secs?,
        sampled = sampling => return Err(format!("sampling memory stopped: {sampled:?}").into()),
    };
    let got = downloaded(&saves, "huge.bin", bytes as u64).await?;
    if sha256_of(&got)? != hash {
        return Err("huge.bin arrived changed".into());
    }
    page::click(cust, "#disconnect").await?;
    Ok((secs, prints[0], prints[1]))
}

/// Resident memory of a browser's renderers and of all its processes
/// (those naming its profile folder), MiB.
fn resident(profile: &Path) -> (f64, f64) {
    let (mut renderer, mut all) = (0u64, 0u64);
    for (pid, cmdline) in lifeline_tests::process::processes_mentioning(profile) {
        let Ok(m) = lifeline_tests::process::memory(pid) else {
            continue;
        };
        all += m.rss_kib;
        if cmdline.contains("--type=renderer") {
            renderer += m.rss_kib;
        }
    }
    (renderer as f64 / 1024.0, all as f64 / 1024.0)
}

/// Sends `path` from the technician with the app (`input` is the file or
/// folder picker), accepts on the customer's page and returns the seconds
/// from Accept to the customer's done. `id` is the transfer's id.
async fn app_transfer(
    tech: &WebDriver,
    cust: &WebDriver,
    scope: &str,
    input: &str,
    path: &Path,
    id: u32,
) -> Result<f64> {
    tech.find(By::Css(format!("{scope}{input}")))
        .await?
        .send_keys(path.display().to_string())
        .await?;
    let row = format!(".transfer[data-transfer=\"{id}\"][data-way=\"receiving\"]");
    page::click(
        cust,
        &format!("{row}[data-stage=\"offered\"] .transfer-accept"),
    )
    .await?;
    let key = id.to_string();
    let marks = wait::until(
        &format!("transfer {id} to end"),
        Duration::from_secs(600),
        || async {
            let m: Marks = page::js(cust, "return window.__fm;").await?;
            let ended = m.done.contains_key(&key) || m.failed.contains_key(&key);
            Ok(ended.then_some(m))
        },
    )
    .await?;
    match (marks.accept.get(&key), marks.done.get(&key)) {
        (Some(a), Some(d)) if d >= a => Ok((d - a) / 1000.0),
        _ => Err(format!("transfer {id} failed or left no marks: {marks:?}").into()),
    }
}

/// Connects the raw pair between the two pages.
async fn connect_raw(tech: &WebDriver, cust: &WebDriver) -> Result<()> {
    let offer: String = tech.execute_async(RAW_OFFER_JS, vec![]).await?.convert()?;
    if offer.starts_with("error") {
        return Err(format!("raw offer: {offer}").into());
    }
    let answer: String = cust
        .execute_async(RAW_ANSWER_JS, vec![json!(offer)])
        .await?
        .convert()?;
    if answer.starts_with("error") {
        return Err(format!("raw answer: {answer}").into());
    }
    let open: String = tech
        .execute_async(RAW_CONNECT_JS, vec![json!(answer)])
        .await?
        .convert()?;
    if open != "open" {
        return Err(format!("raw channel: {open}").into());
    }
    Ok(())
}

/// Sends files of `sizes` bytes over the raw channel; seconds from the
/// loop's start to the last byte's arrival.
async fn raw_transfer(tech: &WebDriver, cust: &WebDriver, sizes: &[usize]) -> Result<f64> {
    let total: usize = sizes.iter().sum();
    cust.execute(RAW_ARM_JS, vec![json!(total)]).await?;
    let start: f64 = tech
        .execute(RAW_SEND_JS, vec![json!(sizes)])
        .await?
        .convert()?;
    let end: f64 = wait::until(
        "the raw bytes to arrive",
        Duration::from_secs(600),
        || async { page::js::<Option<f64>>(cust, "return window.__raw.end;").await },
    )
    .await?;
    Ok((end - start) / 1000.0)
}
