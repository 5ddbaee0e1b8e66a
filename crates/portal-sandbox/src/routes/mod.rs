//! The routes of both APIs. Each resource module owns its `router()`.

mod me;
mod sessions;

use axum::Router;

use crate::AppState;

/// The portal API, mounted at `/api/portal/v1`.
pub fn portal() -> Router<AppState> {
    Router::new().merge(sessions::router())
}

/// The partner API, mounted at `/api/partner/v1`.
pub fn partner() -> Router<AppState> {
    Router::new().merge(me::router())
}
