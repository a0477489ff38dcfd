//! Wall-clock time for everything that expires: PINs, logins, consent
//! requests.
//!
//! One handle everyone shares, so a test can move time forward for the whole
//! server at once (`advance`) instead of sleeping through a 20-minute PIN
//! lifetime. Production code never calls `advance`.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use time::OffsetDateTime;

/// The server's notion of "now".
#[derive(Clone, Debug, Default)]
pub struct Clock {
    /// Nanoseconds added to the system clock; only tests change it.
    offset_nanos: Arc<AtomicI64>,
}

impl Clock {
    /// A clock that follows the system clock.
    pub fn system() -> Self {
        Self::default()
    }

    /// The current instant, UTC, truncated to whole seconds: reports and
    /// wire times are second-precise, and truncating here keeps what is
    /// stored equal to what was sent.
    pub fn now(&self) -> OffsetDateTime {
        let offset = time::Duration::nanoseconds(self.offset_nanos.load(Ordering::Relaxed));
        let now = OffsetDateTime::now_utc() + offset;
        now.replace_nanosecond(0).unwrap_or(now)
    }

    /// Moves this clock (and every clone of it) forward.
    pub fn advance(&self, by: Duration) {
        let nanos = i64::try_from(by.as_nanos()).unwrap_or(i64::MAX);
        self.offset_nanos.fetch_add(nanos, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advance_moves_every_clone() {
        let clock = Clock::system();
        let other = clock.clone();
        let before = other.now();
        clock.advance(Duration::from_secs(3600));
        let after = other.now();
        assert!(after - before >= time::Duration::seconds(3599));
        assert_eq!(after.nanosecond(), 0);
    }
}
