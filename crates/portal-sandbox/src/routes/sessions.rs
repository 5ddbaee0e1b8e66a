//! Portal sessions: `POST /sessions` (sign in) and `DELETE /sessions/current` (sign out).
//!
//! Wrong email and wrong password get the same 401 body and cost the same time (an unknown email
//! is verified against a dummy hash). Five failures for one email within 15 minutes → 429 until
//! the oldest failure leaves the window; a success clears the count. An attempt is counted as a
//! failure from the moment it starts (checked and counted in one transaction) until it succeeds,
//! so guesses sent in parallel get no more tries than guesses sent one after another. Passwords
//! are verified a few at a time ([`crate::passwords`]); past its queue a sign-in is 429 at once,
//! and not counted.

use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::AdminSession;
use crate::crypto::{digest, random_hex32};
use crate::error::{ApiError, ApiResult};
use crate::extract::JsonBody;
use crate::query::NoQuery;
use crate::request_id::RequestId;
use crate::wire::{Data, ErrorEnvelope, PartnerRef};
use crate::{AppState, audit, new_id, passwords, rfc3339};

/// How long a session lasts.
pub const SESSION_SECONDS: i64 = 12 * 3600;
/// The window over which failed sign-ins are counted.
pub const FAILURE_WINDOW_SECONDS: i64 = 15 * 60;
/// Failures allowed within the window.
pub const MAX_FAILURES: i64 = 5;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create))
        .routes(routes!(end))
}

/// `POST /sessions`'s body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    /// The admin's email (matched ignoring case).
    email: String,
    /// The admin's password.
    password: String,
}

/// A new session. The only answer that carries the token.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionCreated {
    /// `ps_` + 64 hex: the bearer for the portal API.
    token: String,
    /// When the token stops working (12 h).
    expires_at: String,
    /// Who signed in.
    admin: AdminRef,
    /// Their partner.
    partner: PartnerRef,
}

/// A portal admin.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminRef {
    /// `adm_…`
    id: String,
    /// Sign-in email.
    email: String,
    /// Display name.
    name: String,
}

struct AdminRow {
    id: String,
    partner_id: String,
    email: String,
    name: String,
    password_hash: String,
    partner_name: String,
}

/// Signs an admin in. Wrong email and wrong password get the same 401.
#[utoipa::path(
    post,
    path = "/sessions",
    operation_id = "create_session",
    tag = "portal",
    request_body = SignIn,
    responses(
        (status = 201, description = "Signed in", body = Data<SessionCreated>),
        (status = 400, description = "Malformed body", body = ErrorEnvelope),
        (status = 401, description = "Wrong email or password", body = ErrorEnvelope),
        (status = 429, description = "Too many failed sign-ins for this email, or too many being checked at once", body = ErrorEnvelope),
    )
)]
async fn create(
    State(state): State<AppState>,
    Extension(RequestId(request_id)): Extension<RequestId>,
    _: NoQuery,
    JsonBody(body): JsonBody<SignIn>,
) -> ApiResult<(StatusCode, Json<Data<SessionCreated>>)> {
    let email = body.email.trim().to_owned();
    if email.is_empty() {
        return Err(ApiError::invalid("email", "Enter an email address"));
    }
    if body.password.is_empty() {
        return Err(ApiError::invalid("password", "Enter a password"));
    }
    let now = state.now_unix();

    // Check and count in one transaction: the attempt is counted as a failure before its password
    // is verified, so guesses sent in parallel cannot all read the same count.
    let lookup_email = email.clone();
    let (admin, attempt) = match state
        .db
        .call(move |conn| reserve_attempt(conn, &lookup_email, now))
        .await?
    {
        Attempt::Reserved { admin, id } => (admin, id),
        Attempt::Throttled { oldest } => {
            let retry = oldest.map_or(1, |t| t + FAILURE_WINDOW_SECONDS - now);
            return Err(ApiError::rate_limited(
                "Too many failed sign-ins for this email; wait before trying again",
                u64::try_from(retry).unwrap_or(1),
            ));
        }
    };

    // Argon2 is CPU-bound and takes ~19 MiB: verify off the async threads, a few at a time. When
    // too many are waiting, nothing is checked and the attempt is not counted.
    let hash = admin.as_ref().map(|a| a.password_hash.clone());
    let Some(verified) = state.passwords.verify(body.password, hash).await? else {
        state
            .db
            .call(move |conn| {
                conn.execute("DELETE FROM sign_in_failures WHERE rowid = ?1", [attempt])?;
                Ok(())
            })
            .await?;
        return Err(passwords::busy());
    };

    match admin {
        Some(admin) if verified => {
            let token = format!("ps_{}", random_hex32());
            let token_digest = digest(&token);
            let expires_at = now + SESSION_SECONDS;
            let (admin_id, partner_id, email) = (
                admin.id.clone(),
                admin.partner_id.clone(),
                admin.email.clone(),
            );
            state
                .db
                .call(move |conn| {
                    let tx = conn.transaction()?;
                    tx.execute(
                        "INSERT INTO sessions (id, token_digest, admin_id, created_at, expires_at)
                         VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![new_id("ses"), token_digest, admin_id, now, expires_at],
                    )?;
                    tx.execute("DELETE FROM sign_in_failures WHERE email = ?1", [&email])?;
                    audit::record(
                        &tx,
                        &audit::Event {
                            partner_id: &partner_id,
                            kind: "session.created",
                            actor: Some(&admin_id),
                            api_key_id: None,
                            at: now,
                            request_id: Some(&request_id),
                        },
                    )?;
                    tx.commit()?;
                    Ok(())
                })
                .await?;
            tracing::info!(admin = %admin.id, "session created");
            let created = SessionCreated {
                token,
                expires_at: rfc3339(expires_at),
                admin: AdminRef {
                    id: admin.id,
                    email: admin.email,
                    name: admin.name,
                },
                partner: PartnerRef {
                    id: admin.partner_id,
                    name: admin.partner_name,
                },
            };
            Ok((StatusCode::CREATED, Json(Data::new(created))))
        }
        // The attempt was counted as a failure when it was reserved; it stays one.
        Some(admin) => {
            state
                .db
                .call(move |conn| {
                    audit::record(
                        conn,
                        &audit::Event {
                            partner_id: &admin.partner_id,
                            kind: "session.failed",
                            actor: None,
                            api_key_id: None,
                            at: now,
                            request_id: Some(&request_id),
                        },
                    )?;
                    Ok(())
                })
                .await?;
            Err(ApiError::unauthorized("Email or password is incorrect"))
        }
        None => Err(ApiError::unauthorized("Email or password is incorrect")),
    }
}

/// What [`reserve_attempt`] found.
enum Attempt {
    /// The attempt is counted (as a failure, row `id` of `sign_in_failures`) and may be verified;
    /// `admin` is the account with that email, if any.
    Reserved { admin: Option<AdminRow>, id: i64 },
    /// [`MAX_FAILURES`] already within the window; `oldest` is the first of them.
    Throttled { oldest: Option<i64> },
}

/// Checks the failure count of `email` and, below the limit, counts this attempt, in one
/// transaction on the one writing connection (so two attempts never read the same count).
fn reserve_attempt(conn: &mut Connection, email: &str, now: i64) -> ApiResult<Attempt> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let (failures, oldest): (i64, Option<i64>) = tx.query_row(
        "SELECT COUNT(*), MIN(at) FROM sign_in_failures WHERE email = ?1 AND at > ?2",
        params![email, now - FAILURE_WINDOW_SECONDS],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if failures >= MAX_FAILURES {
        return Ok(Attempt::Throttled { oldest });
    }
    tx.execute(
        "INSERT INTO sign_in_failures (email, at) VALUES (?1, ?2)",
        params![email, now],
    )?;
    let id = tx.last_insert_rowid();
    let admin = tx
        .query_row(
            "SELECT a.id, a.partner_id, a.email, a.name, a.password_hash, p.name
             FROM admins a JOIN partners p ON p.id = a.partner_id WHERE a.email = ?1",
            [email],
            |r| {
                Ok(AdminRow {
                    id: r.get(0)?,
                    partner_id: r.get(1)?,
                    email: r.get(2)?,
                    name: r.get(3)?,
                    password_hash: r.get(4)?,
                    partner_name: r.get(5)?,
                })
            },
        )
        .optional()?;
    tx.commit()?;
    Ok(Attempt::Reserved { admin, id })
}

/// Signs out: the token stops working at once.
#[utoipa::path(
    delete,
    path = "/sessions/current",
    operation_id = "delete_current_session",
    tag = "portal",
    security(("portal_session" = [])),
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "Missing, invalid or expired session", body = ErrorEnvelope),
    )
)]
async fn end(
    State(state): State<AppState>,
    session: AdminSession,
    _: NoQuery,
) -> ApiResult<StatusCode> {
    let now = state.now_unix();
    tracing::info!(admin = %session.admin_id, partner = %session.partner_id, "session ended");
    state
        .db
        .call(move |conn| {
            conn.execute(
                "UPDATE sessions SET ended_at = ?1 WHERE id = ?2 AND ended_at IS NULL",
                params![now, session.session_id],
            )?;
            Ok(())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
