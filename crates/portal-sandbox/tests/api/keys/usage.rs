//! `GET /api_keys/{id}/usage`.

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::*;

async fn usage(s: &Sandbox, token: &str, id: &str, query: &str) -> Value {
    let answer = get(s, &format!("{KEYS}/{id}/usage{query}"), token).await;
    assert_eq!(
        answer.status,
        StatusCode::OK,
        "usage{query}: {}",
        answer.body
    );
    answer.body
}

fn counts(body: &Value) -> Vec<i64> {
    body["data"]["buckets"]
        .as_array()
        .expect("buckets")
        .iter()
        .map(|b| b["count"].as_i64().expect("count"))
        .collect()
}

fn starts(body: &Value) -> (Value, Value) {
    let buckets = body["data"]["buckets"].as_array().expect("buckets");
    (
        buckets[0]["start"].clone(),
        buckets[buckets.len() - 1]["start"].clone(),
    )
}

#[tokio::test]
async fn an_unused_key_has_empty_24_hourly_buckets_and_a_null_last_used_at() {
    let s = sandbox();
    let a = admin(&s).await;
    let (id, _) = new_key(&s, &a.token, "idle", "test").await;
    s.clock.advance(25 * 60);
    let body = usage(&s, &a.token, &id, "").await;
    assert_eq!(body["data"]["window"], "24h", "the default window");
    assert_eq!(counts(&body), vec![0; 24]);
    assert_eq!(body["data"]["total"], 0);
    assert_eq!(
        body["data"].get("last_used_at"),
        Some(&Value::Null),
        "last_used_at is one of the nullable fields: present and null"
    );
    assert_eq!(
        starts(&body),
        (json!("2026-11-19T11:00:00Z"), json!("2026-11-20T10:00:00Z")),
        "UTC-aligned hours, oldest first, the last one the current one"
    );
}

#[tokio::test]
async fn requests_are_counted_in_utc_aligned_buckets_of_each_window() {
    let s = sandbox();
    let a = admin(&s).await;
    let (id, secret) = new_key(&s, &a.token, "busy", "live").await;
    let (other, other_secret) = new_key(&s, &a.token, "other", "live").await;
    for _ in 0..3 {
        assert_eq!(me(&s, &secret).await, StatusCode::OK);
    }
    me(&s, &other_secret).await;
    s.clock.advance(5 * 60 + 30);
    for _ in 0..2 {
        me(&s, &secret).await;
    }

    let hour = usage(&s, &a.token, &id, "?window=1h").await;
    same_shape(&fixture("usage"), &hour).expect("usage as in API.md");
    assert_eq!(hour["data"]["window"], "1h");
    let c = counts(&hour);
    assert_eq!(c.len(), 60, "60 one-minute buckets");
    assert_eq!(
        (c[54], c[59]),
        (3, 2),
        "10:00 and 10:05 (the current minute)"
    );
    assert_eq!(
        c.iter().sum::<i64>(),
        5,
        "nothing else, and no other key's requests"
    );
    assert_eq!(hour["data"]["total"], 5);
    assert_eq!(
        starts(&hour),
        (json!("2026-11-20T09:06:00Z"), json!("2026-11-20T10:05:00Z"))
    );
    assert_eq!(hour["data"]["last_used_at"], "2026-11-20T10:05:30Z");

    let day = usage(&s, &a.token, &id, "?window=24h").await;
    assert_eq!(counts(&day)[23], 5, "the current hour");
    let month = usage(&s, &a.token, &id, "?window=30d").await;
    assert_eq!(counts(&month).len(), 30, "30 daily buckets");
    assert_eq!(counts(&month)[29], 5, "today");
    assert_eq!(
        starts(&month),
        (json!("2026-10-22T00:00:00Z"), json!("2026-11-20T00:00:00Z"))
    );

    s.clock.advance(2 * 3600);
    let hour = usage(&s, &a.token, &id, "?window=1h").await;
    assert_eq!(hour["data"]["total"], 0, "older than the last hour");
    assert_eq!(hour["data"]["last_used_at"], "2026-11-20T10:05:30Z", "kept");
    let day = usage(&s, &a.token, &id, "?window=24h").await;
    assert_eq!(
        (counts(&day)[21], counts(&day)[23]),
        (5, 0),
        "10:00 is two hours back"
    );
    s.clock.advance(86_400);
    let a = admin(&s).await; // sessions last 12 h
    let month = usage(&s, &a.token, &id, "?window=30d").await;
    assert_eq!(
        (counts(&month)[28], counts(&month)[29]),
        (5, 0),
        "yesterday"
    );
    s.clock.advance(30 * 86_400);
    let a = admin(&s).await;
    assert_eq!(
        usage(&s, &a.token, &id, "?window=30d").await["data"]["total"],
        0
    );
    let other_usage = usage(&s, &a.token, &other, "?window=30d").await;
    assert_eq!(other_usage["data"]["total"], 0, "each key counts its own");
}

#[tokio::test]
async fn rate_limited_requests_are_counted_too() {
    let s = sandbox();
    let a = admin(&s).await;
    let (id, secret) = new_key(&s, &a.token, "hammered", "test").await;
    for i in 0..600 {
        assert_eq!(
            me(&s, &secret).await,
            StatusCode::OK,
            "request {i} is within the burst"
        );
    }
    assert_eq!(
        me(&s, &secret).await,
        StatusCode::TOO_MANY_REQUESTS,
        "the 601st is over"
    );
    let body = usage(&s, &a.token, &id, "?window=1h").await;
    assert_eq!(
        body["data"]["total"], 601,
        "the 429 counts as a use of the key"
    );
    s.rate_clock.advance(std::time::Duration::from_secs(60));
    assert_eq!(me(&s, &secret).await, StatusCode::OK, "the bucket refills");
}

#[tokio::test]
async fn a_bad_window_is_400_and_another_partners_key_is_404() {
    let s = sandbox();
    let a = admin(&s).await;
    let (id, _) = new_key(&s, &a.token, "w", "test").await;
    for (q, field) in [
        ("window=7d", "window"),
        ("window=1H", "window"),
        ("window=", "window"),
        ("window=1h&window=24h", "window"),
        ("from=yesterday", "from"),
    ] {
        assert_invalid(
            &get(&s, &format!("{KEYS}/{id}/usage?{q}"), &a.token).await,
            field,
            q,
        );
    }
    let theirs = other_partners_key(&s);
    let answer = get(&s, &format!("{KEYS}/{}/usage", theirs.id), &a.token).await;
    assert_error(
        &answer,
        StatusCode::NOT_FOUND,
        "not_found",
        "another partner's key",
    );
    let bad = get(
        &s,
        &format!("{KEYS}/{}/usage?window=2h", theirs.id),
        &a.token,
    )
    .await;
    assert_invalid(&bad, "window", "400 comes before 404");
}
