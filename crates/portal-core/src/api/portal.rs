//! The portal API (`/api/portal/v1`): sessions for now; keys, usage and audit come next.

use reqwest::Method;
use serde::Deserialize;
use serde_json::json;

use super::{Client, Reply};
use crate::error::{Error, Result};
use crate::model::{Admin, Partner, Timestamp};
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
        let url = self.server.portal_url("/sessions");
        self.send(self.request(Method::POST, url, None).json(&body))
            .await
    }

    /// `DELETE /sessions/current`: ends the session; the token stops working at once.
    #[tracing::instrument(skip(self, token))]
    pub async fn delete_session(&self, token: &Secret) -> Result<Option<String>> {
        let url = self.server.portal_url("/sessions/current");
        self.send_empty(self.request(Method::DELETE, url, Some(token)))
            .await
            .map_err(session_error)
    }
}

/// On an authenticated portal call, a 401 means the session is over.
fn session_error(error: Error) -> Error {
    match error {
        Error::Api {
            status: 401,
            request_id,
            ..
        } => Error::SessionExpired { request_id },
        other => other,
    }
}
