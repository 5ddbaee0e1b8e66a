//! `GET /audit_events`: newest first, paged, filtered by key; lazily recorded expiries.

use std::collections::HashSet;

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::keys::*;
use crate::support::*;

const AUDIT: &str = "/api/portal/v1/audit_events";

fn types(events: &[Value]) -> Vec<&str> {
    events
        .iter()
        .map(|e| e["type"].as_str().expect("type"))
        .collect()
}

#[tokio::test]
async fn events_are_listed_newest_first_with_actor_key_time_and_request_id() {
    let s = sandbox();
    let signed_in = s.sign_in(EMAIL, PASSWORD).await;
    let token = signed_in.body["data"]["token"]
        .as_str()
        .expect("token")
        .to_owned();
    let admin_id = signed_in.body["data"]["admin"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    s.clock.advance(1);
    let created = post(
        &s,
        KEYS,
        &token,
        json!({ "label": "a", "environment": "test",
                                                 "permission_preset": "read" }),
    )
    .await;
    let id = created.body["data"]["api_key"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    s.clock.advance(1);
    let revoked = post(&s, &format!("{KEYS}/{id}/revoke"), &token, json!({})).await;

    let answer = get(&s, AUDIT, &token).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let events = answer.body["data"].as_array().expect("data");
    assert_eq!(
        types(events),
        ["api_key.revoked", "api_key.created", "session.created"]
    );
    let expected = [
        (&revoked, Some(id.as_str()), "2026-11-20T10:00:02Z"),
        (&created, Some(id.as_str()), "2026-11-20T10:00:01Z"),
        (&signed_in, None, "2026-11-20T10:00:00Z"),
    ];
    for (event, (cause, key, at)) in events.iter().zip(expected) {
        assert!(
            event["id"]
                .as_str()
                .is_some_and(|i| i.starts_with("evt_") && i.len() == 30)
        );
        assert_eq!(
            event["actor"],
            admin_id.as_str(),
            "the admin acted: {event}"
        );
        assert_eq!(event["at"], at);
        assert_eq!(
            event["request_id"],
            request_id(cause),
            "the causing request: {event}"
        );
        match key {
            Some(key) => assert_eq!(event["api_key_id"], key),
            None => assert!(
                event.get("api_key_id").is_none(),
                "absent, never null: {event}"
            ),
        }
    }
    let filtered = get(&s, &format!("{AUDIT}?api_key_id={id}"), &token).await;
    same_shape(&fixture("audit_list"), &filtered.body).expect("GET /audit_events as in API.md");
    assert_eq!(
        types(filtered.body["data"].as_array().expect("data")),
        ["api_key.revoked", "api_key.created"]
    );
}

#[tokio::test]
async fn a_failed_sign_in_is_recorded_without_an_actor() {
    let s = sandbox();
    let failed = s.sign_in(EMAIL, "wrong").await;
    s.sign_in("nobody@example.com", "wrong").await;
    let a = admin(&s).await;
    let events = audit_events(&s, &a.token, "").await;
    let failures: Vec<_> = events
        .iter()
        .filter(|e| e["type"] == "session.failed")
        .collect();
    assert_eq!(
        failures.len(),
        1,
        "an unknown email is recorded against no partner: {events:?}"
    );
    assert_eq!(failures[0]["actor"], Value::Null, "present and null");
    assert_eq!(failures[0]["request_id"], request_id(&failed));
}

#[tokio::test]
async fn an_expiry_is_recorded_once_at_the_expiry_time_without_actor_or_request() {
    let s = sandbox();
    let a = admin(&s).await;
    let body = |label: &str| {
        json!({ "label": label, "environment": "live",
                                     "permission_preset": "full",
                                     "expires_at": "2026-11-20T10:01:00Z" })
    };
    let (expiring, _) = create_ok(&s, &a.token, body("expiring")).await;
    let (revoked_first, _) = create_ok(&s, &a.token, body("revoked first")).await;
    let (revoked_later, _) = create_ok(&s, &a.token, body("revoked later")).await;
    let id = |k: &Value| k["id"].as_str().expect("id").to_owned();
    let (expiring, revoked_first, revoked_later) =
        (id(&expiring), id(&revoked_first), id(&revoked_later));
    post(
        &s,
        &format!("{KEYS}/{revoked_first}/revoke"),
        &a.token,
        json!({}),
    )
    .await;
    assert!(
        events_of(&s, &a.token, &expiring, "api_key.expired")
            .await
            .is_empty(),
        "not expired yet"
    );
    s.clock.advance(90);
    post(
        &s,
        &format!("{KEYS}/{revoked_later}/revoke"),
        &a.token,
        json!({}),
    )
    .await;
    s.clock.advance(3600);
    for _ in 0..2 {
        let events = audit_events(&s, &a.token, "").await;
        let expired: Vec<&Value> = events
            .iter()
            .filter(|e| e["type"] == "api_key.expired")
            .collect();
        let keys: HashSet<&str> = expired
            .iter()
            .map(|e| e["api_key_id"].as_str().expect("key"))
            .collect();
        assert_eq!(
            keys,
            HashSet::from([expiring.as_str(), revoked_later.as_str()]),
            "each expired key once; a key revoked before its expiry never expired"
        );
        assert_eq!(
            expired.len(),
            2,
            "exactly once, however often the log is read"
        );
        for event in expired {
            assert_eq!(
                event["at"], "2026-11-20T10:01:00Z",
                "dated when it happened"
            );
            assert_eq!(event["actor"], Value::Null, "no one acted");
            assert_eq!(event["request_id"], Value::Null, "no request caused it");
        }
    }
    let events = audit_events(&s, &a.token, "").await;
    let position = |kind: &str, key: &str| {
        events
            .iter()
            .position(|e| e["type"] == kind && e["api_key_id"] == key)
            .expect("event")
    };
    assert!(
        position("api_key.revoked", &revoked_later) < position("api_key.expired", &revoked_later),
        "newest first by `at`: the 10:01:30 revoke before the 10:01:00 expiry"
    );
}

#[tokio::test]
async fn pages_cover_every_event_once() {
    let s = sandbox();
    let a = admin(&s).await;
    for i in 0..6 {
        let (id, _) = new_key(&s, &a.token, &format!("e{i}"), "test").await;
        if i % 2 == 0 {
            post(&s, &format!("{KEYS}/{id}/revoke"), &a.token, json!({})).await;
        }
        s.clock.advance(i % 2);
    }
    let all = audit_events(&s, &a.token, "").await;
    assert_eq!(
        all.len(),
        1 + 6 + 3,
        "a sign-in, six creations, three revocations"
    );
    let order: Vec<(String, String)> = all
        .iter()
        .map(|e| {
            (
                e["at"].as_str().expect("at").to_owned(),
                e["id"].as_str().expect("id").to_owned(),
            )
        })
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    sorted.reverse();
    assert_eq!(order, sorted, "newest first by at, then id descending");

    let mut seen = Vec::new();
    let mut next = Some(format!("{AUDIT}?per_page=3"));
    while let Some(uri) = next {
        let answer = get(&s, &uri, &a.token).await;
        assert_eq!(answer.status, StatusCode::OK, "{uri}: {}", answer.body);
        seen.extend(
            answer.body["data"]
                .as_array()
                .expect("data")
                .iter()
                .cloned(),
        );
        next = answer.body["links"]["next"]
            .as_str()
            .map(|u| u.replace(&format!("http://{AUTHORITY}"), ""));
        assert!(seen.len() <= all.len(), "paging must end");
    }
    assert_eq!(seen, all, "the pages hold every event once, in order");
}

#[tokio::test]
async fn the_key_filter_and_bad_queries() {
    let s = sandbox();
    let a = admin(&s).await;
    let (id, _) = new_key(&s, &a.token, "f", "test").await;
    new_key(&s, &a.token, "g", "test").await;
    let events = audit_events(&s, &a.token, &format!("&api_key_id={id}")).await;
    assert_eq!(types(&events), ["api_key.created"]);
    assert!(events.iter().all(|e| e["api_key_id"] == id.as_str()));
    let unknown = audit_events(&s, &a.token, "&api_key_id=key_01JD3Q4VX2M7P8K9N0R1S2T3U4").await;
    assert!(
        unknown.is_empty(),
        "a well-formed id that matches nothing: an empty list"
    );
    let theirs = other_partners_key(&s);
    assert!(
        audit_events(&s, &a.token, &format!("&api_key_id={}", theirs.id))
            .await
            .is_empty()
    );
    for (q, field) in [
        ("api_key_id=dom_01JD3Q4VX2M7P8K9N0R1S2T3U4", "api_key_id"),
        ("api_key_id=", "api_key_id"),
        ("per_page=0", "per_page"),
        ("type=api_key.created", "type"),
        ("page_token=x.y", "page_token"),
    ] {
        assert_invalid(&get(&s, &format!("{AUDIT}?{q}"), &a.token).await, field, q);
    }
    let page = get(&s, &format!("{AUDIT}?per_page=1&api_key_id={id}"), &a.token).await;
    assert_eq!(
        page.body["links"]["next"],
        Value::Null,
        "one event for this key"
    );
    let page = get(&s, &format!("{AUDIT}?per_page=1"), &a.token).await;
    let next = page.body["links"]["next"].as_str().expect("next");
    let token = next.split("page_token=").nth(1).expect("token");
    let moved = get(
        &s,
        &format!("{AUDIT}?api_key_id={id}&page_token={token}"),
        &a.token,
    )
    .await;
    assert_invalid(&moved, "page_token", "a token of another filter set");
}
