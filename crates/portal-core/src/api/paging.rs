//! Lists as a stream of pages.
//!
//! A list answers `{"data": [...], "links": {"first", "next"}, "meta": {...}}` (API.md §1). The
//! stream from [`Client::pages`] sends the first call, then follows `links.next` exactly as the
//! server wrote it (the token is opaque; the client never builds one), with the first call's
//! bearer and retry policy, until a page has no `next`. Each request goes through the client's
//! retries and rate limiter, so a long scan waits out 429s instead of failing on them.
//!
//! - **Errors** end the stream: the error is its last item. Every page before it was delivered,
//!   and the last page's [`Page::next`] is where to resume ([`Call::resume`]).
//! - **Links are checked before anything is sent to them**: `links.next` must be on the
//!   client's own origin (same scheme, host and port) and not the page just read. A page hands
//!   out its link only as a [`NextLink`], which only that check can build, so a link to
//!   another server can neither be followed nor resumed from: the page's items are delivered
//!   with `next: None`, then the refusal ends the stream.
//! - **Cancellation** is dropping the stream: nothing is sent after that, and a request in
//!   flight is abandoned. The stream is lazy: a page is requested only when the consumer asks
//!   for it, so a slow consumer slows the scan instead of filling memory.
//! - **Progress**: each page carries the pages and items received so far.

use futures_core::Stream;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use url::Url;

use super::answer::not_a_partner_api;
use super::{Call, Client};
use crate::error::{Error, Result};

/// One page of a list.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The page's items, in the server's order.
    pub items: Vec<T>,
    /// `links.next`, checked: the next page on this client's origin; `None` on the last page
    /// (or when the server's link was refused, which the stream's next item says).
    pub next: Option<NextLink>,
    /// The server's `Peeker-Request-Id` for this page.
    pub request_id: Option<String>,
    /// Pages and items received so far by this stream, this page included.
    pub progress: Progress,
}

/// How far a stream of pages has got. Counts saturate at `u32::MAX`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Progress {
    /// Pages received.
    pub pages: u32,
    /// Items received.
    pub items: u32,
}

/// A `links.next` that passed the check: an absolute URL on the client's own origin. Only
/// [`Client::pages`] makes one, so whoever holds one may send the key there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextLink(Url);

impl NextLink {
    /// The URL, for the request log and tests.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

#[derive(Deserialize)]
struct ListEnvelope<T> {
    data: Vec<T>,
    links: Links,
}

#[derive(Deserialize)]
struct Links {
    next: Option<String>,
}

/// A decoded list answer: the items, `links.next` and the request id.
pub(super) type ListPage<T> = (Vec<T>, Option<String>, Option<String>);

/// Decodes a list envelope; anything else is [`Error::NotAPartnerApi`].
pub(super) fn decode_list<T: DeserializeOwned>(
    status: StatusCode,
    body: &[u8],
    request_id: Option<String>,
) -> Result<ListPage<T>> {
    match serde_json::from_slice::<ListEnvelope<T>>(body) {
        Ok(list) => Ok((list.data, list.links.next, request_id)),
        Err(e) => Err(not_a_partner_api(status, body, Some(e), request_id)),
    }
}

impl Client {
    /// The pages of the list that `first` asks for (e.g.
    /// `Call::get(server.partner_url("/domains?per_page=100")).bearer(&key)`), as a stream.
    /// See the [module docs](self) for errors, cancellation and progress. The stream owns a
    /// clone of the client, so it can be moved to another task.
    pub fn pages<T>(&self, first: Call) -> impl Stream<Item = Result<Page<T>>> + Send + 'static
    where
        T: DeserializeOwned + Send + 'static,
    {
        let client = self.clone();
        async_stream::try_stream! {
            let mut call = first.max_answer(super::MAX_PAGE_ANSWER);
            let mut progress = Progress::default();
            loop {
                let (items, next, request_id) = client.send(&call, decode_list::<T>).await?;
                progress.pages = progress.pages.saturating_add(1);
                let count = u32::try_from(items.len()).unwrap_or(u32::MAX);
                progress.items = progress.items.saturating_add(count);
                let checked = next
                    .map(|next| client.next_link(&call.url, &next, request_id.clone()))
                    .transpose();
                let (next, refused) = match checked {
                    Ok(next) => (next, None),
                    Err(error) => (None, Some(error)),
                };
                let follow = next.clone();
                yield Page { items, next, request_id, progress };
                if let Some(error) = refused {
                    Err::<(), Error>(error)?;
                }
                let Some(next) = follow else { break };
                call = call.follow(next);
            }
        }
    }

    /// Checks `links.next` before the bearer is sent there: an absolute URL (or one relative to
    /// the page just read) on this client's origin, and not the page just read. A refusal
    /// carries the request id of the page that held the link.
    fn next_link(&self, current: &str, next: &str, request_id: Option<String>) -> Result<NextLink> {
        let host = self.server.host();
        let refuse = |why: &str| Error::NotAPartnerApi {
            reason: format!(
                "{host} sent a link to the next page that {why}; the list stops here and the key \
                 was not sent there"
            ),
            request_id: request_id.clone(),
        };
        let base = Url::parse(current).map_err(|_| refuse("follows an unreadable URL"))?;
        let url = base.join(next).map_err(|_| refuse("is not a URL"))?;
        let origin = Url::parse(&self.server.base_url()).map_err(|_| refuse("has no origin"))?;
        if url.origin() != origin.origin() {
            return Err(refuse("points to another server"));
        }
        if url == base {
            return Err(refuse("repeats the page just read"));
        }
        Ok(NextLink(url))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::{ServerConfig, ServerKind};

    fn client() -> Client {
        let server = ServerConfig::parse(ServerKind::Remote, "https://api.example.com")
            .expect("valid origin");
        Client::new(server, "test/0").expect("client")
    }

    #[test]
    fn decodes_the_list_envelope_and_only_the_next_link() {
        let body = br#"{"data":[1,2],"links":{"first":"x","next":"https://api.example.com/n"},
            "meta":{"per_page":2,"returned":2}}"#;
        let (items, next, id) = decode_list::<u32>(StatusCode::OK, body, Some("req_1".into()))
            .expect("a list envelope");
        assert_eq!(items, [1, 2]);
        assert_eq!(next.as_deref(), Some("https://api.example.com/n"));
        assert_eq!(id.as_deref(), Some("req_1"));
        let last = decode_list::<u32>(
            StatusCode::OK,
            br#"{"data":[],"links":{"next":null}}"#,
            None,
        )
        .expect("an empty last page");
        assert_eq!(last.1, None);
        let error = decode_list::<u32>(StatusCode::OK, br#"{"data":[1]}"#, None)
            .expect_err("a list without links is not the API's");
        assert_eq!(error.code(), crate::ErrorCode::NotAPartnerApi);
    }

    #[test]
    fn next_links_must_stay_on_the_origin_and_move_on() {
        let client = client();
        let current = "https://api.example.com/api/partner/v1/domains?per_page=2";
        let next = client
            .next_link(current, "/api/partner/v1/domains?page_token=abc", None)
            .expect("a relative link on the same origin");
        assert_eq!(
            next.as_str(),
            "https://api.example.com/api/partner/v1/domains?page_token=abc"
        );
        for bad in [
            "https://evil.example.com/api/partner/v1/domains?page_token=abc",
            "http://api.example.com/api/partner/v1/domains?page_token=abc",
            "https://api.example.com:8443/api/partner/v1/domains?page_token=abc",
            "//evil.example.com/api/partner/v1/domains",
            current,
        ] {
            let error = client
                .next_link(current, bad, None)
                .expect_err("the key must not follow this link");
            assert_eq!(error.code(), crate::ErrorCode::NotAPartnerApi, "{bad}");
        }
    }
}
