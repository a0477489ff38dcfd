//! Remote control from outside: the release Lifeline Helper given to the
//! server to offer, run as a customer would run it, and the console's
//! `<video>` of the customer's desktop read and clicked like a technician
//! does.
//!
//! Points are given in desktop pixels and turned into page coordinates
//! with the same `object-fit: contain` geometry the console shows the
//! video with, so a test checks that a click lands where the technician
//! saw it, at any size the video is drawn.

use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use serde::Deserialize;
use serde_json::json;
use tempfile::TempDir;
use thirtyfour::WebDriver;
use tokio::process::{Child, Command};

use crate::{Result, artifacts, page, wait};

/// The platform the tests' helper is offered as.
pub const PLATFORM: &str = "linux-x86_64";

/// The console's video of the customer's desktop.
pub const SCREEN: &str = "video#helper-screen";

/// A folder for `signal serve --helper-dir` holding the release helper
/// under its platform's name; deleted on drop.
pub struct HelperDir {
    dir: TempDir,
}

impl HelperDir {
    pub fn new() -> Result<HelperDir> {
        let binary = artifacts::helper_binary()?;
        let dir = tempfile::Builder::new()
            .prefix("lifeline-helpers-")
            .tempdir()?;
        std::fs::copy(
            &binary,
            dir.path().join(format!("lifeline-helper-{PLATFORM}")),
        )?;
        Ok(HelperDir { dir })
    }

    /// The server flags that offer it.
    pub fn server_args(&self) -> Vec<String> {
        vec!["--helper-dir".into(), self.dir.path().display().to_string()]
    }
}

/// A helper process started as a customer starts it, on one X display;
/// killed with its process group when dropped.
pub struct RunningHelper {
    child: Child,
    output: PathBuf,
    _output_dir: TempDir,
}

impl RunningHelper {
    /// Makes `file` executable (browsers save downloads without the bit)
    /// and runs it with `DISPLAY=display`, nothing else.
    pub fn start(file: &Path, display: &str) -> Result<RunningHelper> {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o755))?;
        let output_dir = tempfile::Builder::new()
            .prefix("lifeline-helper-run-")
            .tempdir()?;
        let output = output_dir.path().join("helper.log");
        let log = std::fs::File::create(&output)?;
        let child = Command::new(file)
            .env_clear()
            .env("DISPLAY", display)
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::from(log.try_clone()?))
            .stderr(Stdio::from(log))
            .process_group(0)
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("cannot run the downloaded helper {}: {e}", file.display()))?;
        Ok(RunningHelper {
            child,
            output,
            _output_dir: output_dir,
        })
    }

    /// Its process id while it runs (for CPU and memory).
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// Waits for the helper to exit by itself.
    pub async fn exited(&mut self, within: Duration) -> Result<ExitStatus> {
        let child = &mut self.child;
        let waited = tokio::time::timeout(within, child.wait()).await;
        match waited {
            Ok(status) => Ok(status?),
            Err(_) => Err(format!(
                "the helper was still running after {within:?}; it printed:\n{}",
                self.output()
            )
            .into()),
        }
    }

    /// Everything it printed so far.
    pub fn output(&self) -> String {
        std::fs::read_to_string(&self.output).unwrap_or_default()
    }
}

/// Waits until a download named `name` is complete in `dir` (the browser
/// writes `<name>.crdownload` first and renames it at the end).
pub async fn downloaded(dir: &Path, name: &str) -> Result<PathBuf> {
    let path = dir.join(name);
    let partial = dir.join(format!("{name}.crdownload"));
    wait::until(
        &format!("{name} to be saved in {}", dir.display()),
        wait::STEP,
        || {
            let done = path.is_file() && !partial.exists();
            let path = path.clone();
            async move { Ok(done.then_some(path)) }
        },
    )
    .await
}

/// Where the video's picture is drawn on the page, for mapping points.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct Shown {
    /// The picture's top-left corner in viewport CSS pixels (after the
    /// letterbox bars).
    pub left: f64,
    pub top: f64,
    /// Viewport pixels per desktop pixel.
    pub scale: f64,
    /// The desktop's size: the video's intrinsic size.
    pub width: u32,
    pub height: u32,
}

impl Shown {
    /// The viewport point over desktop pixel (`x`, `y`): its centre.
    pub fn point(&self, x: u32, y: u32) -> (f64, f64) {
        (
            self.left + (x as f64 + 0.5) * self.scale,
            self.top + (y as f64 + 0.5) * self.scale,
        )
    }
}

/// The video's geometry now (`None` before its first frame).
pub async fn shown(driver: &WebDriver) -> Result<Option<Shown>> {
    page::js_with(
        driver,
        "const v = document.querySelector(arguments[0]);
         if (!v || v.readyState < 2 || !v.videoWidth) return null;
         const r = v.getBoundingClientRect();
         const scale = Math.min(r.width / v.videoWidth, r.height / v.videoHeight);
         return {
           left: r.left + (r.width - v.videoWidth * scale) / 2,
           top: r.top + (r.height - v.videoHeight * scale) / 2,
           scale, width: v.videoWidth, height: v.videoHeight,
         };",
        vec![json!(SCREEN)],
    )
    .await
}

/// Brings the video into view (the browser only delivers input to, and
/// only presents frames of, what it shows) and waits until it has a
/// picture; returns where that is drawn.
pub async fn on_screen(driver: &WebDriver) -> Result<Shown> {
    wait::until("the helper's screen in the console", wait::STEP, || async {
        Ok(page::js_with::<bool>(
            driver,
            "const v = document.querySelector(arguments[0]);
             if (!v) return false;
             v.scrollIntoView({block: 'center', inline: 'center'});
             return true;",
            vec![json!(SCREEN)],
        )
        .await?
        .then_some(()))
    })
    .await?;
    wait::until_value(
        "the helper's screen to have a picture",
        wait::STEP,
        || shown(driver),
        |s| s.is_some_and(|s| s.width > 0),
    )
    .await?
    .ok_or_else(|| "no picture".into())
}

/// The colour of desktop pixel (`x`, `y`) in the video's current frame, as
/// `0xRRGGBB` (`None` before the first frame).
pub async fn pixel(driver: &WebDriver, x: u32, y: u32) -> Result<Option<u32>> {
    page::js_with(
        driver,
        "const v = document.querySelector(arguments[0]);
         if (!v || v.readyState < 2 || !v.videoWidth) return null;
         const c = document.createElement('canvas');
         c.width = v.videoWidth; c.height = v.videoHeight;
         const g = c.getContext('2d', { willReadFrequently: true });
         g.drawImage(v, 0, 0);
         const d = g.getImageData(arguments[1], arguments[2], 1, 1).data;
         return (d[0] << 16) | (d[1] << 8) | d[2];",
        vec![json!(SCREEN), json!(x), json!(y)],
    )
    .await
}

/// True when two colours differ by at most `tolerance` in every channel:
/// VP8 and the YUV round trip shift flat colours a little.
pub fn close_to(colour: u32, expected: u32, tolerance: u32) -> bool {
    (0..3).all(|i| {
        let (a, b) = ((colour >> (i * 8)) & 0xff, (expected >> (i * 8)) & 0xff);
        a.abs_diff(b) <= tolerance
    })
}

/// Waits until the video shows `expected` at desktop pixel (`x`, `y`).
pub async fn wait_pixel(
    driver: &WebDriver,
    x: u32,
    y: u32,
    expected: u32,
    describe: &str,
) -> Result<()> {
    wait::until_value(
        &format!("the console's video to show {describe} at ({x}, {y})"),
        wait::STEP,
        || pixel(driver, x, y),
        |c| c.is_some_and(|c| close_to(c, expected, 40)),
    )
    .await?;
    Ok(())
}

/// One mouse event through the browser's input pipeline (as a real mouse
/// would produce it), at viewport point (`x`, `y`).
pub async fn mouse(driver: &WebDriver, kind: &str, x: f64, y: f64, buttons: u32) -> Result<()> {
    let button = if kind == "mouseMoved" && buttons == 0 {
        "none"
    } else {
        "left"
    };
    driver
        .cdp()
        .send_raw(
            "Input.dispatchMouseEvent",
            json!({"type": kind, "x": x, "y": y, "button": button, "buttons": buttons, "clickCount": 1}),
        )
        .await?;
    Ok(())
}

/// Fails unless viewport point (`x`, `y`) is over the video itself, so a
/// test never blames the helper for a click the page gave to something
/// else.
pub async fn over_video(driver: &WebDriver, x: f64, y: f64) -> Result<()> {
    let hit: String = page::js_with(
        driver,
        "const e = document.elementFromPoint(arguments[1], arguments[2]);
         if (e && e.matches(arguments[0])) return '';
         return e ? e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '.' + e.className : 'nothing';",
        vec![json!(SCREEN), json!(x), json!(y)],
    )
    .await?;
    if hit.is_empty() {
        Ok(())
    } else {
        Err(format!("the point ({x:.0}, {y:.0}) is over {hit}, not the helper's screen").into())
    }
}

/// A left click at desktop pixel (`x`, `y`) of the video.
pub async fn click(driver: &WebDriver, at: Shown, x: u32, y: u32) -> Result<()> {
    let (px, py) = at.point(x, y);
    over_video(driver, px, py).await?;
    mouse(driver, "mouseMoved", px, py, 0).await?;
    mouse(driver, "mousePressed", px, py, 1).await?;
    mouse(driver, "mouseReleased", px, py, 0).await
}

/// A left-button drag from one desktop pixel to another, in `steps` moves.
pub async fn drag(
    driver: &WebDriver,
    at: Shown,
    from: (u32, u32),
    to: (u32, u32),
    steps: u32,
) -> Result<()> {
    let (fx, fy) = at.point(from.0, from.1);
    let (tx, ty) = at.point(to.0, to.1);
    over_video(driver, fx, fy).await?;
    over_video(driver, tx, ty).await?;
    mouse(driver, "mouseMoved", fx, fy, 0).await?;
    mouse(driver, "mousePressed", fx, fy, 1).await?;
    for i in 1..=steps {
        let t = i as f64 / steps as f64;
        mouse(
            driver,
            "mouseMoved",
            fx + (tx - fx) * t,
            fy + (ty - fy) * t,
            1,
        )
        .await?;
    }
    mouse(driver, "mouseReleased", tx, ty, 0).await
}

/// One wheel turn of `delta_y` pixels over desktop pixel (`x`, `y`).
pub async fn wheel(driver: &WebDriver, at: Shown, x: u32, y: u32, delta_y: f64) -> Result<()> {
    let (px, py) = at.point(x, y);
    over_video(driver, px, py).await?;
    driver
        .cdp()
        .send_raw(
            "Input.dispatchMouseEvent",
            json!({"type": "mouseWheel", "x": px, "y": py, "deltaX": 0, "deltaY": delta_y}),
        )
        .await?;
    Ok(())
}
