//! The partner API's rate limit (API.md §1 and §5), with `governor`.
//!
//! **Algorithm.** A token bucket per key (GCRA, as `governor` implements it): capacity `N`
//! tokens, refilled continuously at `N` per minute (one every `60/N` s; 10 per second for the
//! default `N` = 600). Every authenticated partner-API request takes one token, whatever its
//! answer. With no token left the answer is 429 `rate_limited`, and
//! `details.retry_after_seconds` = the time until the next token, rounded up, at least 1 (the
//! same value in `Retry-After`). Each key has its own bucket, so live and test keys never share
//! one. The portal API is not rate-limited this way (sign-in has its own throttle).

use std::num::NonZeroU32;

pub use governor::clock::FakeRelativeClock;
use governor::clock::{Clock as _, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter as Governor};

type Keyed<C> = Governor<
    String,
    DefaultKeyedStateStore<String>,
    C,
    NoOpMiddleware<<C as governor::clock::Clock>::Instant>,
>;

/// Per-key request budget.
pub struct RateLimiter {
    per_minute: u32,
    buckets: Buckets,
}

enum Buckets {
    /// On the system's monotonic clock.
    System(Keyed<DefaultClock>),
    /// On a clock tests move by hand.
    Fake(Keyed<FakeRelativeClock>, FakeRelativeClock),
}

impl std::fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RateLimiter")
    }
}

fn quota(per_minute: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN))
}

impl RateLimiter {
    /// `per_minute` requests per minute per key, on the system clock.
    pub fn new(per_minute: u32) -> Self {
        let buckets = Buckets::System(Governor::keyed(quota(per_minute)));
        RateLimiter {
            per_minute,
            buckets,
        }
    }

    /// The same on a fake clock (returned too, to advance it).
    pub fn with_fake_clock(per_minute: u32) -> (Self, FakeRelativeClock) {
        let clock = FakeRelativeClock::default();
        let limiter = Governor::dashmap_with_clock(quota(per_minute), clock.clone());
        let buckets = Buckets::Fake(limiter, clock.clone());
        (
            RateLimiter {
                per_minute,
                buckets,
            },
            clock,
        )
    }

    /// Requests per minute per key (the bucket's capacity).
    pub fn per_minute(&self) -> u32 {
        self.per_minute
    }

    /// Takes a token for `key`, or says in how many whole seconds one will be back.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        let key = key.to_owned();
        let wait = match &self.buckets {
            Buckets::System(limiter) => limiter
                .check_key(&key)
                .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now())),
            Buckets::Fake(limiter, clock) => limiter
                .check_key(&key)
                .map_err(|not_until| not_until.wait_time_from(clock.now())),
        };
        wait.map_err(|duration| duration.as_secs_f64().ceil().max(1.0) as u64)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_full_bucket_allows_a_burst_of_n_then_refills_n_per_minute() {
        let (limiter, clock) = RateLimiter::with_fake_clock(600);
        for i in 0..600 {
            assert!(limiter.check("key_a").is_ok(), "request {i} of the burst");
        }
        assert_eq!(
            limiter.check("key_a"),
            Err(1),
            "the 601st waits; 0.1 s rounds up to 1 s"
        );
        clock.advance(Duration::from_millis(100));
        assert!(limiter.check("key_a").is_ok(), "one token back after 0.1 s");
        assert!(limiter.check("key_a").is_err());
        clock.advance(Duration::from_secs(1));
        for i in 0..10 {
            assert!(limiter.check("key_a").is_ok(), "10 tokens per second ({i})");
        }
        assert!(limiter.check("key_a").is_err());
    }

    #[test]
    fn every_key_has_its_own_bucket() {
        let (limiter, _clock) = RateLimiter::with_fake_clock(3);
        for _ in 0..3 {
            assert!(limiter.check("key_live").is_ok());
        }
        assert!(limiter.check("key_live").is_err());
        assert!(
            limiter.check("key_test").is_ok(),
            "another key is not affected"
        );
    }

    #[test]
    fn retry_after_is_the_time_to_the_next_token_rounded_up() {
        let (limiter, clock) = RateLimiter::with_fake_clock(6); // one token every 10 s
        for _ in 0..6 {
            assert!(limiter.check("k").is_ok());
        }
        assert_eq!(limiter.check("k"), Err(10));
        clock.advance(Duration::from_millis(2500));
        assert_eq!(limiter.check("k"), Err(8), "7.5 s left rounds up to 8");
    }
}
