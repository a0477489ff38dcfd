//! Typing characters no key makes on this layout (`Привет` on a US
//! keyboard, an emoji, IME output): borrow a key code with no symbols,
//! map it to the character's keysym, press it.
//!
//! X clients translate a key code when they process the event, not when
//! it is sent, so a key code must keep its character a while after the
//! press. A small pool of borrowed key codes is used round robin, each
//! reused only after [`REUSE_AFTER`], and all are given back when control
//! stops or the helper exits.

use std::time::{Duration, Instant};

use x11rb::protocol::xproto::ConnectionExt as _;

use super::Display;
use crate::Error;

/// How long a borrowed key code keeps its character before it may be
/// remapped: generous for a busy client reading its queue.
pub const REUSE_AFTER: Duration = Duration::from_millis(100);

const POOL: usize = 8;

#[derive(Default)]
pub struct BorrowedKeys {
    /// Free key codes found at first use, at most [`POOL`].
    pool: Vec<u8>,
    /// Per pool entry: when it was last mapped, if it is mapped now.
    used: Vec<Option<Instant>>,
    next: usize,
}

impl BorrowedKeys {
    /// The key codes currently mapped to a borrowed character.
    pub fn mapped(&self) -> Vec<u8> {
        self.pool
            .iter()
            .zip(&self.used)
            .filter(|(_, used)| used.is_some())
            .map(|(code, _)| *code)
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.pool.is_empty()
    }

    pub fn fill(&mut self, spare: Vec<u8>) {
        self.pool = spare.into_iter().take(POOL).collect();
        self.used = vec![None; self.pool.len()];
        self.next = 0;
    }

    /// Maps the next key code to `keysym` and returns it, waiting first if
    /// that key code was used for another character moments ago.
    pub fn map(&mut self, display: &Display, keysym: u32) -> Result<u8, Error> {
        if self.pool.is_empty() {
            return Err("no free key code to type this character with".into());
        }
        let i = self.next;
        self.next = (self.next + 1) % self.pool.len();
        if let Some(at) = self.used[i] {
            let age = at.elapsed();
            if age < REUSE_AFTER {
                std::thread::sleep(REUSE_AFTER - age);
            }
        }
        let code = self.pool[i];
        // The same keysym in both columns, so Shift held does not matter.
        display
            .conn
            .change_keyboard_mapping(1, code, 2, &[keysym, keysym])?;
        // The mapping must be in place before the key event is.
        display.sync()?;
        self.used[i] = Some(Instant::now());
        Ok(code)
    }

    /// Empties every borrowed key code again.
    pub fn restore(&mut self, display: &Display) -> Result<(), Error> {
        for (code, used) in self.pool.iter().zip(self.used.iter_mut()) {
            if used.take().is_some() {
                display.conn.change_keyboard_mapping(1, *code, 2, &[0, 0])?;
            }
        }
        display.sync()
    }
}
