//! Finishing recordings that are over, and deleting those past the
//! retention (`--recording-retention`). Run from the server's one-second
//! tick, with the server's clock, so tests move time instead of waiting.

use std::time::Duration;

use time::OffsetDateTime;

use super::{AFTER_SESSION_END, IDLE, Open, Recordings};

/// How often the retention sweep runs.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

impl Recordings {
    /// Finishes recordings that are over (see the module doc of
    /// `recordings`) and, once a minute, deletes old ones.
    pub async fn tick(&self) {
        let now = self.now();
        for entry in self.entries() {
            // One busy writing a chunk is not idle.
            let Ok(mut open) = entry.try_lock() else {
                continue;
            };
            if !open.finished && self.is_over(&open, now) {
                self.finish(&mut open).await;
            }
        }
        let due = {
            let mut swept = self
                .inner
                .swept_at
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            let due = swept.is_none_or(|at| now - at >= SWEEP_EVERY);
            if due {
                *swept = Some(now);
            }
            due
        };
        if due {
            self.sweep(now).await;
        }
    }

    fn is_over(&self, open: &Open, now: OffsetDateTime) -> bool {
        let quiet = now - open.last_chunk_at;
        quiet >= IDLE
            || (quiet >= AFTER_SESSION_END && !self.hub().session_is_open(open.session))
            // Left by a previous run: its console is gone with that run.
            || open.login.is_none()
    }

    /// Makes the file seekable, records that, and tells both sides the
    /// recording stopped. A recording without a single chunk is deleted:
    /// there is nothing to watch.
    pub(super) async fn finish(&self, open: &mut Open) {
        let (id, session) = (open.id, open.session);
        open.finished = true;
        self.inner
            .open
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&id);
        let db = self.hub().db().clone();
        if open.chunks == 0 {
            if db
                .call(move |store| store.delete_recording(id))
                .await
                .is_ok()
            {
                let _ = self.inner.folder.remove(id).await;
            }
        } else {
            let (duration_ms, bytes) = match self.inner.folder.finish(id).await {
                Ok(done) => (done.duration_ms, done.bytes),
                Err(e) => {
                    // Kept as it came, so that nothing is lost; marked
                    // finished so it is not tried again at every tick.
                    tracing::error!("cannot finish recording {id}: {e}");
                    (0, open.bytes)
                }
            };
            let now = self.now();
            let saved = db
                .call(move |store| store.recording_finished(id, now, duration_ms, bytes))
                .await;
            if let Err(e) = saved {
                tracing::error!("cannot record that recording {id} is finished: {e}");
            }
            tracing::info!(session = %session, recording = %id, duration_ms, bytes, "recording finished");
        }
        self.hub().tell_recording(session, false);
    }

    /// Deletes recordings finished longer than the retention ago: the row
    /// first, so a file that cannot be deleted is never listed again.
    async fn sweep(&self, now: OffsetDateTime) {
        let before = now - self.hub().config().recording_retention;
        let db = self.hub().db().clone();
        let old = match db
            .call(move |store| store.recordings_finished_before(before))
            .await
        {
            Ok(old) => old,
            Err(e) => {
                tracing::error!("the recording retention sweep failed: {e}");
                return;
            }
        };
        for id in old {
            if db
                .call(move |store| store.delete_recording(id))
                .await
                .is_err()
            {
                continue;
            }
            if let Err(e) = self.inner.folder.remove(id).await {
                tracing::error!("cannot delete recording {id}: {e}");
            }
            tracing::info!(recording = %id, "recording deleted: past its retention");
        }
    }
}
