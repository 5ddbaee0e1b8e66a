//! `GET /openapi.json`: the OpenAPI 3 document of both APIs, generated from the code (each
//! handler's `#[utoipa::path]` and each wire type's `ToSchema`).

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The document's fixed parts; paths are collected from the routers.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Peeker partner API and portal API (Partner Portal sandbox)",
        description = "The partner API (`/api/partner/v1`, bearer API keys) and the portal API \
                       (`/api/portal/v1`, bearer session tokens) as served by the sandbox. \
                       Every response carries a `Peeker-Request-Id` header.",
    ),
    modifiers(&Security),
    tags(
        (name = "partner", description = "The partner API: bearer `pk_live_…` / `pk_test_…` keys"),
        (name = "portal", description = "Key management: bearer `ps_…` session tokens"),
    )
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let bearer = |description: &str| {
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(description))
                    .build(),
            )
        };
        components.add_security_scheme("partner_key", bearer("An API key, pk_live_… or pk_test_…"));
        components.add_security_scheme(
            "portal_session",
            bearer("A session token from POST /sessions"),
        );
    }
}
