//! Keeping PINs secret at rest, and the secret half of customer links.
//!
//! Only a keyed hash of a PIN (HMAC-SHA256 under a random key kept in the
//! data folder) reaches the database: a million possible PINs make a plain
//! hash worthless, but without the key a copy of the database (a backup,
//! say) does not tell which PINs are live. Reports keep the last two digits
//! to tell sessions apart on the phone.
//!
//! A customer link also carries a [`LinkKey`]: 128 random bits that no one
//! can guess, so a join that brings it skips the PIN-guessing budgets.

use std::io::Write;
use std::path::Path;

use hmac::{Hmac, Mac};
use protocol::Pin;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// File in the data folder holding the key.
pub const FILE_NAME: &str = "pin-secret.key";

/// The key PINs are hashed with.
#[derive(Clone)]
pub struct PinSecret([u8; 32]);

impl std::fmt::Debug for PinSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PinSecret(…)")
    }
}

/// A PIN as stored and looked up: its keyed hash.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PinDigest([u8; 32]);

impl std::fmt::Debug for PinDigest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PinDigest({}…)", &self.to_hex()[..8])
    }
}

impl PinDigest {
    pub fn to_hex(self) -> String {
        hex::encode(self.0)
    }

    pub fn from_hex(text: &str) -> Option<Self> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(text, &mut bytes).ok()?;
        Some(PinDigest(bytes))
    }
}

impl PinSecret {
    /// A fresh random key (tests, in-memory stores).
    pub fn random() -> Self {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        PinSecret(key)
    }

    /// Reads the key from the data folder, creating it (mode 0600) on first
    /// start.
    pub fn load_or_create(data_dir: &Path) -> std::io::Result<Self> {
        let path = data_dir.join(FILE_NAME);
        match std::fs::read(&path) {
            Ok(bytes) if bytes.len() == 32 => {
                let mut key = [0u8; 32];
                key.copy_from_slice(&bytes);
                return Ok(PinSecret(key));
            }
            Ok(_) => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("{} is damaged (it must hold 32 bytes)", path.display()),
                ));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        let secret = PinSecret::random();
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        options.open(&path)?.write_all(&secret.0)?;
        Ok(secret)
    }

    pub fn digest(&self, pin: &Pin) -> PinDigest {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        mac.update(pin.as_str().as_bytes());
        PinDigest(mac.finalize().into_bytes().into())
    }
}

/// The secret half of a customer link (`&key=`), and what is stored of it.
pub struct LinkKey {
    /// Goes into the link, never into the database.
    pub text: String,
    /// SHA-256 of `text`, hex: what the database keeps to check it against.
    pub hash: String,
}

impl Default for LinkKey {
    fn default() -> Self {
        Self::new()
    }
}

impl LinkKey {
    pub fn new() -> Self {
        let mut raw = [0u8; 16];
        rand::rng().fill_bytes(&mut raw);
        let text = hex::encode(raw);
        LinkKey {
            hash: link_key_hash(&text),
            text,
        }
    }
}

/// What a link key is stored and compared as. 128 random bits need no key
/// or salt: nothing smaller than the whole space can be searched.
pub fn link_key_hash(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_depend_on_the_key() {
        let pin = Pin::parse("123456").unwrap();
        let a = PinSecret::random();
        let b = PinSecret::random();
        assert_eq!(a.digest(&pin), a.digest(&pin));
        assert_ne!(a.digest(&pin), b.digest(&pin));
        let hex = a.digest(&pin).to_hex();
        assert_eq!(PinDigest::from_hex(&hex), Some(a.digest(&pin)));
        assert!(!format!("{:?}", a).contains(&hex[..8]));
    }

    #[test]
    fn the_key_is_created_once_and_private() {
        let dir = tempfile::tempdir().unwrap();
        let pin = Pin::parse("000001").unwrap();
        let first = PinSecret::load_or_create(dir.path()).unwrap();
        let again = PinSecret::load_or_create(dir.path()).unwrap();
        assert_eq!(first.digest(&pin), again.digest(&pin));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(FILE_NAME))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn link_keys_are_long_and_checked_by_hash() {
        let key = LinkKey::new();
        assert_eq!(key.text.len(), 32);
        assert_eq!(link_key_hash(&key.text), key.hash);
        assert_ne!(LinkKey::new().text, key.text);
    }
}
