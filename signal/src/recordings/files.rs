//! The recording files, one `<id>.webm` per recording in the recordings
//! folder. Every call runs on tokio's blocking pool: a slow disk must not
//! stall the async threads.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use protocol::RecordingId;

use super::finish::{self, Finished};

/// The recordings folder.
#[derive(Debug, Clone)]
pub struct Folder {
    dir: PathBuf,
}

impl Folder {
    /// Creates the folder if needed, private to the server's user: the
    /// videos show customers' screens.
    pub fn open(dir: &Path) -> io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
        Ok(Folder {
            dir: dir.to_owned(),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file name of a recording, as served under
    /// `/api/sessions/{session}/recordings/`.
    pub fn file_name(id: RecordingId) -> String {
        format!("{}.webm", id.0)
    }

    pub fn path(&self, id: RecordingId) -> PathBuf {
        self.dir.join(Self::file_name(id))
    }

    /// An empty file for a new recording (0600).
    pub async fn create(&self, id: RecordingId) -> io::Result<()> {
        let path = self.path(id);
        blocking(move || {
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            options.open(path).map(drop)
        })
        .await
    }

    /// Appends `bytes` to a recording that is `len` bytes long, durably.
    /// On failure the file is cut back to `len`, so it never holds half a
    /// chunk.
    pub async fn append(&self, id: RecordingId, len: u64, bytes: Vec<u8>) -> io::Result<()> {
        let path = self.path(id);
        blocking(move || {
            let mut file = std::fs::OpenOptions::new().append(true).open(&path)?;
            let written = file.write_all(&bytes).and_then(|()| file.sync_data());
            if written.is_err() {
                let _ = file.set_len(len);
            }
            written
        })
        .await
    }

    /// Cuts a recording back to `len` bytes (a chunk that could not be
    /// recorded in the database).
    pub async fn truncate(&self, id: RecordingId, len: u64) -> io::Result<()> {
        let path = self.path(id);
        blocking(move || {
            std::fs::OpenOptions::new()
                .write(true)
                .open(path)?
                .set_len(len)
        })
        .await
    }

    /// Makes a recording seekable (see `finish`).
    pub async fn finish(&self, id: RecordingId) -> io::Result<Finished> {
        let path = self.path(id);
        blocking(move || finish::finish(&path)).await
    }

    /// Deletes a recording; one already gone is not an error.
    pub async fn remove(&self, id: RecordingId) -> io::Result<()> {
        let path = self.path(id);
        blocking(move || match std::fs::remove_file(path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        })
        .await
    }
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> io::Result<T> + Send + 'static,
) -> io::Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|e| Err(io::Error::other(e)))
}
