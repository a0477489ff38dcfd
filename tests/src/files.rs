//! Files for the file-transfer scenarios: made on disk with known
//! contents, handed to the pages' pickers, and found again where the
//! receiving browser saved them (a plain download or a folder's zip),
//! compared by SHA-256.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::json;
use sha2::{Digest, Sha256};
use thirtyfour::WebDriver;

use crate::{Result, wait};

/// Writes `size` bytes that differ from file to file (`seed`) and from
/// block to block, so a swapped or repeated chunk changes the hash.
pub fn make_file(path: &Path, size: usize, seed: u64) -> Result<String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut hasher = Sha256::new();
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut block = vec![0u8; 1 << 16];
    let mut left = size;
    while left > 0 {
        for word in block.chunks_mut(8) {
            // xorshift64: fast, and good enough to make every block unique.
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            word.copy_from_slice(&state.to_le_bytes()[..word.len()]);
        }
        let n = left.min(block.len());
        out.write_all(&block[..n])?;
        hasher.update(&block[..n]);
        left -= n;
    }
    out.flush()?;
    Ok(hex(&hasher.finalize()))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 of a file on disk.
pub fn sha256_of(path: &Path) -> Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

/// Makes the browser save downloads into `dir`, without asking.
pub async fn save_downloads_to(driver: &WebDriver, dir: &Path) -> Result<()> {
    driver
        .cdp()
        .send_raw(
            "Browser.setDownloadBehavior",
            json!({"behavior": "allow", "downloadPath": dir.display().to_string()}),
        )
        .await?;
    Ok(())
}

/// Lets the page read and write the clipboard without asking.
pub async fn allow_clipboard(driver: &WebDriver, origin: &str) -> Result<()> {
    driver
        .cdp()
        .send_raw(
        "Browser.grantPermissions",
        json!({"origin": origin, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]}),
    )
    .await?;
    Ok(())
}

/// Waits until `dir/name` is completely downloaded (`size` bytes and no
/// `.crdownload` left) and returns its path.
pub async fn downloaded(dir: &Path, name: &str, size: u64) -> Result<PathBuf> {
    let path = dir.join(name);
    wait::until(
        &format!("{name} ({size} bytes) to be saved in {}", dir.display()),
        Duration::from_secs(120),
        || {
            let path = path.clone();
            async move {
                let partial = std::fs::read_dir(path.parent().unwrap())?
                    .flatten()
                    .any(|e| e.file_name().to_string_lossy().ends_with(".crdownload"));
                let len = std::fs::metadata(&path).map(|m| m.len()).ok();
                Ok((len == Some(size) && !partial).then_some(path))
            }
        },
    )
    .await
}

/// A saved zip's entries: path → SHA-256 of the bytes.
pub fn zip_entries(path: &Path) -> Result<BTreeMap<String, String>> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path)?)?;
    let mut out = BTreeMap::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i)?;
        let mut hasher = Sha256::new();
        let mut buf = Vec::new();
        entry.read_to_end(&mut buf)?;
        hasher.update(&buf);
        let name = entry.name()?.into_owned();
        out.insert(name, hex(&hasher.finalize()));
    }
    Ok(out)
}
