//! Caps on open connections: server-wide and per address.
//!
//! Every open connection holds a file descriptor and some memory, so the
//! server admits at most a fixed number, sized below the process's
//! open-files limit with room to spare ([`open_files_limit`]), and at most a
//! fixed number per address (IPv6 per /64) so that one client cannot take
//! them all. Admission hands out a [`Permit`]; dropping it frees the place,
//! however the connection ends.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::client_addr::AddrKey;

/// Why a connection was not admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Full {
    /// The whole server is at its cap.
    Server,
    /// This address is at its own cap.
    Address,
}

/// Counts open connections against two caps.
#[derive(Debug, Clone)]
pub struct Capacity {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    /// Connections open now.
    open: AtomicUsize,
    max_total: usize,
    max_per_address: usize,
    /// Open connections per address; entries leave when they reach zero, so
    /// the map is as large as the number of addresses connected right now.
    by_address: Mutex<HashMap<AddrKey, usize>>,
}

/// One admitted connection; its place is freed on drop.
#[derive(Debug)]
pub struct Permit {
    inner: Arc<Inner>,
    /// `None` for connections not counted per address (trusted proxies).
    address: Option<AddrKey>,
}

impl Capacity {
    pub fn new(max_total: usize, max_per_address: usize) -> Self {
        Capacity {
            inner: Arc::new(Inner {
                open: AtomicUsize::new(0),
                max_total,
                max_per_address,
                by_address: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// Admits one more connection from `address` (`None`: not counted per
    /// address, e.g. the reverse proxy every request comes through).
    pub fn admit(&self, address: Option<AddrKey>) -> Result<Permit, Full> {
        let inner = &self.inner;
        let admitted = inner
            .open
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < inner.max_total).then_some(n + 1)
            });
        if admitted.is_err() {
            return Err(Full::Server);
        }
        if let Some(key) = address {
            let mut by_address = inner.by_address.lock().unwrap_or_else(|e| e.into_inner());
            let count = by_address.entry(key).or_insert(0);
            if *count >= inner.max_per_address {
                if *count == 0 {
                    by_address.remove(&key);
                }
                drop(by_address);
                inner.open.fetch_sub(1, Ordering::AcqRel);
                return Err(Full::Address);
            }
            *count += 1;
        }
        Ok(Permit {
            inner: inner.clone(),
            address,
        })
    }

    /// Connections open now.
    pub fn open(&self) -> usize {
        self.inner.open.load(Ordering::Acquire)
    }

    pub fn max_total(&self) -> usize {
        self.inner.max_total
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        if let Some(key) = self.address {
            let mut by_address = self
                .inner
                .by_address
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            if let Some(count) = by_address.get_mut(&key) {
                *count -= 1;
                if *count == 0 {
                    by_address.remove(&key);
                }
            }
        }
        self.inner.open.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Raises the soft open-files limit to the hard one and returns it: each
/// connection is a file, and the default soft limit (often 1024) would cap
/// the server long before its memory does.
pub fn open_files_limit() -> u64 {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => limit,
        Err(e) => {
            tracing::warn!("cannot read or raise the open-files limit: {e}");
            1024
        }
    }
}

/// Files kept back from connections: the database and its journal, the
/// listening sockets, logs, and room to answer `/healthz` and sign-ins
/// when the connection cap is reached.
pub const RESERVED_FILES: u64 = 128;

#[cfg(test)]
mod tests {
    use super::*;

    fn key(last: u8) -> Option<AddrKey> {
        Some(AddrKey::of(std::net::IpAddr::from([192, 0, 2, last])))
    }

    #[test]
    fn caps_hold_and_permits_free_their_place() {
        let cap = Capacity::new(3, 2);
        let a1 = cap.admit(key(1)).unwrap();
        let _a2 = cap.admit(key(1)).unwrap();
        assert_eq!(cap.admit(key(1)).unwrap_err(), Full::Address);
        let _b = cap.admit(key(2)).unwrap();
        assert_eq!(cap.admit(key(3)).unwrap_err(), Full::Server);
        assert_eq!(cap.admit(None).unwrap_err(), Full::Server);
        assert_eq!(cap.open(), 3);
        drop(a1);
        assert_eq!(cap.open(), 2);
        let _a3 = cap.admit(key(1)).unwrap();
    }

    #[test]
    fn uncounted_connections_only_count_server_wide() {
        let cap = Capacity::new(10, 1);
        let _p: Vec<Permit> = (0..5).map(|_| cap.admit(None).unwrap()).collect();
        assert_eq!(cap.open(), 5);
        let _one = cap.admit(key(1)).unwrap();
        assert_eq!(cap.admit(key(1)).unwrap_err(), Full::Address);
    }
}
