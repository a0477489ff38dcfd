//! Password hashing with Argon2id (the `argon2` crate's defaults, which
//! follow the OWASP recommendation).
//!
//! Hashing is deliberately slow and takes 19 MiB, so the server never runs
//! it on the async threads nor on tokio's blocking pool: each pool thread
//! would keep its own 19 MiB malloc arena, and a burst of sign-ins would
//! grow the server by that much per thread. [`Verifier`] runs every check
//! on one dedicated thread instead, in order.

use std::sync::OnceLock;

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

/// One thread that verifies passwords, one at a time.
#[derive(Clone)]
pub struct Verifier {
    jobs: std::sync::mpsc::Sender<Job>,
}

struct Job {
    password: String,
    stored: Option<String>,
    reply: tokio::sync::oneshot::Sender<bool>,
}

impl Verifier {
    /// Starts the worker thread; it ends when the last handle is dropped.
    pub fn start() -> Self {
        let (jobs, queue) = std::sync::mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("password-verifier".into())
            .spawn(move || {
                for job in queue {
                    let ok = verify(&job.password, job.stored.as_deref());
                    let _ = job.reply.send(ok);
                }
            })
            .expect("cannot start the password thread");
        Verifier { jobs }
    }

    /// Like [`verify`], off the async threads.
    pub async fn verify(&self, password: String, stored: Option<String>) -> bool {
        let (reply, answer) = tokio::sync::oneshot::channel();
        if self
            .jobs
            .send(Job {
                password,
                stored,
                reply,
            })
            .is_err()
        {
            return false;
        }
        answer.await.unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_verifier_thread_answers() {
        let h = hash("correct horse").unwrap();
        let verifier = Verifier::start();
        assert!(
            verifier
                .verify("correct horse".into(), Some(h.clone()))
                .await
        );
        assert!(!verifier.verify("wrong".into(), Some(h)).await);
        assert!(!verifier.verify("correct horse".into(), None).await);
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
