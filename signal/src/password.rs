//! Password hashing with Argon2id (the `argon2` crate's defaults, which
//! follow the OWASP recommendation). Hashing is deliberately slow, so the
//! server calls these from `spawn_blocking`, never on the async threads.

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifies_only_the_right_password() {
        let h = hash("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse", Some(&h)));
        assert!(!verify("wrong horse", Some(&h)));
        assert!(!verify("correct horse", None));
    }
}
