//! The customer is offered the download for their own computer, or none.

use frontend::remote::platform::{pick, platform_of, run_command};
use protocol::ws::HelperDownload;
use wasm_bindgen_test::wasm_bindgen_test;

const LINUX_CHROME: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
const WINDOWS_CHROME: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
const MAC_SAFARI: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15";
const ANDROID: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36";
const CHROMEBOOK: &str = "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";

fn downloads() -> Vec<HelperDownload> {
    ["linux-x86_64", "linux-aarch64"]
        .into_iter()
        .map(|platform| HelperDownload {
            platform: platform.into(),
            url: format!("/helper/{platform}/abc"),
            file_name: "lifeline-helper".into(),
        })
        .collect()
}

#[wasm_bindgen_test]
fn platforms_are_read_from_the_browser() {
    assert_eq!(
        platform_of("Linux x86_64", LINUX_CHROME).as_deref(),
        Some("linux-x86_64")
    );
    // Chromium says x86_64 in the user agent of every Linux; the
    // platform string knows better.
    assert_eq!(
        platform_of("Linux aarch64", LINUX_CHROME).as_deref(),
        Some("linux-aarch64")
    );
    assert_eq!(
        platform_of("Win32", WINDOWS_CHROME).as_deref(),
        Some("windows-x86_64")
    );
    assert_eq!(
        platform_of("MacIntel", MAC_SAFARI).as_deref(),
        Some("macos-x86_64")
    );
    assert_eq!(platform_of("Linux armv8l", ANDROID), None);
    assert_eq!(platform_of("Linux x86_64", CHROMEBOOK), None);
    assert_eq!(platform_of("", ""), None);
}

#[wasm_bindgen_test]
fn the_download_for_this_computer_or_none() {
    let offered = downloads();
    let linux = pick(&offered, "Linux x86_64", LINUX_CHROME).unwrap();
    assert_eq!(linux.url, "/helper/linux-x86_64/abc");
    let arm = pick(&offered, "Linux aarch64", LINUX_CHROME).unwrap();
    assert_eq!(arm.platform, "linux-aarch64");
    assert!(pick(&offered, "Win32", WINDOWS_CHROME).is_none());
    assert!(pick(&offered, "MacIntel", MAC_SAFARI).is_none());
    assert!(pick(&[], "Linux x86_64", LINUX_CHROME).is_none());
}

#[wasm_bindgen_test]
fn the_command_makes_the_download_runnable_and_runs_it() {
    assert_eq!(
        run_command("lifeline-helper"),
        "chmod +x ~/Downloads/lifeline-helper && ~/Downloads/lifeline-helper"
    );
}
