//! Building list answers: links that carry the filters and `per_page`, the next page's token,
//! and `meta`.
//!
//! A list handler fetches `per_page + 1` rows ordered by `created_at DESC, id DESC` after the
//! cursor (if any), then calls [`ListUrl::answer`], which keeps `per_page` rows and mints the
//! next token from the last one kept.

use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::header::HOST;
use axum::http::request::Parts;

use crate::error::ApiError;
use crate::page::{Binding, Cursor, PageKey};
use crate::wire::{Links, List, ListMeta};

/// The absolute URL of the list being requested, without its query.
#[derive(Debug, Clone)]
pub struct ListUrl(String);

impl<S: Send + Sync> FromRequestParts<S> for ListUrl {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let host = parts
            .headers
            .get(HOST)
            .and_then(|v| v.to_str().ok())
            .filter(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_graphic()))
            .unwrap_or("127.0.0.1")
            .to_owned();
        let path = match OriginalUri::from_request_parts(parts, state).await {
            Ok(OriginalUri(uri)) => uri.path().to_owned(),
            Err(_) => parts.uri.path().to_owned(),
        };
        Ok(ListUrl(format!("http://{host}{path}")))
    }
}

impl ListUrl {
    /// The URL with the filters, `per_page` and, for a later page, `page_token`.
    pub fn with_query(
        &self,
        filters: &[(&str, String)],
        per_page: u32,
        token: Option<&str>,
    ) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (name, value) in filters {
            query.append_pair(name, value);
        }
        query.append_pair("per_page", &per_page.to_string());
        if let Some(token) = token {
            query.append_pair("page_token", token);
        }
        format!("{}?{}", self.0, query.finish())
    }

    /// The list answer for `rows` (up to `per_page + 1` of them, as fetched); `cursor_of`
    /// gives a row's position.
    pub fn answer<T>(
        &self,
        key: &PageKey,
        binding: &Binding<'_>,
        per_page: u32,
        mut rows: Vec<T>,
        cursor_of: impl Fn(&T) -> Cursor,
    ) -> List<T> {
        let more = rows.len() > per_page as usize;
        rows.truncate(per_page as usize);
        let next = match rows.last() {
            Some(last) if more => {
                let token = key.seal(binding, &cursor_of(last));
                Some(self.with_query(binding.filters, per_page, Some(&token)))
            }
            _ => None,
        };
        List {
            meta: ListMeta {
                path: self.0.clone(),
                per_page,
                returned: u32::try_from(rows.len()).unwrap_or(u32::MAX),
            },
            links: Links {
                first: self.with_query(binding.filters, per_page, None),
                next,
            },
            data: rows,
        }
    }
}
