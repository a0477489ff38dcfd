//! The release build the tests run against: the server binary and the web
//! app. Tests never build them themselves (that would hide a broken
//! `scripts/test` and take minutes inside a test); they fail and say how.

use std::path::{Path, PathBuf};

use crate::Result;

/// The repository root (this package lives in `<root>/tests`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests package sits inside the repository")
        .to_owned()
}

/// Cargo's target folder, honouring `CARGO_TARGET_DIR` like cargo does.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                repo_root().join(dir)
            }
        }
        None => repo_root().join("target"),
    }
}

/// `target/release/signal`, or an error saying how to build it.
pub fn signal_binary() -> Result<PathBuf> {
    let path = target_dir().join("release").join("signal");
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!(
            "{} is missing: these tests run the release server. Run scripts/test, \
             or build it with `cargo build --release -p signal`.",
            path.display()
        )
        .into())
    }
}

/// `target/release/lifeline-helper`, or an error saying how to build it.
pub fn helper_binary() -> Result<PathBuf> {
    let path = target_dir().join("release").join("lifeline-helper");
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!(
            "{} is missing: these tests run the release Lifeline Helper. Run scripts/test, \
             or build it with `cargo build --release -p lifeline-helper`.",
            path.display()
        )
        .into())
    }
}

/// `dist/` with the built web app, or an error saying how to build it.
pub fn web_app() -> Result<PathBuf> {
    let dist = repo_root().join("dist");
    if dist.join("index.html").is_file() {
        Ok(dist)
    } else {
        Err(format!(
            "{} is missing: these tests run the release web app. Run scripts/test, \
             or build it with `trunk build --release` (after scripts/setup).",
            dist.join("index.html").display()
        )
        .into())
    }
}

/// Where a run leaves files for a person to look at (screenshots).
pub fn output_dir(name: &str) -> PathBuf {
    target_dir().join(name)
}
