//! Throttling of failures: failed joins (PIN guessing) and failed sign-ins.
//!
//! The rate arithmetic is `governor`'s (GCRA). What it lacks is a way to ask
//! "is this key out of budget?" without spending budget, and we must ask that
//! before every attempt, because only failures should cost anything: a
//! customer who types the right PIN must not be charged. So a key that runs
//! out is parked in a small blocked list until governor says it may try
//! again.
//!
//! Checks that take time (a password hash) charge up front instead
//! ([`FailureThrottle::charge`]) and give the charge back on success
//! ([`FailureThrottle::refund`]): otherwise fifty attempts started at once
//! would all pass the check before the first failure was counted. See
//! docs/security.md for the numbers.

use std::collections::HashMap;
use std::hash::Hash;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock, Reference};
use governor::middleware::{NoOpMiddleware, StateInformationMiddleware};
use governor::state::keyed::HashMapStateStore;
use governor::{Quota, RateLimiter};

/// A budget of failures: `burst` at once, refilled at `per_minute`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureBudget {
    pub burst: u32,
    pub per_minute: u32,
}

impl FailureBudget {
    fn quota(self) -> Quota {
        let per_minute = NonZeroU32::new(self.per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(self.burst.max(1)).unwrap_or(NonZeroU32::MIN);
        Quota::per_minute(per_minute).allow_burst(burst)
    }
}

/// The caller must wait this long before trying again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub Duration);

impl RetryAfter {
    /// Whole seconds, rounded up, never zero: what the client is told.
    pub fn secs(self) -> u64 {
        let whole = self.0.as_secs() + u64::from(self.0.subsec_nanos() > 0);
        whole.max(1)
    }
}

/// Failure throttle keyed by `K` (an address, a username, or `()` for a
/// server-wide budget).
pub struct FailureThrottle<K: Hash + Eq + Clone, C: Clock = DefaultClock> {
    limiter: RateLimiter<K, HashMapStateStore<K>, C, StateInformationMiddleware>,
    /// Keys that ran out of budget, and from when they may try again.
    blocked: Mutex<HashMap<K, C::Instant>>,
    /// Charges given back after a success, spent before the budget by the
    /// key's next attempt; kept for [`CREDIT_LIFE`].
    credits: Mutex<HashMap<K, (u32, C::Instant)>>,
    /// When each key last failed, for telling first-time callers from
    /// those who have been failing ([`FailureThrottle::failed_recently`]).
    last_failure: Mutex<HashMap<K, C::Instant>>,
    clock: C,
}

/// How long a refund stays usable; by then the budget has refilled anyway.
const CREDIT_LIFE: Duration = Duration::from_secs(60);

/// How long a failure marks its key as suspect.
const SUSPECT_FOR: Duration = Duration::from_secs(600);

impl<K: Hash + Eq + Clone> FailureThrottle<K> {
    pub fn new(budget: FailureBudget) -> Self {
        Self::with_clock(budget, DefaultClock::default())
    }
}

impl<K: Hash + Eq + Clone, C: Clock + Clone> FailureThrottle<K, C> {
    pub fn with_clock(budget: FailureBudget, clock: C) -> Self {
        Self {
            limiter: RateLimiter::<K, HashMapStateStore<K>, C, NoOpMiddleware<C::Instant>>::new(
                budget.quota(),
                HashMapStateStore::default(),
                clock.clone(),
            )
            .with_middleware::<StateInformationMiddleware>(),
            blocked: Mutex::new(HashMap::new()),
            credits: Mutex::new(HashMap::new()),
            last_failure: Mutex::new(HashMap::new()),
            clock,
        }
    }

    /// May `key` try now? Costs nothing.
    pub fn check(&self, key: &K) -> Result<(), RetryAfter> {
        let now = self.clock.now();
        let mut blocked = self.blocked.lock().unwrap_or_else(|e| e.into_inner());
        match blocked.get(key) {
            Some(until) if *until > now => Err(RetryAfter(until.duration_since(now).into())),
            Some(_) => {
                blocked.remove(key);
                Ok(())
            }
            None => Ok(()),
        }
    }

    /// Charges one attempt to `key` before it is made; `Err` if the budget
    /// is spent (nothing is charged then). Call [`FailureThrottle::refund`]
    /// if the attempt succeeds.
    pub fn charge(&self, key: &K) -> Result<(), RetryAfter> {
        self.check(key)?;
        {
            let mut credits = self.credits.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((n, _)) = credits.get_mut(key) {
                *n -= 1;
                if *n == 0 {
                    credits.remove(key);
                }
                return Ok(());
            }
        }
        // An `Err` here means this attempt took the last of the budget: it
        // goes ahead, the next one waits.
        let _ = self.fail(key);
        Ok(())
    }

    /// Gives back a [`FailureThrottle::charge`] whose attempt succeeded.
    pub fn refund(&self, key: &K) {
        self.blocked
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
        self.last_failure
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
        let now = self.clock.now();
        let mut credits = self.credits.lock().unwrap_or_else(|e| e.into_inner());
        let entry = credits.entry(key.clone()).or_insert((0, now));
        entry.0 += 1;
        entry.1 = now;
    }

    /// True if `key` failed within the last ten minutes.
    pub fn failed_recently(&self, key: &K) -> bool {
        let now = self.clock.now();
        self.last_failure
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(key)
            .is_some_and(|at| Duration::from(now.duration_since(*at)) < SUSPECT_FOR)
    }

    /// Charges one failure to `key`. `Err` means that was the last failure
    /// the budget allowed: the key is blocked for the returned time.
    pub fn fail(&self, key: &K) -> Result<(), RetryAfter> {
        self.last_failure
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key.clone(), self.clock.now());
        let wait = match self.limiter.check_key(key) {
            Ok(snapshot) if snapshot.remaining_burst_capacity() > 0 => return Ok(()),
            // Budget just ran out: the next failure fits in once one more
            // cell has been replenished.
            Ok(snapshot) => snapshot.quota().replenish_interval(),
            // Only reachable if a caller charged without checking first.
            Err(not_until) => not_until.wait_time_from(self.clock.now()),
        };
        let until = self.clock.now() + wait.into();
        self.blocked
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key.clone(), until);
        Err(RetryAfter(wait))
    }

    /// Drops state for keys that have recovered, so memory follows the
    /// number of recent offenders rather than every address ever seen.
    pub fn forget_recovered(&self) {
        self.limiter.retain_recent();
        let now = self.clock.now();
        self.blocked
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|_, until| *until > now);
        self.credits
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|_, (_, at)| Duration::from(now.duration_since(*at)) < CREDIT_LIFE);
        self.last_failure
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|_, at| Duration::from(now.duration_since(*at)) < SUSPECT_FOR);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use governor::clock::FakeRelativeClock;

    const BUDGET: FailureBudget = FailureBudget {
        burst: 3,
        per_minute: 6,
    };

    fn throttle() -> (
        FailureThrottle<&'static str, FakeRelativeClock>,
        FakeRelativeClock,
    ) {
        let clock = FakeRelativeClock::default();
        (FailureThrottle::with_clock(BUDGET, clock.clone()), clock)
    }

    #[test]
    fn a_burst_of_failures_is_allowed_then_blocked() {
        let (t, _clock) = throttle();
        for _ in 0..2 {
            t.check(&"a").unwrap();
            t.fail(&"a").unwrap();
        }
        t.check(&"a").unwrap();
        let retry = t.fail(&"a").unwrap_err();
        assert_eq!(retry.secs(), 10, "one failure refills every 10 s at 6/min");
        assert_eq!(t.check(&"a").unwrap_err().secs(), 10);
        // Other keys are unaffected.
        t.check(&"b").unwrap();
        t.fail(&"b").unwrap();
    }

    #[test]
    fn checking_costs_nothing() {
        let (t, _clock) = throttle();
        for _ in 0..100 {
            t.check(&"a").unwrap();
        }
        t.fail(&"a").unwrap();
    }

    #[test]
    fn budget_refills_with_time() {
        let (t, clock) = throttle();
        for _ in 0..2 {
            t.fail(&"a").unwrap();
        }
        t.fail(&"a").unwrap_err();
        clock.advance(Duration::from_secs(9));
        assert_eq!(t.check(&"a").unwrap_err().secs(), 1);
        clock.advance(Duration::from_secs(1));
        t.check(&"a").unwrap();
        // One failure has been refilled, and it is again the last one.
        assert_eq!(t.fail(&"a").unwrap_err().secs(), 10);
        t.forget_recovered();
        assert!(t.check(&"a").is_err(), "still blocked keys are kept");
    }

    #[test]
    fn charging_up_front_caps_parallel_attempts() {
        let (t, _clock) = throttle();
        // Three attempts started at once all pass; the fourth does not.
        for _ in 0..3 {
            t.charge(&"a").unwrap();
        }
        assert!(t.charge(&"a").is_err());
        assert!(t.failed_recently(&"a"));
    }

    #[test]
    fn a_success_is_refunded() {
        let (t, _clock) = throttle();
        for _ in 0..3 {
            t.charge(&"a").unwrap();
            t.refund(&"a");
        }
        // Successes cost nothing: the whole budget is still there.
        for _ in 0..3 {
            t.charge(&"a").unwrap();
        }
        assert!(t.charge(&"a").is_err());
        assert!(!t.failed_recently(&"b"));
    }

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(RetryAfter(Duration::from_millis(1500)).secs(), 2);
        assert_eq!(RetryAfter(Duration::from_secs(3)).secs(), 3);
        assert_eq!(RetryAfter(Duration::ZERO).secs(), 1);
    }
}
