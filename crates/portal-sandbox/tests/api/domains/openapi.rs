//! The domains and users operations are in `GET /openapi.json`, as served.

use axum::body::Body;
use axum::http::{Method, StatusCode};
use serde_json::Value;

use crate::support::*;

#[tokio::test]
async fn the_document_describes_every_domains_and_users_operation() {
    let s = sandbox();
    let answer = s
        .send(Method::GET, "/openapi.json", None, Body::empty())
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    let doc = &answer.body;
    let operations = [
        (
            "/api/partner/v1/domains",
            "get",
            "list_domains",
            &["400", "401", "429"][..],
        ),
        (
            "/api/partner/v1/domains/stats",
            "get",
            "get_domain_stats",
            &["400", "401"],
        ),
        (
            "/api/partner/v1/domains/{id}",
            "get",
            "get_domain",
            &["401", "404"],
        ),
        (
            "/api/partner/v1/domains/availability",
            "post",
            "check_domain_availability",
            &["400", "401", "403", "413", "429"],
        ),
        (
            "/api/partner/v1/domains/forwarding",
            "post",
            "start_domain_forwarding",
            &["202", "400", "401", "403", "413", "429"],
        ),
        (
            "/api/partner/v1/domains/forwarding/{id}",
            "get",
            "get_forwarding_job",
            &["401", "404"],
        ),
        (
            "/api/partner/v1/users",
            "get",
            "list_users",
            &["400", "401", "429"],
        ),
    ];
    for (path, method, id, statuses) in operations {
        let op = &doc["paths"][path][method];
        assert_eq!(op["operationId"], id, "{method} {path} is documented");
        assert!(
            op["security"][0]["partner_key"].is_array(),
            "{method} {path} needs a key"
        );
        for status in statuses {
            assert!(
                op["responses"][status].is_object(),
                "{method} {path} lists its {status}"
            );
        }
    }
    let ids: Vec<&str> = doc["paths"]
        .as_object()
        .expect("paths")
        .values()
        .flat_map(|item| item.as_object().expect("operations").values())
        .filter_map(|op| op["operationId"].as_str())
        .collect();
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "operationIds are unique: {ids:?}");

    let params = doc["paths"]["/api/partner/v1/domains"]["get"]["parameters"]
        .as_array()
        .expect("query parameters");
    let names: Vec<&str> = params.iter().filter_map(|p| p["name"].as_str()).collect();
    for name in [
        "category",
        "user_id",
        "user_email",
        "usable_for",
        "status",
        "per_page",
        "page_token",
    ] {
        assert!(
            names.contains(&name),
            "GET /domains documents {name}: {names:?}"
        );
    }
    let domain = &doc["components"]["schemas"]["Domain"];
    let required: Vec<&str> = domain["required"]
        .as_array()
        .expect("required")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for field in [
        "id",
        "domain",
        "category",
        "status",
        "usable_for",
        "created_at",
    ] {
        assert!(
            required.contains(&field),
            "Domain.{field} is required: {required:?}"
        );
    }
    for field in [
        "provider",
        "user_id",
        "order_id",
        "forwarding_url",
        "created_unix",
    ] {
        assert!(!required.contains(&field), "Domain.{field} is not required");
    }
    assert!(
        domain["properties"]["created_unix"].is_null(),
        "internal fields stay out"
    );
}
