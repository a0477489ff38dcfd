//! Where the helper connects: the trailer the server appends to the
//! download, read back from a file, and the arguments that replace it.

use std::io::Write;

use clap::Parser;
use helper::launch::{Args, choose, trailer_of};
use protocol::helper::Trailer;

fn file_with(bytes: &[u8]) -> (std::path::PathBuf, impl Drop) {
    struct Gone(std::path::PathBuf);
    impl Drop for Gone {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }
    let path = std::env::temp_dir().join(format!(
        "lifeline-helper-test-{}-{}",
        std::process::id(),
        bytes.len()
    ));
    std::fs::File::create(&path)
        .unwrap()
        .write_all(bytes)
        .unwrap();
    (path.clone(), Gone(path))
}

#[test]
fn the_trailer_is_read_from_the_end_of_a_large_file() {
    let trailer = Trailer {
        server: "https://support.example.org".into(),
        token: "00112233445566778899aabbccddeeff".into(),
    };
    // Bigger than the tail read, so only the end is looked at.
    let mut bytes = vec![0x7fu8; 100_000];
    bytes.extend(trailer.to_bytes());
    let (path, _gone) = file_with(&bytes);
    assert_eq!(trailer_of(&path).unwrap(), Some(trailer.clone()));
    let args = Args::parse_from(["lifeline-helper"]);
    assert_eq!(choose(&args, &path).unwrap(), trailer);
}

#[test]
fn a_file_without_a_trailer_needs_arguments() {
    let (path, _gone) = file_with(b"\x7fELF a helper built here");
    assert_eq!(trailer_of(&path).unwrap(), None);
    let bare = Args::parse_from(["lifeline-helper"]);
    assert!(choose(&bare, &path).unwrap_err().contains("--server"));
    let args = Args::parse_from([
        "lifeline-helper",
        "--server",
        "http://127.0.0.1:8080",
        "--token",
        "abc",
    ]);
    let chosen = choose(&args, &path).unwrap();
    assert_eq!(chosen.server, "http://127.0.0.1:8080");
    assert_eq!(chosen.token, "abc");
    assert!(Args::try_parse_from(["lifeline-helper", "--token", "abc"]).is_err());
}
