//! `POST /api_keys`: a new key and, once, its secret.
//!
//! Checks in API.md §5's order: the body (400: `label`, `environment`, `permission_preset`,
//! `scope.user_id`, `expires_at`), then conflicts (409: a duplicate label among the
//! environment's active keys, `field: "label"`; then the limit of 10 active keys,
//! `details.limit`). Keys already replaced by a rotation count towards neither.

use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::ToSchema;

use super::{ApiKey, Environment, Preset, load_or_404};
use crate::auth::AdminSession;
use crate::error::{ApiError, ApiResult};
use crate::extract::JsonBody;
use crate::keys::{self, MAX_ACTIVE_PER_ENVIRONMENT};
use crate::query::NoQuery;
use crate::request_id::RequestId;
use crate::wire::{Data, ErrorEnvelope};
use crate::{AppState, audit};

/// Longest label, in characters, after trimming.
pub const MAX_LABEL_CHARS: usize = 64;

/// `POST /api_keys`'s body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateKey {
    /// 1..=64 characters after trimming, no control characters; unique among the partner's
    /// active keys of the environment.
    label: String,
    /// `live` or `test`.
    environment: Environment,
    /// `full`, `limited` or `read`; never changes afterwards.
    permission_preset: Preset,
    /// Partner-wide when absent.
    #[serde(default)]
    scope: Option<ScopeInput>,
    /// RFC 3339, in the future. Never expires when absent.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    expires_at: Option<String>,
}

// A struct rather than a tagged enum: serde lets a tagged enum's unit variant ignore unknown
// fields, and reports errors inside a tagged variant at `scope` instead of at the field.
/// A key's scope in a request: `{"type": "partner"}` or `{"type": "user", "user_id": "usr_…"}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScopeInput {
    /// `partner`: every customer of the partner; `user`: one customer of the key's environment.
    #[serde(rename = "type")]
    kind: ScopeKind,
    /// `usr_…`: required with `user`, refused with `partner`.
    #[serde(default)]
    user_id: Option<String>,
}

/// The kinds of [`ScopeInput`].
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScopeKind {
    /// Every customer of the partner.
    Partner,
    /// One customer.
    User,
}

impl ScopeInput {
    /// The customer the key is limited to, if any, or 400 `field: "scope.user_id"`.
    fn user_id(self) -> Result<Option<String>, ApiError> {
        match (self.kind, self.user_id) {
            (ScopeKind::User, Some(user_id)) => Ok(Some(user_id)),
            (ScopeKind::User, None) => Err(ApiError::invalid(
                "scope.user_id",
                "A customer scope needs the customer's user_id",
            )),
            (ScopeKind::Partner, Some(_)) => Err(ApiError::invalid(
                "scope.user_id",
                "A partner-wide scope takes no user_id; use \"type\": \"user\" to limit the key to one customer",
            )),
            (ScopeKind::Partner, None) => Ok(None),
        }
    }
}

/// A new key and its secret: the only answer that ever carries a secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct KeyCreated {
    /// The key.
    pub api_key: ApiKey,
    /// `pk_live_…` / `pk_test_…`: shown once, stored nowhere.
    pub secret: String,
}

/// The trimmed label, or 400 `field: "label"`.
fn check_label(label: &str) -> Result<String, ApiError> {
    let label = label.trim();
    if label.is_empty() {
        return Err(ApiError::invalid("label", "Enter a label"));
    }
    if label.chars().count() > MAX_LABEL_CHARS {
        return Err(ApiError::invalid(
            "label",
            "A label has at most 64 characters",
        ));
    }
    if label.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            "label",
            "A label cannot contain control characters",
        ));
    }
    Ok(label.to_owned())
}

/// Unix seconds of an RFC 3339 time in the future, or 400 `field: "expires_at"`.
fn check_expiry(text: &str, now: i64) -> Result<i64, ApiError> {
    let at = OffsetDateTime::parse(text, &Rfc3339)
        .map_err(|_| ApiError::invalid("expires_at", "expires_at must be an RFC 3339 time"))?
        .unix_timestamp();
    if at <= now {
        return Err(ApiError::invalid(
            "expires_at",
            "expires_at must lie in the future",
        ));
    }
    Ok(at)
}

/// 409 when `label` is taken by an active key of the environment, or the environment already
/// has its 10 active keys.
fn check_conflicts(
    conn: &rusqlite::Connection,
    partner_id: &str,
    environment: &str,
    label: &str,
    now: i64,
) -> Result<(), ApiError> {
    if keys::label_taken(conn, partner_id, environment, label, now)? {
        return Err(ApiError::conflict(format!(
            "An active {environment} key is already labelled \"{label}\"; choose another label"
        ))
        .with_field("label"));
    }
    if keys::count_active(conn, partner_id, environment, now)? >= MAX_ACTIVE_PER_ENVIRONMENT {
        return Err(ApiError::conflict(format!(
            "This partner already has {MAX_ACTIVE_PER_ENVIRONMENT} active {environment} keys; \
             revoke one first"
        ))
        .with_details(json!({ "limit": MAX_ACTIVE_PER_ENVIRONMENT })));
    }
    Ok(())
}

/// Creates a key. The answer carries its secret, once.
#[utoipa::path(
    post,
    path = "/api_keys",
    operation_id = "create_api_key",
    tag = "portal",
    security(("portal_session" = [])),
    request_body = CreateKey,
    responses(
        (status = 201, description = "The key and its secret", body = Data<KeyCreated>),
        (status = 400, description = "A field at fault", body = ErrorEnvelope),
        (status = 401, description = "Missing, invalid or expired session", body = ErrorEnvelope),
        (status = 409, description = "Duplicate label or 10 active keys", body = ErrorEnvelope),
        (status = 413, description = "Body over 64 KiB", body = ErrorEnvelope),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    session: AdminSession,
    Extension(RequestId(request_id)): Extension<RequestId>,
    _: NoQuery,
    JsonBody(body): JsonBody<CreateKey>,
) -> ApiResult<(StatusCode, Json<Data<KeyCreated>>)> {
    let now = state.now_unix();
    let label = check_label(&body.label)?;
    let scope_user_id = body.scope.map(ScopeInput::user_id).transpose()?.flatten();
    let expires_at = body
        .expires_at
        .as_deref()
        .map(|t| check_expiry(t, now))
        .transpose()?;
    let environment = body.environment.as_str();
    let preset = body.permission_preset.as_str();
    let (created, row) = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            if let Some(user_id) = &scope_user_id {
                let customer: Option<String> = tx
                    .query_row(
                        "SELECT id FROM users WHERE id = ?1 AND partner_id = ?2
                         AND environment = ?3 AND status = 'active'",
                        params![user_id, session.partner_id, environment],
                        |r| r.get(0),
                    )
                    .optional()?;
                if customer.is_none() {
                    return Err(ApiError::invalid(
                        "scope.user_id",
                        format!("No active customer with this id in the {environment} environment"),
                    ));
                }
            }
            check_conflicts(&tx, &session.partner_id, environment, &label, now)?;
            let created = keys::create(
                &tx,
                &keys::NewKey {
                    partner_id: &session.partner_id,
                    environment,
                    label: &label,
                    preset,
                    scope_user_id: scope_user_id.as_deref(),
                    created_by: Some(&session.admin_id),
                    created_at: now,
                    expires_at,
                },
            )?;
            audit::record(
                &tx,
                &audit::Event {
                    partner_id: &session.partner_id,
                    kind: "api_key.created",
                    actor: Some(&session.admin_id),
                    api_key_id: Some(&created.id),
                    at: now,
                    request_id: Some(&request_id),
                },
            )?;
            let row = load_or_404(&tx, &session.partner_id, &created.id)?;
            tx.commit()?;
            Ok((created, row))
        })
        .await?;
    tracing::info!(key = %created.id, "api key created");
    let answer = KeyCreated {
        api_key: ApiKey::from_row(row, now),
        secret: created.secret,
    };
    Ok((StatusCode::CREATED, Json(Data::new(answer))))
}
