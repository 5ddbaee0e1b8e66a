//! Retries, only where they are safe.
//!
//! A [`Retry::Safe`] call (GETs, the idempotent revoke) is sent again after a failure that may be
//! transient: 429, 502, 503, 504, a refused or dropped connection, a timeout. The waits grow
//! exponentially from [`RetryPolicy::base_delay`] with full jitter; when the server says how long
//! to wait (`details.retry_after_seconds` or `Retry-After`), that wait is used instead, plus a
//! little jitter, and if it is longer than [`RetryPolicy::max_delay`] the call gives up at once
//! and returns the 429, so the UI can show the wait. A 500 is final. A [`Retry::Never`] call
//! (create key, rotate, sign-in) is attempted exactly once, whatever the failure: a second
//! attempt could make a second key.
//!
//! The loop itself is `backon`'s; this module only says what is transient and how long to wait.

use std::future::Future;
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable as _};
use reqwest::StatusCode;

use super::call::{Wait, WaitObserver};
use crate::error::Error;

/// Whether a request may be sent again after a failure that may be transient (429, 502, 503,
/// 504, a dropped connection, a timeout).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Sending it twice has the effect of sending it once: GETs, revoke.
    Safe,
    /// A second attempt could act twice (create, rotate, sign-in): attempted exactly once.
    Never,
}

/// How [`Retry::Safe`] calls are retried. Injectable through
/// [`ClientOptions`](super::ClientOptions), so tests can use millisecond waits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first one included (at least 1).
    pub max_attempts: u32,
    /// The first backoff; each next one doubles, up to `max_delay`. Each wait is drawn uniformly
    /// from zero to the backoff ("full jitter").
    pub base_delay: Duration,
    /// The longest single wait. A server-given wait longer than this ends the retries: the 429
    /// is returned with its `retry_after_seconds`.
    pub max_delay: Duration,
    /// What one second of the server's `retry_after_seconds` / `Retry-After` stands for: one
    /// second in use, a millisecond in tests.
    pub retry_after_unit: Duration,
    /// The most jitter added to a server-given wait.
    pub retry_after_jitter: Duration,
}

impl Default for RetryPolicy {
    /// Four attempts, 250 ms base backoff, at most 30 s per wait, `Retry-After` in real
    /// seconds plus up to 100 ms.
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(30),
            retry_after_unit: Duration::from_secs(1),
            retry_after_jitter: Duration::from_millis(100),
        }
    }
}

/// A failed attempt as the retry loop sees it.
#[derive(Debug)]
pub(crate) struct Failure {
    /// What the caller gets if this was the last attempt.
    pub error: Error,
    /// Whether another attempt may succeed (the method's safety is decided elsewhere).
    pub transient: bool,
    /// The server's `retry_after_seconds` / `Retry-After`, if it gave one.
    pub server_wait: Option<u32>,
}

impl Failure {
    /// A failure no retry can cure (4xx, 500, an answer that is not the API's).
    pub fn last(error: Error) -> Self {
        Self {
            error,
            transient: false,
            server_wait: None,
        }
    }
}

/// The statuses worth another attempt: rate limited, bad gateway, unavailable, gateway timeout.
pub(crate) fn transient_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

/// A transport failure worth another attempt: no connection, a connection dropped before or
/// while answering, a timeout. Not a request that could not be built.
pub(crate) fn transient_transport(error: &reqwest::Error) -> bool {
    error.is_connect() || error.is_timeout() || error.is_request() || error.is_body()
}

impl RetryPolicy {
    /// The wait before the next attempt, or `None` to give up. `backoff` is the exponential
    /// schedule's next step (`None` once the attempts are used up).
    fn wait(&self, failure: &Failure, backoff: Option<Duration>) -> Option<Duration> {
        let backoff = backoff?;
        match failure.server_wait {
            Some(seconds) => {
                let wait = self.retry_after_unit.saturating_mul(seconds);
                (wait <= self.max_delay).then(|| wait + self.retry_after_jitter.mul_f64(unit()))
            }
            None => Some(backoff.mul_f64(unit())),
        }
    }

    fn backoff(&self) -> ExponentialBuilder {
        let retries = self.max_attempts.saturating_sub(1) as usize;
        ExponentialBuilder::new()
            .with_min_delay(self.base_delay)
            .with_factor(2.0)
            .with_max_delay(self.max_delay)
            .with_max_times(retries)
    }

    /// Runs `attempt(1)`, then `attempt(2)`, … while `retry` allows it, the failure is
    /// transient and the policy has attempts and time left. Returns the first success or the
    /// last failure's error.
    /// `on_wait` hears each wait before it is slept.
    pub(crate) async fn run<T, F, Fut>(
        &self,
        retry: Retry,
        on_wait: Option<&WaitObserver>,
        mut attempt: F,
    ) -> Result<T, Error>
    where
        F: FnMut(u32) -> Fut,
        Fut: Future<Output = Result<T, Failure>>,
    {
        match retry {
            Retry::Never => attempt(1).await.map_err(|f| f.error),
            Retry::Safe => {
                let mut number = 0;
                let next = || {
                    number += 1;
                    attempt(number)
                };
                next.retry(self.backoff())
                    .when(|failure: &Failure| failure.transient)
                    .adjust(|failure, backoff| self.wait(failure, backoff))
                    .notify(|failure: &Failure, delay| {
                        if let Some(observer) = on_wait {
                            observer(&Wait {
                                delay,
                                code: failure.error.code(),
                                request_id: failure.error.request_id().map(str::to_owned),
                            });
                        }
                    })
                    .await
                    .map_err(|f| f.error)
            }
        }
    }
}

/// A uniform draw from `[0, 1)`.
fn unit() -> f64 {
    rand::random::<f64>()
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::error::ErrorCode;

    fn quick() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(50),
            retry_after_unit: Duration::from_millis(1),
            retry_after_jitter: Duration::from_millis(1),
        }
    }

    fn failure(transient: bool, server_wait: Option<u32>) -> Failure {
        Failure {
            error: Error::Internal("boom".into()),
            transient,
            server_wait,
        }
    }

    #[test]
    fn a_server_wait_is_honoured_with_a_little_jitter_and_given_up_past_the_cap() {
        let policy = quick();
        let step = Some(Duration::from_millis(1));
        let wait = policy
            .wait(&failure(true, Some(7)), step)
            .expect("7 ms is under the cap");
        assert!(
            (Duration::from_millis(7)..Duration::from_millis(8)).contains(&wait),
            "7 units plus under 1 ms of jitter, got {wait:?}"
        );
        assert_eq!(
            policy.wait(&failure(true, Some(51)), step),
            None,
            "a wait past the cap is returned to the caller, not slept"
        );
        assert_eq!(
            policy.wait(&failure(true, Some(1)), None),
            None,
            "no attempts left means no wait, whatever the server says"
        );
    }

    #[test]
    fn backoff_waits_are_full_jitter_under_the_schedule() {
        let policy = quick();
        for _ in 0..100 {
            let wait = policy
                .wait(&failure(true, None), Some(Duration::from_millis(8)))
                .expect("attempts left");
            assert!(wait < Duration::from_millis(8), "{wait:?} is over the step");
        }
    }

    async fn count_attempts(retry: Retry, transient: bool, succeed_on: u32) -> (u32, bool) {
        let seen = Mutex::new(0);
        let result = quick()
            .run(retry, None, |n| {
                *seen.lock().expect("not poisoned") = n;
                async move {
                    if n >= succeed_on {
                        Ok(())
                    } else {
                        Err(failure(transient, None))
                    }
                }
            })
            .await;
        let attempts = *seen.lock().expect("not poisoned");
        (attempts, result.is_ok())
    }

    #[tokio::test]
    async fn safe_calls_retry_transient_failures_up_to_the_limit() {
        assert_eq!(count_attempts(Retry::Safe, true, 3).await, (3, true));
        assert_eq!(
            count_attempts(Retry::Safe, true, 99).await,
            (4, false),
            "max_attempts counts the first attempt"
        );
        assert_eq!(
            count_attempts(Retry::Safe, false, 2).await,
            (1, false),
            "a final failure is not retried"
        );
    }

    #[tokio::test]
    async fn the_observer_hears_each_wait_with_the_server_given_delay() {
        let heard = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&heard);
        let observer: WaitObserver = Arc::new(move |wait: &Wait| {
            sink.lock().expect("not poisoned").push(wait.clone());
        });
        let result = quick()
            .run(Retry::Safe, Some(&observer), |n| async move {
                if n >= 3 {
                    Ok(())
                } else {
                    Err(failure(true, Some(5)))
                }
            })
            .await;
        assert!(result.is_ok());
        let heard = heard.lock().expect("not poisoned");
        assert_eq!(heard.len(), 2, "one wait before each of the two retries");
        assert!(heard.iter().all(|w| w.delay >= Duration::from_millis(5)));
        assert!(heard.iter().all(|w| w.code == ErrorCode::Internal));
    }

    #[tokio::test]
    async fn never_calls_are_attempted_exactly_once() {
        assert_eq!(count_attempts(Retry::Never, true, 2).await, (1, false));
        let error = quick()
            .run(Retry::Never, None, |_| async {
                Err::<(), _>(failure(true, None))
            })
            .await
            .expect_err("one failed attempt");
        assert_eq!(error.code(), ErrorCode::Internal);
    }
}
