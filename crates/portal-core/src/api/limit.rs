//! The client-side rate limiter: keeps one partner key's traffic within the server's budget, so
//! that a long scan waits a little before each request instead of running into 429s.
//!
//! The server (API.md §5) gives each key a token bucket of capacity `N` refilled at `N/60` per
//! second (`N` = 600). The client keeps a bucket of its own per key (`governor`, GCRA) with the
//! same refill and a capacity one second's refill smaller ([`RateLimit::per_minute`]): a request
//! sent on the client's schedule reaches the server up to a second late or early without finding
//! the bucket empty, and the margin costs a full scan one second. Only partner keys (bearers
//! starting `pk_`) are limited; the portal API has no such budget.
//!
//! Buckets are indexed by the SHA-256 of the key: the key itself is never stored or logged here.

use std::num::NonZeroU32;
use std::time::{Duration, Instant};

use governor::{DefaultKeyedRateLimiter, Quota};
use sha2::{Digest, Sha256};

use crate::secret::Secret;

/// The partner API's default budget per key (API.md §1).
pub const PARTNER_REQUESTS_PER_MINUTE: u32 = 600;

/// A per-key request budget: `per_minute` requests per minute, refilled evenly, with bursts of
/// up to `burst` requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Sustained requests per minute.
    pub per_minute: NonZeroU32,
    /// Requests that may go at once from a full bucket.
    pub burst: NonZeroU32,
}

impl RateLimit {
    /// The budget that stays within a server allowing `per_minute` per key with a burst of
    /// `per_minute`: the same refill, a burst one second's refill smaller (at least 1).
    /// `per_minute` = 0 is taken as 1.
    pub fn per_minute(per_minute: u32) -> Self {
        let per_minute = per_minute.max(1);
        let margin = per_minute.div_ceil(60);
        Self {
            per_minute: NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN),
            burst: NonZeroU32::new(per_minute.saturating_sub(margin)).unwrap_or(NonZeroU32::MIN),
        }
    }

    /// [`RateLimit::per_minute`] of [`PARTNER_REQUESTS_PER_MINUTE`]: bursts of 590, then 10/s.
    pub fn partner_default() -> Self {
        Self::per_minute(PARTNER_REQUESTS_PER_MINUTE)
    }

    fn quota(self) -> Option<Quota> {
        let period = Duration::from_secs(60) / self.per_minute.get();
        Quota::with_period(period).map(|q| q.allow_burst(self.burst))
    }
}

/// One bucket per partner key, shared by the clones of a [`Client`](super::Client).
pub(crate) struct KeyLimiter {
    buckets: Option<DefaultKeyedRateLimiter<[u8; 32]>>,
    limit: Option<RateLimit>,
}

impl std::fmt::Debug for KeyLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyLimiter")
            .field("on", &self.buckets.is_some())
            .finish()
    }
}

impl KeyLimiter {
    /// A limiter for `limit`; `None` (or a budget too large to time) limits nothing.
    pub fn new(limit: Option<RateLimit>) -> Self {
        let buckets = limit
            .and_then(RateLimit::quota)
            .map(DefaultKeyedRateLimiter::keyed);
        Self {
            limit: limit.filter(|_| buckets.is_some()),
            buckets,
        }
    }

    /// The budget in force, if any.
    pub fn limit(&self) -> Option<&RateLimit> {
        self.limit.as_ref()
    }

    /// Waits until a request with `bearer` may go and takes its token; returns how long that
    /// took. Requests without a partner key go at once.
    pub async fn until_ready(&self, bearer: Option<&Secret>) -> Duration {
        let (Some(buckets), Some(key)) = (&self.buckets, bearer.and_then(bucket_of)) else {
            return Duration::ZERO;
        };
        if buckets.check_key(&key).is_ok() {
            return Duration::ZERO;
        }
        let started = Instant::now();
        buckets.until_key_ready(&key).await;
        started.elapsed()
    }

    /// Takes a token if one is there, without waiting (for tests).
    #[cfg(test)]
    fn try_take(&self, bearer: &Secret) -> bool {
        match (&self.buckets, bucket_of(bearer)) {
            (Some(buckets), Some(key)) => buckets.check_key(&key).is_ok(),
            _ => true,
        }
    }
}

/// The bucket of a partner key: the SHA-256 of the key, or `None` for other bearers. (Not
/// instrumented: it records nothing, and it runs on every request.)
fn bucket_of(bearer: &Secret) -> Option<[u8; 32]> {
    let key = bearer.expose();
    key.starts_with("pk_")
        .then(|| Sha256::digest(key.as_bytes()).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(text: &str) -> Secret {
        Secret::new(text.to_owned())
    }

    #[test]
    fn the_default_keeps_one_second_of_refill_in_hand() {
        let limit = RateLimit::partner_default();
        assert_eq!((limit.per_minute.get(), limit.burst.get()), (600, 590));
        assert_eq!(RateLimit::per_minute(60).burst.get(), 59);
        assert_eq!(
            RateLimit::per_minute(1).burst.get(),
            1,
            "never a zero burst"
        );
        assert_eq!(RateLimit::per_minute(0).per_minute.get(), 1);
    }

    #[test]
    fn each_partner_key_has_its_own_bucket_and_other_bearers_none() {
        let limiter = KeyLimiter::new(Some(RateLimit::per_minute(3))); // burst 2
        let live = secret("pk_live_aaaa");
        let test = secret("pk_test_bbbb");
        assert!(
            limiter.try_take(&live) && limiter.try_take(&live),
            "burst of 2"
        );
        assert!(!limiter.try_take(&live), "the third request must wait");
        assert!(limiter.try_take(&test), "another key has its own bucket");
        let session = secret("ps_cccc");
        for _ in 0..10 {
            assert!(
                limiter.try_take(&session),
                "portal sessions are not limited"
            );
        }
    }

    #[test]
    fn switched_off_it_limits_nothing() {
        let limiter = KeyLimiter::new(None);
        let key = secret("pk_test_aaaa");
        assert!((0..1000).all(|_| limiter.try_take(&key)));
        let huge = KeyLimiter::new(Some(RateLimit::per_minute(u32::MAX)));
        assert!((0..1000).all(|_| huge.try_take(&key)));
    }

    #[tokio::test]
    async fn until_ready_does_not_wait_with_tokens_left() {
        let limiter = KeyLimiter::new(Some(RateLimit::per_minute(600)));
        let key = secret("pk_test_aaaa");
        assert_eq!(limiter.until_ready(Some(&key)).await, Duration::ZERO);
        assert_eq!(limiter.until_ready(None).await, Duration::ZERO);
    }
}
