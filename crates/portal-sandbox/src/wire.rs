//! Wire shapes shared by several endpoints, with their OpenAPI schemas.

use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

/// `{"data": …}`
#[derive(Debug, Serialize, ToSchema)]
pub struct Data<T> {
    /// The payload.
    pub data: T,
}

impl<T> Data<T> {
    /// Wraps a payload.
    pub fn new(data: T) -> Self {
        Self { data }
    }
}

/// `{"data": [...], "links": {...}, "meta": {...}}`
#[derive(Debug, Serialize, ToSchema)]
pub struct List<T> {
    /// The page's rows, newest first.
    pub data: Vec<T>,
    /// Where this list starts and the next page.
    pub links: Links,
    /// What this page is.
    pub meta: ListMeta,
}

/// A list's links: absolute URLs carrying the filters and `per_page`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Links {
    /// The first page.
    pub first: String,
    /// The next page, or `null` on the last one.
    #[schema(required = true)]
    pub next: Option<String>,
}

/// A list page's metadata.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListMeta {
    /// The list's URL without paging parameters.
    pub path: String,
    /// The page size asked for.
    pub per_page: u32,
    /// Rows on this page.
    pub returned: u32,
}

/// `{"error": {...}}`: every 4xx and 5xx answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorEnvelope {
    /// The error.
    pub error: ErrorBody,
}

/// An error: branch on `code`, never on `message`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// One of `invalid_request`, `unauthorized`, `forbidden`, `not_found`,
    /// `method_not_allowed`, `conflict`, `payload_too_large`, `rate_limited`, `internal`.
    pub code: String,
    /// For people.
    pub message: String,
    /// The input at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub field: Option<String>,
    /// More about the error, e.g. `retry_after_seconds`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>, nullable = false)]
    pub details: Option<Value>,
}

/// A key's scope: the whole partner, or one customer.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Scope {
    /// Every customer of the partner.
    Partner,
    /// One customer.
    User {
        /// `usr_…`
        user_id: String,
    },
}

impl Scope {
    /// The scope of a key limited to `user_id`, if any.
    pub fn of(user_id: Option<String>) -> Self {
        match user_id {
            Some(user_id) => Scope::User { user_id },
            None => Scope::Partner,
        }
    }
}

/// A partner as other objects show it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerRef {
    /// `org_…`
    pub id: String,
    /// Display name.
    pub name: String,
}
