//! The routes of both APIs. Each resource module owns its `router()`, an [`OpenApiRouter`] that
//! also collects the module's OpenAPI paths.

mod audit;
mod domains;
mod keys;
mod me;
mod sessions;
mod users;

use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

/// The portal API, mounted at `/api/portal/v1`.
pub fn portal() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(sessions::router())
        .merge(keys::router())
        .merge(audit::router())
}

/// The partner API, mounted at `/api/partner/v1`.
pub fn partner() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(me::router())
        .merge(domains::router())
        .merge(users::router())
}
