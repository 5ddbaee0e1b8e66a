//! Keyset pagination with opaque, tamper-evident page tokens.
//!
//! A token carries the position after the last row of a page (`created_at`, `id`) and an
//! HMAC-SHA-256 tag over that position *and* what the token is bound to: the list, the partner,
//! the environment, the key's scope and the filter set (not `per_page`, which may change between
//! pages). A token that was altered, truncated, or minted for another list or filter set fails
//! the tag check and is refused with 400 `field: "page_token"`. The tag key is random per
//! database (kept in `meta`), so tokens survive restarts.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::error::ApiError;

/// Default and largest `per_page`.
pub const DEFAULT_PER_PAGE: u32 = 25;
/// Largest `per_page`.
pub const MAX_PER_PAGE: u32 = 100;
/// Bytes of the HMAC tag kept in a token.
const TAG_BYTES: usize = 16;

/// The position after the last row of a page: lists are ordered by `created_at` then `id`,
/// both descending, so the next page holds the rows strictly before this pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    /// Unix seconds of the last row.
    pub created_at: i64,
    /// Id of the last row.
    pub id: String,
}

/// What a token is bound to; it is valid only for the same binding.
#[derive(Debug, Clone)]
pub struct Binding<'a> {
    /// The list, e.g. `domains`.
    pub list: &'a str,
    /// `org_…`
    pub partner_id: &'a str,
    /// `live` or `test` (empty for lists that have none).
    pub environment: &'a str,
    /// The key's customer scope, if any.
    pub scope: Option<&'a str>,
    /// The filters, as `(name, value)` pairs in a fixed order; absent filters are left out.
    pub filters: &'a [(&'a str, String)],
}

impl Binding<'_> {
    fn feed(&self, mac: &mut Hmac<Sha256>) {
        // Length-prefixed fields, so no two bindings feed the same bytes.
        let mut field = |bytes: &[u8]| {
            mac.update(&(bytes.len() as u64).to_be_bytes());
            mac.update(bytes);
        };
        field(self.list.as_bytes());
        field(self.partner_id.as_bytes());
        field(self.environment.as_bytes());
        field(self.scope.unwrap_or("").as_bytes());
        for (name, value) in self.filters {
            field(name.as_bytes());
            field(value.as_bytes());
        }
    }
}

/// The key that signs page tokens.
#[derive(Clone)]
pub struct PageKey([u8; 32]);

impl std::fmt::Debug for PageKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PageKey([redacted])")
    }
}

impl PageKey {
    /// A key from 32 bytes.
    pub fn new(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    fn tag(&self, binding: &Binding<'_>, position: &[u8]) -> Vec<u8> {
        #[allow(clippy::expect_used)] // HMAC takes keys of any length.
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("any key length");
        binding.feed(&mut mac);
        mac.update(position);
        mac.finalize().into_bytes()[..TAG_BYTES].to_vec()
    }

    /// The token for the page after `cursor`.
    pub fn seal(&self, binding: &Binding<'_>, cursor: &Cursor) -> String {
        let position = format!("{}:{}", cursor.created_at, cursor.id);
        let tag = self.tag(binding, position.as_bytes());
        format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(&position),
            URL_SAFE_NO_PAD.encode(tag)
        )
    }

    /// The cursor a token carries, if it is intact and was minted for this binding.
    pub fn open(&self, binding: &Binding<'_>, token: &str) -> Result<Cursor, ApiError> {
        let invalid = || {
            ApiError::invalid(
                "page_token",
                "This page_token is not valid for this list and filters",
            )
        };
        let (position, tag) = token.split_once('.').ok_or_else(invalid)?;
        let position = URL_SAFE_NO_PAD.decode(position).map_err(|_| invalid())?;
        let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| invalid())?;
        let expected = self.tag(binding, &position);
        if !crate::crypto::digests_equal(&expected, &tag) {
            return Err(invalid());
        }
        let text = String::from_utf8(position).map_err(|_| invalid())?;
        let (created_at, id) = text.split_once(':').ok_or_else(invalid)?;
        Ok(Cursor {
            created_at: created_at.parse().map_err(|_| invalid())?,
            id: id.to_owned(),
        })
    }

    /// The cursor of a list request: `None` for the first page, else the opened `page_token`.
    pub fn cursor(
        &self,
        binding: &Binding<'_>,
        token: Option<&str>,
    ) -> Result<Option<Cursor>, ApiError> {
        token.map(|t| self.open(binding, t)).transpose()
    }
}

/// Checks `per_page` (1..=100, default 25).
pub fn per_page(value: Option<u32>) -> Result<u32, ApiError> {
    match value {
        None => Ok(DEFAULT_PER_PAGE),
        Some(n) if (1..=MAX_PER_PAGE).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::invalid(
            "per_page",
            "per_page must be between 1 and 100",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn key() -> PageKey {
        PageKey::new([7; 32])
    }

    fn binding<'a>(filters: &'a [(&'a str, String)]) -> Binding<'a> {
        Binding {
            list: "domains",
            partner_id: "org_1",
            environment: "test",
            scope: None,
            filters,
        }
    }

    #[test]
    fn a_token_opens_for_its_own_binding_only() {
        let active = [("status", "active".to_owned())];
        let failed = [("status", "failed".to_owned())];
        let cursor = Cursor {
            created_at: 1_700_000_000,
            id: "dom_01ABC".into(),
        };
        let token = key().seal(&binding(&active), &cursor);
        assert_eq!(
            key().open(&binding(&active), &token).expect("same binding"),
            cursor
        );
        assert!(
            key().open(&binding(&failed), &token).is_err(),
            "another filter set"
        );
        assert!(key().open(&binding(&[]), &token).is_err(), "no filter");
        let mut live = binding(&active);
        live.environment = "live";
        assert!(key().open(&live, &token).is_err(), "another environment");
        let mut scoped = binding(&active);
        scoped.scope = Some("usr_1");
        assert!(key().open(&scoped, &token).is_err(), "another scope");
        let mut users = binding(&active);
        users.list = "users";
        assert!(key().open(&users, &token).is_err(), "another list");
        assert!(
            PageKey::new([8; 32])
                .open(&binding(&active), &token)
                .is_err(),
            "another key"
        );
    }

    #[test]
    fn per_page_bounds() {
        assert_eq!(per_page(None).expect("default"), 25);
        assert_eq!(per_page(Some(100)).expect("max"), 100);
        assert!(per_page(Some(0)).is_err());
        assert!(per_page(Some(101)).is_err());
    }

    proptest! {
        #[test]
        fn any_change_to_a_token_is_refused(
            created_at in 0i64..4_000_000_000,
            id in "[A-Z0-9]{26}",
            index in 0usize..200,
            replacement in any::<char>(),
        ) {
            let cursor = Cursor { created_at, id: format!("dom_{id}") };
            let token = key().seal(&binding(&[]), &cursor);
            let index = index % token.len();
            let mut altered: Vec<char> = token.chars().collect();
            prop_assume!(altered[index] != replacement);
            altered[index] = replacement;
            let altered: String = altered.into_iter().collect();
            let refused = key().open(&binding(&[]), &altered);
            prop_assert!(refused.is_err(), "altered token {altered} was accepted");
            prop_assert_eq!(refused.err().and_then(|e| e.field().map(str::to_owned)), Some("page_token".to_owned()));
        }

        #[test]
        fn truncated_tokens_are_refused(created_at in 0i64..4_000_000_000, cut in 0usize..60) {
            let cursor = Cursor { created_at, id: "dom_01JD3Q4VX2M7P8K9N0R1S2T3U4".into() };
            let token = key().seal(&binding(&[]), &cursor);
            let cut = cut % token.len();
            prop_assert!(key().open(&binding(&[]), &token[..cut]).is_err());
        }

        #[test]
        fn arbitrary_text_never_opens(text in ".{0,80}") {
            prop_assert!(key().open(&binding(&[]), &text).is_err());
        }
    }
}
