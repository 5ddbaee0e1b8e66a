//! `GET /domains` and `GET /domains/{id}`: what a key sees, and the domain object.

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{Method, StatusCode};
use serde_json::Value;

use super::{DOMAINS, all_pages, world};
use crate::support::*;

#[tokio::test]
async fn environment_and_customer_scope_decide_what_a_key_sees() {
    let s = sandbox();
    let w = world(&s);
    let live = s.key("live", "full");
    let live_ids = all_pages(&s, DOMAINS, &live.secret).await;
    assert_eq!(live_ids.len(), 1, "a live key sees only live domains");
    let scoped = customer_key(&s, "test", "read", &w.ann);
    let ids: BTreeSet<String> = all_pages(&s, DOMAINS, &scoped.secret)
        .await
        .into_iter()
        .collect();
    assert_eq!(
        ids,
        BTreeSet::from([w.ann_active.clone(), w.ann_failed.clone()])
    );
    let uri = format!("{DOMAINS}?category=connected&status=active");
    let narrowed = all_pages(&s, &uri, &scoped.secret).await;
    assert_eq!(
        narrowed,
        vec![w.ann_active.clone()],
        "filters narrow the scope, never widen"
    );

    let one = |id: &str| format!("{DOMAINS}/{id}");
    let own = get(&s, &one(&w.ann_active), &scoped.secret).await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
    for (id, bearer, why) in [
        (&w.bob_active, &scoped.secret, "another customer's domain"),
        (
            &w.inventory,
            &scoped.secret,
            "an inventory domain is no customer's",
        ),
        (&w.ann_active, &live.secret, "another environment's domain"),
    ] {
        let answer = get(&s, &one(id), bearer).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{why}");
        assert_eq!(error_code(&answer), "not_found");
    }
    let key = s.key("test", "read");
    for id in [
        "dom_01JD3Q4VX2M7P8K9N0R1S2T3V4",
        "nonsense",
        "DOM_x",
        &w.ann.clone(),
    ] {
        let answer = get(&s, &one(id), &key.secret).await;
        assert_eq!(
            answer.status,
            StatusCode::NOT_FOUND,
            "{id}: unknown or malformed is 404"
        );
        assert_eq!(error_code(&answer), "not_found");
    }
}

#[tokio::test]
async fn a_domain_has_the_contract_shape() {
    let s = sandbox();
    let w = world(&s);
    let key = s.key("test", "read");
    let connected = get(&s, &format!("{DOMAINS}/{}", w.ann_active), &key.secret).await;
    same_shape(&fixture("domain_connected"), &connected.body).expect("connected, as in API.md");
    let data = &connected.body["data"];
    assert_eq!(
        data["forwarding_url"],
        Value::Null,
        "present and null until set"
    );
    assert_eq!(
        data["usable_for"],
        serde_json::json!(["google", "microsoft"])
    );
    assert_eq!(data["user_id"], w.ann.as_str());
    assert_eq!(data["provider"], "google");
    assert_eq!(data["created_at"], "2026-01-01T00:00:02Z");

    let inventory = get(&s, &format!("{DOMAINS}/{}", w.inventory), &key.secret).await;
    same_shape(&fixture("domain_inventory"), &inventory.body)
        .expect("inventory: no provider, user_id, order_id or forwarding_url, not even null");
    assert_eq!(
        inventory.body["data"]["usable_for"],
        serde_json::json!(["google"])
    );
}

#[tokio::test]
async fn every_domains_read_needs_a_valid_key() {
    let s = sandbox();
    for uri in [
        DOMAINS.to_owned(),
        format!("{DOMAINS}/stats"),
        format!("{DOMAINS}/dom_01JD3Q4VX2M7P8K9N0R1S2T3V4"),
        format!("{DOMAINS}/forwarding/fwj_01JD3Q4VX2M7P8K9N0R1S2T3V4"),
        format!("{DOMAINS}?status=paused"),
    ] {
        let answer = s.send(Method::GET, &uri, None, Body::empty()).await;
        assert_eq!(
            answer.status,
            StatusCode::UNAUTHORIZED,
            "{uri}: 401 before anything else"
        );
        assert_eq!(error_code(&answer), "unauthorized");
    }
}
