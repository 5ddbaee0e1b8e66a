//! `GET /api_keys`: order, filters, paging.

use std::collections::HashSet;

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::*;

#[tokio::test]
async fn lists_the_partners_keys_newest_first_in_the_list_envelope() {
    let s = sandbox();
    let a = admin(&s).await;
    other_partners_key(&s);
    let mut created = Vec::new();
    for i in 0..3 {
        created.push(new_key(&s, &a.token, &format!("k{i}"), "test").await.0);
        s.clock.advance(1);
    }
    let answer = get(&s, KEYS, &a.token).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    same_shape(&fixture("keys_list"), &answer.body).expect("GET /api_keys as in API.md");
    created.reverse();
    assert_eq!(
        ids_of(&answer),
        created,
        "newest first, no other partner's key"
    );
    assert_eq!(answer.body["links"]["next"], Value::Null, "one page only");
    assert_eq!(answer.body["meta"]["per_page"], 25, "default per_page");
    let first = answer.body["links"]["first"].as_str().expect("first");
    assert!(
        first.starts_with("http://") && first.contains("/api/portal/v1/api_keys?"),
        "{first}"
    );
}

#[tokio::test]
async fn keys_created_in_the_same_second_are_ordered_by_id_descending() {
    let s = sandbox();
    let a = admin(&s).await;
    let mut created = Vec::new();
    for i in 0..5 {
        created.push(new_key(&s, &a.token, &format!("tie {i}"), "live").await.0);
    }
    created.sort();
    created.reverse();
    let answer = get(&s, &format!("{KEYS}?per_page=2"), &a.token).await;
    assert_eq!(ids_of(&answer), created[..2].to_vec());
    let first = path_of(&answer.body["links"]["first"]);
    assert_eq!(
        all_pages(&s, &first, &a.token).await,
        created,
        "ties stay ordered across pages"
    );
}

#[tokio::test]
async fn filters_by_environment_and_derived_status() {
    let s = sandbox();
    let a = admin(&s).await;
    let (live, _) = new_key(&s, &a.token, "live one", "live").await;
    let (active, _) = new_key(&s, &a.token, "active", "test").await;
    let (revoked, _) = new_key(&s, &a.token, "revoked", "test").await;
    let soon = json!({ "label": "expiring", "environment": "test", "permission_preset": "read",
                       "expires_at": "2026-11-20T10:00:30Z" });
    let (expiring, _) = create_ok(&s, &a.token, soon).await;
    let expiring = expiring["id"].as_str().expect("id").to_owned();
    let answer = post(&s, &format!("{KEYS}/{revoked}/revoke"), &a.token, json!({})).await;
    assert_eq!(answer.status, StatusCode::OK);
    let set = |answer: &Answer| ids_of(answer).into_iter().collect::<HashSet<_>>();
    let query = |q: &str| format!("{KEYS}?{q}");

    let before = get(&s, &query("status=active"), &a.token).await;
    assert!(
        set(&before).contains(&expiring),
        "active until its expires_at"
    );
    s.clock.advance(30);
    let cases = [
        ("environment=live", vec![&live]),
        ("environment=test", vec![&active, &revoked, &expiring]),
        ("status=active", vec![&live, &active]),
        ("status=revoked", vec![&revoked]),
        ("status=expired", vec![&expiring]),
        ("environment=test&status=active", vec![&active]),
        ("environment=live&status=expired", vec![]),
    ];
    for (q, expected) in cases {
        let answer = get(&s, &query(q), &a.token).await;
        assert_eq!(answer.status, StatusCode::OK, "{q}: {}", answer.body);
        let expected: HashSet<String> = expected.into_iter().cloned().collect();
        assert_eq!(set(&answer), expected, "{q}");
        for key in answer.body["data"].as_array().expect("data") {
            if let Some(status) = q.split("status=").nth(1) {
                assert_eq!(key["status"], status, "status is derived the same way");
            }
        }
    }
}

#[tokio::test]
async fn pages_cover_every_key_once_and_links_carry_the_filters() {
    let s = sandbox();
    let a = admin(&s).await;
    let mut created = Vec::new();
    for i in 0..7 {
        created.push(new_key(&s, &a.token, &format!("p{i}"), "test").await.0);
        new_key(&s, &a.token, &format!("p{i}"), "live").await;
        s.clock.advance(1);
    }
    created.reverse();
    let answer = get(&s, &format!("{KEYS}?environment=test&per_page=3"), &a.token).await;
    let next = answer.body["links"]["next"].as_str().expect("a next page");
    assert!(
        next.contains("environment=test") && next.contains("per_page=3"),
        "{next}"
    );
    assert!(next.contains("page_token="), "{next}");
    let first = path_of(&answer.body["links"]["first"]);
    let seen = all_pages(&s, &first, &a.token).await;
    assert_eq!(seen, created, "every test key exactly once, in order");

    // A key created while paging (newer than everything) does not shift later pages.
    let page1 = get(&s, &format!("{KEYS}?environment=test&per_page=3"), &a.token).await;
    s.clock.advance(5);
    new_key(&s, &a.token, "late", "test").await;
    let next = page1.body["links"]["next"]
        .as_str()
        .expect("next")
        .replace(&format!("http://{AUTHORITY}"), "");
    let next = next.replace("per_page=3", "per_page=4");
    let page2 = get(&s, &next, &a.token).await;
    assert_eq!(
        page2.status,
        StatusCode::OK,
        "per_page may change between pages"
    );
    assert_eq!(
        ids_of(&page2),
        created[3..7].to_vec(),
        "stable under inserts"
    );
}

#[tokio::test]
async fn bad_queries_name_the_parameter() {
    let s = sandbox();
    let a = admin(&s).await;
    for i in 0..3 {
        new_key(&s, &a.token, &format!("q{i}"), "test").await;
    }
    let page1 = get(&s, &format!("{KEYS}?environment=test&per_page=1"), &a.token).await;
    let next = page1.body["links"]["next"]
        .as_str()
        .expect("next")
        .to_owned();
    let token = next.split("page_token=").nth(1).expect("token").to_owned();
    let mut tampered = token.clone();
    let last = tampered.pop().expect("non-empty");
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    let cases = [
        ("status=paused", "status"),
        ("environment=prod", "environment"),
        ("per_page=0", "per_page"),
        ("per_page=101", "per_page"),
        ("per_page=ten", "per_page"),
        ("colour=red", "colour"),
        ("status=active&status=revoked", "status"),
        ("environment=", "environment"),
        ("page_token=", "page_token"),
        ("page_token=garbage", "page_token"),
    ];
    for (q, field) in cases {
        assert_invalid(&get(&s, &format!("{KEYS}?{q}"), &a.token).await, field, q);
    }
    let with = |q: String| format!("{KEYS}?{q}");
    let other_filters = get(
        &s,
        &with(format!("environment=live&page_token={token}")),
        &a.token,
    )
    .await;
    assert_invalid(
        &other_filters,
        "page_token",
        "a token of another filter set",
    );
    let no_filters = get(&s, &with(format!("page_token={token}")), &a.token).await;
    assert_invalid(&no_filters, "page_token", "a token of another filter set");
    let altered = get(
        &s,
        &with(format!("environment=test&page_token={tampered}")),
        &a.token,
    )
    .await;
    assert_invalid(&altered, "page_token", "a tampered token");
    let audit = get(
        &s,
        &format!("/api/portal/v1/audit_events?page_token={token}"),
        &a.token,
    )
    .await;
    assert_invalid(&audit, "page_token", "a token of another list");
    let good = get(
        &s,
        &with(format!("environment=test&page_token={token}")),
        &a.token,
    )
    .await;
    assert_eq!(
        good.status,
        StatusCode::OK,
        "the genuine token works: {}",
        good.body
    );
}
