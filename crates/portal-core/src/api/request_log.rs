//! The in-memory request log the UI shows: one entry per attempt (a retried request shows as
//! several), the newest [`DEFAULT_CAPACITY`] kept.
//!
//! An entry holds the method, the URL's path and query, the status, the latency, the request id
//! and the outcome, and never a header value or a body, so it can hold no key, token or
//! password. (Queries carry filters and opaque page tokens, never a secret: API.md §1.)

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};

use serde::Serialize;

use crate::error::ErrorCode;
use crate::model::Timestamp;

/// How many entries a client keeps unless told otherwise.
pub const DEFAULT_CAPACITY: usize = 500;

/// One attempt of one request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RequestLogEntry {
    /// Increases by one per attempt over the client's life (wraps after 4 billion).
    pub seq: u32,
    /// When the request was sent (after any wait for the rate limiter).
    pub started_at: Timestamp,
    /// `GET`, `POST`, …
    pub method: String,
    /// The URL's path and query, e.g. `/api/partner/v1/domains?per_page=100`.
    pub path: String,
    /// The HTTP status; `None` when no answer came (refused, reset, timed out).
    pub status: Option<u16>,
    /// From sending to the end of the answer's body, in milliseconds.
    pub latency_ms: u32,
    /// Time spent waiting for the client-side rate limiter before sending, in milliseconds.
    pub waited_ms: u32,
    /// The server's `Peeker-Request-Id`.
    pub request_id: Option<String>,
    /// `None` for success, else the code of the error this attempt ended in.
    pub error: Option<ErrorCode>,
    /// 1 for the first attempt of a request, 2 for its first retry, …
    pub attempt: u32,
}

/// An entry before it gets its sequence number.
pub(crate) struct Attempt {
    pub started_at: Timestamp,
    pub method: String,
    pub path: String,
    pub status: Option<u16>,
    pub latency_ms: u32,
    pub waited_ms: u32,
    pub request_id: Option<String>,
    pub error: Option<ErrorCode>,
    pub attempt: u32,
}

/// A bounded ring of entries, shared by the clones of a client.
pub(crate) struct RequestLog {
    capacity: usize,
    inner: Mutex<Ring>,
}

impl std::fmt::Debug for RequestLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestLog")
            .field("capacity", &self.capacity)
            .field("len", &self.ring().entries.len())
            .finish()
    }
}

#[derive(Default)]
struct Ring {
    next_seq: u32,
    entries: VecDeque<RequestLogEntry>,
}

impl RequestLog {
    /// A log keeping the newest `capacity` entries (0 keeps none).
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            inner: Mutex::default(),
        }
    }

    fn ring(&self) -> std::sync::MutexGuard<'_, Ring> {
        // An entry is pushed whole or not at all, so a poisoned lock holds a consistent ring.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Appends an entry, dropping the oldest past the capacity.
    pub fn record(&self, attempt: Attempt) {
        let mut ring = self.ring();
        let seq = ring.next_seq;
        ring.next_seq = seq.wrapping_add(1);
        if self.capacity == 0 {
            return;
        }
        while ring.entries.len() >= self.capacity {
            ring.entries.pop_front();
        }
        ring.entries.push_back(RequestLogEntry {
            seq,
            started_at: attempt.started_at,
            method: attempt.method,
            path: attempt.path,
            status: attempt.status,
            latency_ms: attempt.latency_ms,
            waited_ms: attempt.waited_ms,
            request_id: attempt.request_id,
            error: attempt.error,
            attempt: attempt.attempt,
        });
    }

    /// The entries, newest first.
    pub fn snapshot(&self) -> Vec<RequestLogEntry> {
        self.ring().entries.iter().rev().cloned().collect()
    }

    /// Forgets every entry (sequence numbers go on).
    pub fn clear(&self) {
        self.ring().entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use time::OffsetDateTime;

    use super::*;

    fn attempt(path: &str, status: Option<u16>) -> Attempt {
        Attempt {
            started_at: Timestamp(OffsetDateTime::UNIX_EPOCH),
            method: "GET".into(),
            path: path.into(),
            status,
            latency_ms: 3,
            waited_ms: 0,
            request_id: Some("req_01".into()),
            error: status.is_none().then_some(ErrorCode::Network),
            attempt: 1,
        }
    }

    #[test]
    fn keeps_the_newest_entries_newest_first() {
        let log = RequestLog::new(2);
        for path in ["/a", "/b", "/c"] {
            log.record(attempt(path, Some(200)));
        }
        let entries = log.snapshot();
        let paths: Vec<_> = entries.iter().map(|e| (e.seq, e.path.as_str())).collect();
        assert_eq!(paths, [(2, "/c"), (1, "/b")], "the oldest entry is dropped");
        log.clear();
        assert!(log.snapshot().is_empty());
        log.record(attempt("/d", None));
        assert_eq!(log.snapshot()[0].seq, 3, "sequence numbers survive a clear");
    }

    #[test]
    fn serializes_for_the_ui() {
        let log = RequestLog::new(1);
        log.record(attempt("/api/partner/v1/me", None));
        let json = serde_json::to_value(&log.snapshot()[0]).expect("serializable");
        assert_eq!(
            json,
            serde_json::json!({
                "seq": 0, "started_at": "1970-01-01T00:00:00Z", "method": "GET",
                "path": "/api/partner/v1/me", "status": null, "latency_ms": 3, "waited_ms": 0,
                "request_id": "req_01", "error": "network", "attempt": 1
            })
        );
    }
}
