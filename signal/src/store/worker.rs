//! The database thread: every statement the running server makes goes
//! through one thread that owns the connection, never under the hub's lock
//! and never on the async threads.
//!
//! Calls queue up while the thread works; it takes everything queued and
//! runs it as one transaction (each call in its own savepoint, so one
//! failing call fails alone), then answers every caller once the commit has
//! succeeded. A commit that fails (a full disk) fails every call in the
//! batch, and the callers leave their state as it was.

use std::sync::mpsc;

use tokio::sync::oneshot;

use super::{Result, Store, StoreError};

/// Most calls in one transaction: bounds how long one commit takes.
const MAX_BATCH: usize = 256;

/// Cheap handle to the database thread.
#[derive(Clone)]
pub struct Db {
    jobs: mpsc::Sender<Box<dyn Job>>,
}

/// One queued call, type-erased.
trait Job: Send {
    /// Runs the call; its result is kept until the commit.
    fn run(&mut self, store: &Store);
    /// True if the call itself failed (its savepoint is rolled back).
    fn failed(&self) -> bool;
    /// Answers the caller, after the commit (or its failure).
    fn answer(self: Box<Self>, commit: std::result::Result<(), String>);
}

struct Call<T, F> {
    work: Option<F>,
    result: Option<Result<T>>,
    reply: Option<oneshot::Sender<Result<T>>>,
}

impl<T, F> Job for Call<T, F>
where
    T: Send,
    F: FnOnce(&Store) -> Result<T> + Send,
{
    fn run(&mut self, store: &Store) {
        if let Some(work) = self.work.take() {
            self.result = Some(work(store));
        }
    }

    fn failed(&self) -> bool {
        matches!(self.result, Some(Err(_)))
    }

    fn answer(mut self: Box<Self>, commit: std::result::Result<(), String>) {
        let result = match (self.result.take(), commit) {
            (Some(Err(e)), _) => Err(e),
            (Some(Ok(_)), Err(why)) => Err(StoreError::Commit(why)),
            (Some(Ok(value)), Ok(())) => Ok(value),
            (None, _) => Err(StoreError::Commit("the call did not run".into())),
        };
        match self.reply.take() {
            Some(reply) => {
                let _ = reply.send(result);
            }
            // Nobody waits for a fire-and-forget write: its failure is
            // only worth a log line.
            None => {
                if let Err(e) = result {
                    tracing::error!("a database write failed: {e}");
                }
            }
        }
    }
}

impl Db {
    /// Starts the thread; it ends when the last handle is dropped.
    pub fn start(store: Store) -> Self {
        let (jobs, queue) = mpsc::channel::<Box<dyn Job>>();
        std::thread::Builder::new()
            .name("database".into())
            .spawn(move || {
                while let Ok(first) = queue.recv() {
                    let mut batch = vec![first];
                    while batch.len() < MAX_BATCH {
                        match queue.try_recv() {
                            Ok(job) => batch.push(job),
                            Err(_) => break,
                        }
                    }
                    run_batch(&store, batch);
                }
            })
            .expect("cannot start the database thread");
        Db { jobs }
    }

    /// Runs `work` on the database thread and waits for it to be committed.
    pub async fn call<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> Result<T> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let call = Call {
            work: Some(work),
            result: None,
            reply: Some(reply),
        };
        if self.jobs.send(Box::new(call)).is_err() {
            return Err(StoreError::Commit("the database thread has stopped".into()));
        }
        answer
            .await
            .unwrap_or_else(|_| Err(StoreError::Commit("the database thread has stopped".into())))
    }

    /// Queues a write nobody waits for (the end of a session, a consent
    /// timeout): facts that happened whatever the disk says. Writes run in
    /// the order they were queued, so it lands after earlier ones.
    pub fn spawn<F>(&self, work: F)
    where
        F: FnOnce(&Store) -> Result<()> + Send + 'static,
    {
        let call = Call {
            work: Some(work),
            result: None,
            reply: None,
        };
        if self.jobs.send(Box::new(call)).is_err() {
            tracing::error!("a database write was lost: the database thread has stopped");
        }
    }

    /// Completes once everything queued before it has been committed.
    pub async fn flush(&self) {
        let _ = self.call(|_| Ok(())).await;
    }
}

fn run_batch(store: &Store, mut batch: Vec<Box<dyn Job>>) {
    let commit = store.in_transaction(|tx| {
        for job in &mut batch {
            tx.savepoint(|| {
                job.run(store);
                !job.failed()
            })?;
        }
        Ok(())
    });
    let commit = commit.map_err(|e| e.to_string());
    for job in batch {
        job.answer(commit.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::OffsetDateTime;

    #[tokio::test]
    async fn calls_run_in_order_and_answer_after_commit() {
        let db = Db::start(Store::open_in_memory().unwrap());
        let t0 = OffsetDateTime::UNIX_EPOCH;
        db.spawn(move |s| s.add_technician("tess", "h", t0));
        let count = db.call(|s| s.technician_count()).await.unwrap();
        assert_eq!(count, 1);
        // A failing call fails alone; the batch around it commits.
        let dup = db.call(move |s| s.add_technician("tess", "h", t0));
        let other = db.call(move |s| s.add_technician("tom", "h", t0));
        assert!(matches!(dup.await, Err(StoreError::TechnicianExists(_))));
        other.await.unwrap();
        assert_eq!(db.call(|s| s.technician_count()).await.unwrap(), 2);
    }
}
