//! Password hashing with Argon2id (the `argon2` crate's defaults, which
//! follow the OWASP recommendation).
//!
//! Hashing is deliberately slow and takes 19 MiB, so the server never runs
//! it on the async threads nor on tokio's blocking pool: each pool thread
//! would keep its own 19 MiB, and a burst of sign-ins would grow the server
//! by that much per thread. [`Verifier`] runs every check on one dedicated
//! thread instead, from a bounded queue in two lanes (see [`Lane`]); the
//! 19 MiB are mapped for each check and unmapped after it (`memory`).

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, OnceLock};

use argon2::Argon2;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

/// Shortest password `signal user add` accepts.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// Hashes a new password into a PHC string (algorithm, parameters and salt
/// included, so parameters can change later without breaking old hashes).
pub fn hash(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// Checks a password against a stored hash; `None` still does the work of a
/// verification so that "no such user" takes as long as "wrong password".
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    // A real hash of a random password, made once: verifying against it
    // costs the same as a real account and can never succeed.
    static DECOY: OnceLock<String> = OnceLock::new();
    let decoy = DECOY.get_or_init(|| {
        let mut random = [0u8; 16];
        OsRng.fill_bytes(&mut random);
        hash(&hex::encode(random)).unwrap_or_default()
    });
    let Ok(parsed) = PasswordHash::new(stored.unwrap_or(decoy)) else {
        return false;
    };
    let ok = Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok();
    ok && stored.is_some()
}

/// Sign-ins that may wait for the verifier thread, per lane. At a few
/// dozen milliseconds a check, a full lane is about half a second of work:
/// past it, waiting longer would help nobody, so the caller is told to come
/// back ([`Busy`]).
pub const QUEUE_PER_LANE: usize = 16;

/// The verifier's queue is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy;

/// Which queue a check waits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    /// Callers with no recent failures: real technicians, nearly always.
    Clean,
    /// Callers whose address or username failed recently. A flood of wrong
    /// passwords fills this lane only, so it cannot delay a clean sign-in
    /// by more than the clean lane's own length.
    Suspect,
}

/// One thread that verifies passwords, one at a time, clean lane first.
#[derive(Clone)]
pub struct Verifier {
    queue: Arc<(Mutex<Lanes>, Condvar)>,
}

#[derive(Default)]
struct Lanes {
    clean: VecDeque<Job>,
    suspect: VecDeque<Job>,
    /// Set when the last handle is dropped, so the thread ends.
    closed: bool,
}

struct Job {
    password: String,
    stored: Option<String>,
    reply: tokio::sync::oneshot::Sender<bool>,
}

impl Verifier {
    /// Starts the worker thread; it ends when the last handle is dropped.
    pub fn start() -> Self {
        let queue = Arc::new((Mutex::new(Lanes::default()), Condvar::new()));
        let worker = queue.clone();
        std::thread::Builder::new()
            .name("password-verifier".into())
            .spawn(move || {
                let (lanes, ready) = &*worker;
                loop {
                    let job = {
                        let mut lanes = lanes.lock().unwrap_or_else(|e| e.into_inner());
                        loop {
                            if let Some(job) = lanes.clean.pop_front() {
                                break Some(job);
                            }
                            if let Some(job) = lanes.suspect.pop_front() {
                                break Some(job);
                            }
                            if lanes.closed {
                                break None;
                            }
                            lanes = ready.wait(lanes).unwrap_or_else(|e| e.into_inner());
                        }
                    };
                    let Some(job) = job else { return };
                    let ok = verify(&job.password, job.stored.as_deref());
                    let _ = job.reply.send(ok);
                }
            })
            .expect("cannot start the password thread");
        Verifier { queue }
    }

    /// Like [`verify`], off the async threads; [`Busy`] when the lane is
    /// full.
    pub async fn verify(
        &self,
        password: String,
        stored: Option<String>,
        lane: Lane,
    ) -> Result<bool, Busy> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        {
            let (lanes, ready) = &*self.queue;
            let mut lanes = lanes.lock().unwrap_or_else(|e| e.into_inner());
            let queue = match lane {
                Lane::Clean => &mut lanes.clean,
                Lane::Suspect => &mut lanes.suspect,
            };
            if queue.len() >= QUEUE_PER_LANE {
                return Err(Busy);
            }
            queue.push_back(Job {
                password,
                stored,
                reply,
            });
            ready.notify_one();
        }
        Ok(answer.await.unwrap_or(false))
    }

    /// Stops the thread once the queue is empty (the server is stopping).
    pub fn stop(&self) {
        let (lanes, ready) = &*self.queue;
        lanes.lock().unwrap_or_else(|e| e.into_inner()).closed = true;
        ready.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_verifier_thread_answers() {
        let h = hash("correct horse").unwrap();
        let verifier = Verifier::start();
        let clean = Lane::Clean;
        assert_eq!(
            verifier
                .verify("correct horse".into(), Some(h.clone()), clean)
                .await,
            Ok(true)
        );
        assert_eq!(
            verifier
                .verify("wrong".into(), Some(h), Lane::Suspect)
                .await,
            Ok(false)
        );
        assert_eq!(
            verifier.verify("correct horse".into(), None, clean).await,
            Ok(false)
        );
        verifier.stop();
    }

    #[test]
    fn verifies_only_the_right_password() {
        let h = hash("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse", Some(&h)));
        assert!(!verify("wrong horse", Some(&h)));
        assert!(!verify("correct horse", None));
    }
}
