//! `POST /domains/availability`: can these names be registered, and at what price?
//!
//! The sandbox has no registry behind it: the answer is a deterministic function of the name
//! and of the partner's own domains, stated in [`super::quote`].

use axum::Json;
use axum::extract::State;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Provider;
use super::quote::{is_valid_name, quote, unavailable};
use crate::AppState;
use crate::auth::{Allowed, DomainAvailability};
use crate::error::{ApiError, ApiResult};
use crate::extract::JsonBody;
use crate::query::NoQuery;
use crate::wire::{Data, ErrorEnvelope};

/// Most names in one request.
pub const MAX_NAMES: usize = 50;

/// `POST /domains/availability`'s body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AvailabilityRequest {
    /// The names to check, 1..=50.
    #[schema(min_items = 1, max_items = 50)]
    domains: Vec<String>,
}

/// Why a name is not available.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnavailableReason {
    /// Registered already.
    Taken,
    /// A premium name (quoted, not sold through the API).
    Premium,
    /// Not a valid domain name.
    Invalid,
}

/// One name's answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct NameAvailability {
    /// The name: trimmed and lower-cased when valid, as given when not.
    pub domain: String,
    /// Whether it can be registered.
    pub available: bool,
    /// Available names: the providers it can be used with.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub usable_for: Option<Vec<Provider>>,
    /// Whether it is a premium name.
    pub premium: bool,
    /// Unavailable names: why.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub reason: Option<UnavailableReason>,
    /// Available and premium names: the first year's price, in cents.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub price_cents: Option<u32>,
    /// Available and premium names: the yearly renewal price, in cents.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub renewal_price_cents: Option<u32>,
    /// With prices: `USD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub currency: Option<String>,
}

/// `POST /domains/availability`'s `data`.
#[derive(Debug, Serialize, ToSchema)]
pub struct AvailabilityList {
    /// One row per name asked, in order.
    pub domains: Vec<NameAvailability>,
}

/// Checks whether names can be registered (keys with the `limited` or `full` preset).
#[utoipa::path(
    post,
    path = "/domains/availability",
    operation_id = "check_domain_availability",
    tag = "partner",
    security(("partner_key" = [])),
    request_body = AvailabilityRequest,
    responses(
        (status = 200, description = "One row per name", body = Data<AvailabilityList>),
        (status = 400, description = "A missing, empty or oversized list", body = ErrorEnvelope),
        (status = 401, description = "Missing or invalid key", body = ErrorEnvelope),
        (status = 403, description = "The key's preset may not check availability",
            body = ErrorEnvelope),
        (status = 413, description = "Body over 64 KiB", body = ErrorEnvelope),
        (status = 429, description = "Rate limited", body = ErrorEnvelope),
    )
)]
pub async fn check(
    State(state): State<AppState>,
    allowed: Allowed<DomainAvailability>,
    _: NoQuery,
    JsonBody(body): JsonBody<AvailabilityRequest>,
) -> ApiResult<Json<Data<AvailabilityList>>> {
    let key = allowed.0;
    if body.domains.is_empty() || body.domains.len() > MAX_NAMES {
        return Err(ApiError::invalid(
            "domains",
            "Give between 1 and 50 domain names",
        ));
    }
    let rows = state
        .db
        .call(move |conn| {
            let mut owned = conn.prepare_cached(
                "SELECT 1 FROM domains WHERE partner_id = ?1 AND environment = ?2 AND domain = ?3
                 LIMIT 1",
            )?;
            let mut rows = Vec::with_capacity(body.domains.len());
            for given in body.domains {
                let name = given.trim().to_lowercase();
                if !is_valid_name(&name) {
                    rows.push(unavailable(given, UnavailableReason::Invalid));
                    continue;
                }
                let ours = owned
                    .query_row([&key.partner_id, &key.environment, &name], |_| Ok(()))
                    .optional()?
                    .is_some();
                rows.push(if ours {
                    unavailable(name, UnavailableReason::Taken)
                } else {
                    quote(name)
                });
            }
            Ok(rows)
        })
        .await?;
    Ok(Json(Data::new(AvailabilityList { domains: rows })))
}
