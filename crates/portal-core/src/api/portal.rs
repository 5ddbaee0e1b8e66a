//! The portal API (`/api/portal/v1`, API.md §3), called with the admin's session token:
//! sessions, keys, usage and audit events. A 401 on any call but sign-in means the session is
//! over ([`Error::SessionExpired`]).

use serde::Deserialize;
use serde_json::json;

use super::partner::with_query;
use super::{Call, Client, Reply, Retry};
use crate::error::{Error, Result};
use crate::model::{
    Admin, ApiKey, Environment, KeyFilter, KeyId, Partner, Preset, Scope, Timestamp, Usage,
    UsageWindow, WireId as _,
};
use crate::secret::Secret;

/// `POST /sessions`'s `data`.
#[derive(Debug, Deserialize)]
pub struct SessionCreated {
    /// The session token (`ps_…`); the bearer for every other portal call.
    pub token: Secret,
    /// When the token stops working.
    pub expires_at: Timestamp,
    /// The admin who signed in.
    pub admin: Admin,
    /// Their partner.
    pub partner: Partner,
}

impl Client {
    /// `POST /sessions`: signs an admin in. A 401 here means wrong email or password.
    #[tracing::instrument(skip(self, password), fields(server = %self.server.base_url()))]
    pub async fn create_session(
        &self,
        email: &str,
        password: &Secret,
    ) -> Result<Reply<SessionCreated>> {
        let body = json!({ "email": email, "password": password.expose() });
        let call = Call::post(self.server.portal_url("/sessions"), body)
            .max_answer(super::MAX_SMALL_ANSWER);
        self.call(call).await
    }

    /// `DELETE /sessions/current`: ends the session; the token stops working at once.
    #[tracing::instrument(skip(self, token))]
    pub async fn delete_session(&self, token: &Secret) -> Result<Option<String>> {
        let call = Call::delete(self.server.portal_url("/sessions/current")).bearer(token);
        self.call_empty(call).await.map_err(session_error)
    }
}

/// `POST /api_keys`'s body.
#[derive(Debug, Clone)]
pub struct NewKey {
    /// 1..=64 characters, unique among the environment's active keys.
    pub label: String,
    /// Live or test.
    pub environment: Environment,
    /// What the key may do.
    pub preset: Preset,
    /// Whom it sees (the whole partner when `None`).
    pub scope: Option<Scope>,
    /// When it stops working, if ever.
    pub expires_at: Option<Timestamp>,
}

/// `POST /api_keys`'s `data`: the key and, this once, its secret.
#[derive(Debug, Deserialize)]
pub struct KeyCreated {
    /// The new key.
    pub api_key: ApiKey,
    /// Its secret: never sent again.
    pub secret: Secret,
}

/// `POST /api_keys/{id}/rotate`'s `data`.
#[derive(Debug, Deserialize)]
pub struct KeyRotated {
    /// The replacement (same label, environment, preset and scope).
    pub api_key: ApiKey,
    /// The replacement's secret: never sent again.
    pub secret: Secret,
    /// The old key as the rotation left it (active, expiring or revoked).
    pub replaced: ApiKey,
}

impl Client {
    /// The first page of `GET /api_keys` with `filter`.
    pub fn keys_call(&self, token: &Secret, filter: &KeyFilter, per_page: u32) -> Call {
        let mut pairs = filter.pairs();
        pairs.push(("per_page", per_page.to_string()));
        Call::get(with_query(self.server.portal_url("/api_keys"), &pairs)).bearer(token)
    }

    /// `POST /api_keys`. Attempted exactly once, whatever the failure: a second attempt could
    /// make a second key.
    #[tracing::instrument(skip(self, token, key), fields(environment = %key.environment))]
    pub async fn create_key(&self, token: &Secret, key: &NewKey) -> Result<Reply<KeyCreated>> {
        let mut body = json!({
            "label": key.label,
            "environment": key.environment,
            "permission_preset": key.preset,
        });
        if let Some(scope) = &key.scope {
            body["scope"] = json!(scope);
        }
        if let Some(expires_at) = &key.expires_at {
            body["expires_at"] = json!(expires_at);
        }
        let call = Call::post(self.server.portal_url("/api_keys"), body).bearer(token);
        self.call(call).await.map_err(session_error)
    }

    /// `GET /api_keys/{id}`.
    #[tracing::instrument(skip(self, token))]
    pub async fn key(&self, token: &Secret, id: &KeyId) -> Result<Reply<ApiKey>> {
        let url = self.key_url(id, "")?;
        self.call(Call::get(url).bearer(token))
            .await
            .map_err(session_error)
    }

    /// `POST /api_keys/{id}/revoke`: effective on the key's very next request. Idempotent, so
    /// it is retried like a GET.
    #[tracing::instrument(skip(self, token))]
    pub async fn revoke_key(&self, token: &Secret, id: &KeyId) -> Result<Reply<ApiKey>> {
        let call = Call::post(self.key_url(id, "/revoke")?, json!({}))
            .bearer(token)
            .retry(Retry::Safe);
        self.call(call).await.map_err(session_error)
    }

    /// `POST /api_keys/{id}/rotate`: a replacement key; the old one stays active
    /// (`old_key_expires_in_seconds: None`), is revoked now (`Some(0)`) or expires after that
    /// many seconds. Attempted exactly once.
    #[tracing::instrument(skip(self, token))]
    pub async fn rotate_key(
        &self,
        token: &Secret,
        id: &KeyId,
        old_key_expires_in_seconds: Option<u32>,
    ) -> Result<Reply<KeyRotated>> {
        let body = json!({ "old_key_expires_in_seconds": old_key_expires_in_seconds });
        let call = Call::post(self.key_url(id, "/rotate")?, body).bearer(token);
        self.call(call).await.map_err(session_error)
    }

    /// `GET /api_keys/{id}/usage?window=…`.
    #[tracing::instrument(skip(self, token))]
    pub async fn key_usage(
        &self,
        token: &Secret,
        id: &KeyId,
        window: &UsageWindow,
    ) -> Result<Reply<Usage>> {
        let url = with_query(
            self.key_url(id, "/usage")?,
            &[("window", window.as_str().to_owned())],
        );
        self.call(Call::get(url).bearer(token))
            .await
            .map_err(session_error)
    }

    /// The first page of `GET /audit_events`, all of them or one key's.
    pub fn audit_call(&self, token: &Secret, key: Option<&KeyId>, per_page: u32) -> Call {
        let mut pairs = Vec::new();
        if let Some(key) = key {
            pairs.push(("api_key_id", key.as_str().to_owned()));
        }
        pairs.push(("per_page", per_page.to_string()));
        Call::get(with_query(self.server.portal_url("/audit_events"), &pairs)).bearer(token)
    }

    /// `/api_keys/{id}{rest}`, for a well-formed key id only.
    fn key_url(&self, id: &KeyId, rest: &str) -> Result<String> {
        Ok(self
            .server
            .portal_url(&format!("/api_keys/{}{rest}", id.checked()?)))
    }
}

/// On an authenticated portal call, a 401 means the session is over.
pub(crate) fn session_error(error: Error) -> Error {
    match error {
        Error::Api {
            status: 401,
            request_id,
            ..
        } => Error::SessionExpired { request_id },
        other => other,
    }
}
