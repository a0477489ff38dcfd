//! Session recordings: the console records the screen with MediaRecorder
//! and uploads a chunk every few seconds; the server appends the chunks to
//! one WebM file per recording and, once the recording is over, makes the
//! file seekable.
//!
//! A recording is over when the console says Stop, when its session has
//! ended and no chunk came for [`AFTER_SESSION_END`] (the console's last
//! upload may still be on its way), or when no chunk came for [`IDLE`]
//! (the console's recorder died). So a closed or crashed console tab
//! loses at most the chunk it was recording.
//!
//! Every step is saved to the database before anyone is told, and a chunk
//! the database could not record is cut off the file again (see
//! `crate::hub` for the same rule on sessions).
//!
//! - `ebml`: the EBML primitives; `head`: the stored file's header;
//!   `finish`: making it seekable; `files`: the files on disk.
//! - `upkeep`: finishing recordings that are over, the retention sweep.
//! - `chat`: the chat lines said during a recording, served as WebVTT.

mod chat;
mod ebml;
mod files;
mod finish;
mod head;
#[cfg(test)]
mod tests;
mod upkeep;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use protocol::api::RecordingStarted;
use protocol::{ErrorCode, RecordingId, SessionId};
use time::OffsetDateTime;

pub use files::Folder;
pub use finish::{Finished, finish as finish_file};
pub use head::prepare as prepare_first_chunk;

use crate::hub::{Hub, Refusal};

/// After the session ended, how long a recording waits for late chunks.
pub const AFTER_SESSION_END: Duration = Duration::from_secs(10);
/// A recording that gets no chunk for this long is finished.
pub const IDLE: Duration = Duration::from_secs(120);
/// Largest chunk accepted: minutes of screen at MediaRecorder's rates.
pub const MAX_CHUNK_BYTES: usize = 32 * 1024 * 1024;

/// Cheap handle to the recordings.
#[derive(Clone)]
pub struct Recordings {
    inner: Arc<Inner>,
}

struct Inner {
    hub: Hub,
    folder: Folder,
    /// Recordings not finished yet. Each has its own async lock, held
    /// while a chunk is written, so chunks of one recording never mix.
    open: Mutex<HashMap<RecordingId, Arc<tokio::sync::Mutex<Open>>>>,
    /// Starting is rare: one at a time, so two Record clicks cannot both
    /// pass the per-session checks.
    starting: tokio::sync::Mutex<()>,
    /// When the retention sweep last ran.
    swept_at: Mutex<Option<OffsetDateTime>>,
}

/// A recording being written.
#[derive(Debug)]
struct Open {
    id: RecordingId,
    session: SessionId,
    technician: String,
    /// The login of the console that started it; only it may upload.
    /// `None` for recordings left by a previous run: they are only finished.
    login: Option<String>,
    /// Chunks stored; also the next chunk's number.
    chunks: u64,
    /// Length of the file.
    bytes: u64,
    /// What the session's other recordings take, for the size limit.
    earlier_bytes: u64,
    last_chunk_at: OffsetDateTime,
    /// Set once finished; the entry is then gone from the map.
    finished: bool,
}

/// Who is uploading: a signed-in technician and their login.
#[derive(Debug, Clone)]
pub struct Uploader<'a> {
    pub technician: &'a str,
    pub login: &'a str,
}

/// What became of one chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ChunkStored {
    pub seq: u64,
    /// False when the chunk had been stored already (a retried upload).
    pub stored: bool,
    /// Length of the file so far.
    pub bytes: u64,
}

impl Recordings {
    /// Opens the recordings folder and picks up recordings a previous run
    /// left unfinished (the next [`Recordings::tick`] finishes them).
    pub async fn start(hub: Hub) -> std::io::Result<Self> {
        let config = hub.config();
        let dir = config
            .recordings_dir
            .clone()
            .unwrap_or_else(|| config.data_dir.join("recordings"));
        let folder = Folder::open(&dir)?;
        let left = hub
            .db()
            .call(|store| store.open_recordings())
            .await
            .map_err(std::io::Error::other)?;
        let open = left
            .into_iter()
            .map(|r| {
                let open = Open {
                    id: r.id,
                    session: r.session,
                    technician: r.technician,
                    login: None,
                    chunks: r.chunks,
                    bytes: r.bytes,
                    earlier_bytes: 0,
                    last_chunk_at: r.last_chunk_at,
                    finished: false,
                };
                (r.id, Arc::new(tokio::sync::Mutex::new(open)))
            })
            .collect();
        Ok(Recordings {
            inner: Arc::new(Inner {
                hub,
                folder,
                open: Mutex::new(open),
                starting: tokio::sync::Mutex::new(()),
                swept_at: Mutex::new(None),
            }),
        })
    }

    pub fn folder(&self) -> &Folder {
        &self.inner.folder
    }

    fn hub(&self) -> &Hub {
        &self.inner.hub
    }

    fn now(&self) -> OffsetDateTime {
        self.hub().config().clock.now()
    }

    fn entries(&self) -> Vec<Arc<tokio::sync::Mutex<Open>>> {
        let open = self.inner.open.lock().unwrap_or_else(|e| e.into_inner());
        open.values().cloned().collect()
    }

    fn entry(&self, id: RecordingId) -> Option<Arc<tokio::sync::Mutex<Open>>> {
        let open = self.inner.open.lock().unwrap_or_else(|e| e.into_inner());
        open.get(&id).cloned()
    }

    /// The console starts recording `session`. Both sides are told.
    pub async fn start_recording(
        &self,
        who: Uploader<'_>,
        session: SessionId,
    ) -> Result<RecordingStarted, Refusal> {
        let _one_at_a_time = self.inner.starting.lock().await;
        let console = self.hub().recording_console(who.technician, session)?;
        if console != who.login {
            return Err(Refusal::new(ErrorCode::OutOfOrder)
                .about(session)
                .saying("This session is running in another console window."));
        }
        for entry in self.entries() {
            if entry.lock().await.session == session {
                return Err(Refusal::new(ErrorCode::OutOfOrder)
                    .about(session)
                    .saying("This session is already being recorded."));
            }
        }
        let config = self.hub().config();
        let (max_count, max_bytes) = (config.recordings_per_session, config.recording_max_bytes);
        let now = self.now();
        let (id, earlier) = self
            .hub()
            .db()
            .call(move |store| {
                let earlier = store.session_recordings(session)?;
                if earlier.count >= u64::from(max_count) || earlier.bytes >= max_bytes {
                    return Ok((None, earlier));
                }
                Ok((Some(store.open_recording(session, now)?), earlier))
            })
            .await?;
        let Some(id) = id else {
            return Err(if earlier.bytes >= max_bytes {
                too_large(session)
            } else {
                Refusal::new(ErrorCode::TooManyRecordings)
                    .about(session)
                    .saying(format!(
                        "This session already has {} recordings, as many as one session may have.",
                        earlier.count
                    ))
            });
        };
        if let Err(e) = self.inner.folder.create(id).await {
            tracing::error!("cannot create the file of recording {id}: {e}");
            self.hub()
                .db()
                .spawn(move |store| store.delete_recording(id));
            return Err(Refusal::new(ErrorCode::Internal).about(session));
        }
        let open = Open {
            id,
            session,
            technician: who.technician.to_owned(),
            login: Some(who.login.to_owned()),
            chunks: 0,
            bytes: 0,
            earlier_bytes: earlier.bytes,
            last_chunk_at: now,
            finished: false,
        };
        self.inner
            .open
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, Arc::new(tokio::sync::Mutex::new(open)));
        self.hub().tell_recording(session, true);
        tracing::info!(session = %session, recording = %id, "recording started");
        Ok(RecordingStarted {
            id,
            bytes_left: max_bytes - earlier.bytes,
        })
    }

    /// Chunk `seq` of a recording. Chunks are stored in order: one seen
    /// before is acknowledged and dropped (a retry), one from the future is
    /// refused with the number expected.
    pub async fn add_chunk(
        &self,
        who: Uploader<'_>,
        session: SessionId,
        id: RecordingId,
        seq: u64,
        chunk: Vec<u8>,
    ) -> Result<ChunkStored, Refusal> {
        let entry = self.writable(&who, session, id).await?;
        let mut open = entry.lock().await;
        check_uploader(&open, &who, session)?;
        if seq < open.chunks {
            return Ok(ChunkStored {
                seq,
                stored: false,
                bytes: open.bytes,
            });
        }
        if seq > open.chunks {
            return Err(Refusal::new(ErrorCode::OutOfOrder)
                .about(session)
                .saying(format!("Chunk {} is expected next.", open.chunks)));
        }
        let max = self.hub().config().recording_max_bytes;
        if open.earlier_bytes + open.bytes + chunk.len() as u64 > max {
            tracing::warn!(session = %session, recording = %id, "recording reached the size limit");
            self.finish(&mut open).await;
            return Err(too_large(session));
        }
        let chunk = if seq == 0 {
            head::prepare(&chunk).map_err(|e| {
                Refusal::new(ErrorCode::BadRequest)
                    .about(session)
                    .saying(format!("{e}."))
            })?
        } else {
            chunk
        };
        let (before, added) = (open.bytes, chunk.len() as u64);
        if let Err(e) = self.inner.folder.append(id, before, chunk).await {
            tracing::error!("cannot write recording {id}: {e}");
            return Err(Refusal::new(ErrorCode::Internal).about(session));
        }
        let (chunks, bytes, now) = (seq + 1, before + added, self.now());
        let saved = self
            .hub()
            .db()
            .call(move |store| store.recording_grew(id, chunks, bytes, now))
            .await;
        if let Err(e) = saved {
            if let Err(e) = self.inner.folder.truncate(id, before).await {
                tracing::error!("cannot cut recording {id} back: {e}");
            }
            return Err(Refusal::from(e).about(session));
        }
        (open.chunks, open.bytes, open.last_chunk_at) = (chunks, bytes, now);
        Ok(ChunkStored {
            seq,
            stored: true,
            bytes,
        })
    }

    /// The console stopped recording: the file is finished now.
    pub async fn stop_recording(
        &self,
        who: Uploader<'_>,
        session: SessionId,
        id: RecordingId,
    ) -> Result<(), Refusal> {
        let entry = self.writable(&who, session, id).await?;
        let mut open = entry.lock().await;
        check_uploader(&open, &who, session)?;
        self.finish(&mut open).await;
        Ok(())
    }

    /// The open recording `id` of `session`, or why there is none to write.
    async fn writable(
        &self,
        who: &Uploader<'_>,
        session: SessionId,
        id: RecordingId,
    ) -> Result<Arc<tokio::sync::Mutex<Open>>, Refusal> {
        if let Some(entry) = self.entry(id) {
            return Ok(entry);
        }
        let technician = who.technician.to_owned();
        let known = self
            .hub()
            .db()
            .call(move |store| store.recording_of(id, &technician))
            .await?;
        Err(match known {
            Some((of, true)) if of == session => Refusal::new(ErrorCode::OutOfOrder)
                .about(session)
                .saying("This recording is finished; start a new one."),
            _ => not_found(),
        })
    }

    /// Checks that `technician` may watch or download recording `id` of
    /// `session`: only the technician whose session it was.
    pub async fn may_read(
        &self,
        technician: &str,
        session: SessionId,
        id: RecordingId,
    ) -> Result<(), Refusal> {
        let technician = technician.to_owned();
        let known = self
            .hub()
            .db()
            .call(move |store| store.recording_of(id, &technician))
            .await?;
        match known {
            Some((of, _)) if of == session => Ok(()),
            _ => Err(not_found()),
        }
    }
}

/// Only the console that started a recording adds to it; anyone else is
/// told there is no such recording.
fn check_uploader(open: &Open, who: &Uploader<'_>, session: SessionId) -> Result<(), Refusal> {
    if open.session != session || open.technician != who.technician {
        return Err(not_found());
    }
    if open.finished || open.login.as_deref() != Some(who.login) {
        return Err(Refusal::new(ErrorCode::OutOfOrder)
            .about(session)
            .saying("This recording belongs to another console window, or is finished."));
    }
    Ok(())
}

fn not_found() -> Refusal {
    Refusal::new(ErrorCode::NotFound).saying("No such recording.")
}

fn too_large(session: SessionId) -> Refusal {
    Refusal::new(ErrorCode::RecordingTooLarge).about(session)
}
