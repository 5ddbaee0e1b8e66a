//! The key and audit endpoints are in `GET /openapi.json`, as served.

use std::collections::HashSet;

use axum::body::Body;
use axum::http::{Method, StatusCode};

use crate::support::*;

#[tokio::test]
async fn the_document_describes_every_key_and_audit_operation() {
    let s = sandbox();
    let answer = s
        .send(Method::GET, "/openapi.json", None, Body::empty())
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    let doc = &answer.body;
    let operations = [
        ("/api/portal/v1/api_keys", "get", "list_api_keys"),
        ("/api/portal/v1/api_keys", "post", "create_api_key"),
        ("/api/portal/v1/api_keys/{id}", "get", "get_api_key"),
        (
            "/api/portal/v1/api_keys/{id}/revoke",
            "post",
            "revoke_api_key",
        ),
        (
            "/api/portal/v1/api_keys/{id}/rotate",
            "post",
            "rotate_api_key",
        ),
        (
            "/api/portal/v1/api_keys/{id}/usage",
            "get",
            "get_api_key_usage",
        ),
        ("/api/portal/v1/audit_events", "get", "list_audit_events"),
    ];
    for (path, method, id) in operations {
        let op = &doc["paths"][path][method];
        assert_eq!(op["operationId"], id, "{method} {path} is documented");
        assert!(
            op["responses"]["401"].is_object(),
            "{method} {path} lists its 401"
        );
        assert!(
            op["security"][0]["portal_session"].is_array(),
            "{method} {path} needs a session"
        );
    }
    let mut seen = HashSet::new();
    for (_, item) in doc["paths"].as_object().expect("paths") {
        for (_, op) in item.as_object().expect("operations") {
            if let Some(id) = op["operationId"].as_str() {
                let ours = operations.iter().any(|(_, _, o)| *o == id);
                assert!(
                    !ours || seen.insert(id.to_owned()),
                    "operationId {id} is unique"
                );
            }
        }
    }
    let schemas = &doc["components"]["schemas"];
    let required = |name: &str| -> Vec<String> {
        let list = schemas[name]["required"].as_array().expect("required");
        list.iter()
            .map(|v| v.as_str().expect("name").to_owned())
            .collect()
    };
    for field in ["actor", "request_id"] {
        assert!(
            required("AuditEvent").contains(&field.to_owned()),
            "{field} is nullable, not optional"
        );
    }
    assert!(required("Usage").contains(&"last_used_at".to_owned()));
    assert!(
        !required("ApiKey").contains(&"expires_at".to_owned()),
        "optional fields are optional"
    );
}
