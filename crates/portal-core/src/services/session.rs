//! Signing in to and out of a partner's portal.

use serde::Serialize;
use time::OffsetDateTime;

use crate::api::Client;
use crate::error::{Error, Result};
use crate::model::{Admin, Partner, Timestamp};
use crate::secret::Secret;
use crate::server::{ServerConfig, ServerKind};

/// The server as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ServerView {
    /// Sandbox or remote.
    pub kind: ServerKind,
    /// The origin, e.g. `https://api.peeker.ai`.
    pub base_url: String,
}

/// A signed-in session as the UI shows it. Holds no token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SessionView {
    /// Where the session lives.
    pub server: ServerView,
    /// The partner signed in to.
    pub partner: Partner,
    /// The admin who signed in.
    pub admin: Admin,
    /// When the session ends.
    pub expires_at: Timestamp,
}

/// A live session: the client, the token (a [`Secret`]) and what the UI shows.
#[derive(Debug)]
pub struct Connection {
    client: Client,
    token: Secret,
    view: SessionView,
}

/// The sign-in form, checked before any request is sent.
#[derive(Debug)]
pub struct Credentials<'a> {
    /// The admin's email.
    pub email: &'a str,
    /// The admin's password.
    pub password: &'a Secret,
}

/// Signs in to `server`. Empty or malformed fields are refused locally (`field` names them);
/// wrong credentials come back as `unauthorized`, an address that is not a partner API as
/// `not_a_partner_api`, an unreachable one as `network` or `timeout`.
#[tracing::instrument(skip(credentials), fields(server = %server.base_url()))]
pub async fn sign_in(
    server: ServerConfig,
    credentials: Credentials<'_>,
    user_agent: &str,
) -> Result<Connection> {
    let email = credentials.email.trim();
    if email.is_empty() {
        return Err(Error::invalid("email", "Enter your email address"));
    }
    if !email.contains('@') || email.chars().any(char::is_whitespace) {
        return Err(Error::invalid("email", "This is not an email address"));
    }
    if credentials.password.is_empty() {
        return Err(Error::invalid("password", "Enter your password"));
    }
    let client = Client::new(server, user_agent)?;
    let reply = client.create_session(email, credentials.password).await?;
    let created = reply.data;
    let view = SessionView {
        server: ServerView {
            kind: client.server().kind(),
            base_url: client.server().base_url(),
        },
        partner: created.partner,
        admin: created.admin,
        expires_at: created.expires_at,
    };
    tracing::info!(partner = %view.partner.id, admin = %view.admin.id, request_id = ?reply.request_id, "signed in");
    Ok(Connection {
        client,
        token: created.token,
        view,
    })
}

impl Connection {
    /// What the UI shows about this session.
    pub fn view(&self) -> &SessionView {
        &self.view
    }

    /// The client bound to this session's server.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The client and token for a portal call, or [`Error::SessionExpired`] without a request
    /// when the session ran out by `now`.
    pub(crate) fn live(&self, now: OffsetDateTime) -> Result<(&Client, &Secret)> {
        if self.is_expired(now) {
            return Err(Error::SessionExpired { request_id: None });
        }
        Ok((&self.client, &self.token))
    }

    /// Whether the session has run out at `now` (the clock is passed in).
    pub fn is_expired(&self, now: OffsetDateTime) -> bool {
        now >= self.view.expires_at.0
    }

    /// Signs out on the server. A session the server already ended counts as signed out; on
    /// any other error the session may still be live, so the caller keeps it to retry.
    pub async fn sign_out(&self) -> Result<()> {
        match self.client.delete_session(&self.token).await {
            Ok(_) | Err(Error::SessionExpired { .. }) => {
                tracing::info!(admin = %self.view.admin.id, "signed out");
                Ok(())
            }
            Err(other) => Err(other),
        }
    }
}
