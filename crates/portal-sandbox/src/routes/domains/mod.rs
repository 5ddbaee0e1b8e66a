//! The domains endpoints of the partner API (API.md §2): listing, one domain, stats,
//! availability and forwarding jobs.
//!
//! Every query is bound to the key's partner and environment; a customer-scoped key sees only
//! the domains of its customer (anything else is 404 or absent from lists).

mod availability;
mod filter;
mod forwarding;
mod list;
mod quote;
mod sql;

use rusqlite::Row;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiError;
use crate::{AppState, rfc3339};

/// The domains routes, mounted under the partner API.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list::list))
        .routes(routes!(list::stats))
        .routes(routes!(list::one))
        .routes(routes!(availability::check))
        .routes(routes!(forwarding::start))
        .routes(routes!(forwarding::one))
}

/// Declares a string enum of the wire with its text form for the database.
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every value, in the contract's order.
            pub const ALL: &[Self] = &[$(Self::$variant,)+];

            /// The value as the wire and the database spell it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                }
            }

            /// The value spelled `text`, if any.
            pub fn parse(text: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|value| value.as_str() == text)
            }
        }
    };
}

wire_enum! {
    /// Whether the partner holds the domain in stock or a customer has it connected.
    DomainCategory {
        /// In the partner's stock, not yet a customer's.
        Inventory = "inventory",
        /// Connected to a customer's mailbox provider.
        Connected = "connected",
    }
}

wire_enum! {
    /// Where a domain stands.
    DomainStatus {
        /// Ready to be connected.
        Available = "available",
        /// Being set up.
        InProgress = "in_progress",
        /// Set up and working.
        Active = "active",
        /// Set-up failed.
        Failed = "failed",
        /// Waiting for the customer.
        ActionRequired = "action_required",
    }
}

wire_enum! {
    /// A mailbox provider.
    Provider {
        /// Google Workspace.
        Google = "google",
        /// Microsoft 365.
        Microsoft = "microsoft",
    }
}

impl Provider {
    /// The provider's bit in the `domains.usable_for` column.
    pub fn bit(self) -> i64 {
        match self {
            Provider::Google => 1,
            Provider::Microsoft => 2,
        }
    }

    /// The providers a `usable_for` bit set names, in the contract's order.
    pub fn from_bits(bits: i64) -> Vec<Provider> {
        Self::ALL
            .iter()
            .copied()
            .filter(|p| bits & p.bit() != 0)
            .collect()
    }
}

/// A domain. Inventory domains have no `provider`, `user_id`, `order_id` or `forwarding_url`
/// (absent); connected domains have them, `forwarding_url` being `null` until one is set.
#[derive(Debug, Serialize, ToSchema)]
pub struct Domain {
    /// `dom_…`
    pub id: String,
    /// The name, lower-case.
    pub domain: String,
    /// Stock or connected.
    pub category: DomainCategory,
    /// Where it stands.
    pub status: DomainStatus,
    /// The providers it can be used with.
    pub usable_for: Vec<Provider>,
    /// When it was added.
    pub created_at: String,
    /// Connected domains: the provider it is connected to.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub provider: Option<Provider>,
    /// Connected domains: the customer (`usr_…`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub user_id: Option<String>,
    /// Connected domains: the order that connected it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub order_id: Option<String>,
    /// Connected domains: where web visits are forwarded, `null` when nowhere.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, nullable)]
    pub forwarding_url: Option<Option<String>>,
    /// The row's position in lists (not sent).
    #[serde(skip)]
    #[schema(ignore)]
    pub created_unix: i64,
}

/// The columns [`Domain::from_row`] reads, in order.
pub const COLUMNS: &str = "id, domain, category, status, usable_for, provider, user_id, order_id, forwarding_url, \
     created_at";

impl Domain {
    /// A domain from a row selected with [`COLUMNS`].
    pub fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        let text = |index: usize| -> rusqlite::Result<String> { row.get(index) };
        let bad = |index: usize, value: &str| {
            rusqlite::Error::FromSqlConversionFailure(
                index,
                rusqlite::types::Type::Text,
                format!("unexpected value {value:?}").into(),
            )
        };
        let category_text = text(2)?;
        let category =
            DomainCategory::parse(&category_text).ok_or_else(|| bad(2, &category_text))?;
        let status_text = text(3)?;
        let status = DomainStatus::parse(&status_text).ok_or_else(|| bad(3, &status_text))?;
        let provider = match row.get::<_, Option<String>>(5)? {
            Some(p) => Some(Provider::parse(&p).ok_or_else(|| bad(5, &p))?),
            None => None,
        };
        let connected = category == DomainCategory::Connected;
        let created_unix: i64 = row.get(9)?;
        Ok(Domain {
            id: row.get(0)?,
            domain: row.get(1)?,
            category,
            status,
            usable_for: Provider::from_bits(row.get(4)?),
            created_at: rfc3339(created_unix),
            provider: provider.filter(|_| connected),
            user_id: row.get::<_, Option<String>>(6)?.filter(|_| connected),
            order_id: row.get::<_, Option<String>>(7)?.filter(|_| connected),
            forwarding_url: connected.then(|| row.get(8)).transpose()?,
            created_unix,
        })
    }
}

/// Whether `text` is `prefix_` followed by a canonical upper-case ULID.
pub fn is_id(prefix: &str, text: &str) -> bool {
    text.strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('_'))
        .is_some_and(|ulid| {
            ulid.len() == 26
                && ulid.as_bytes()[0] <= b'7'
                && ulid
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
                && ulid::Ulid::from_string(ulid).is_ok()
        })
}

/// Rejects a database value no domain row should hold.
pub(crate) fn corrupt(what: &str) -> ApiError {
    ApiError::internal(format!("unexpected {what} in the database"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_prefix_and_canonical_ulid() {
        assert!(is_id("dom", "dom_01JD3Q4VX2M7P8K9N0R1S2T3V4"));
        assert!(
            !is_id("dom", "usr_01JD3Q4VX2M7P8K9N0R1S2T3V4"),
            "another prefix"
        );
        assert!(
            !is_id("dom", "dom_01jd3q4vx2m7p8k9n0r1s2t3v4"),
            "lower case is not canonical"
        );
        assert!(!is_id("dom", "dom_01JD3Q4VX2M7P8K9N0R1S2T3V"), "too short");
        assert!(
            !is_id("dom", "dom_81JD3Q4VX2M7P8K9N0R1S2T3V4"),
            "overflows 128 bits"
        );
        assert!(
            !is_id("dom", "dom_01JD3Q4VX2M7P8K9N0R1S2T3VI"),
            "I is not Crockford"
        );
        assert!(!is_id("dom", "dom01JD3Q4VX2M7P8K9N0R1S2T3V4"));
    }

    #[test]
    fn usable_for_bits_map_to_providers() {
        assert_eq!(Provider::from_bits(0), Vec::<Provider>::new());
        assert_eq!(Provider::from_bits(1), vec![Provider::Google]);
        assert_eq!(
            Provider::from_bits(3),
            vec![Provider::Google, Provider::Microsoft]
        );
        assert_eq!(
            DomainStatus::parse("action_required"),
            Some(DomainStatus::ActionRequired)
        );
        assert_eq!(DomainStatus::parse("paused"), None);
    }
}
