//! `POST /domains/forwarding` and its outcome.

use axum::http::StatusCode;
use serde_json::json;

use super::{FORWARDING, T0, URL, finished, forwarding_url_of, start};
use crate::support::*;

#[tokio::test]
async fn only_full_keys_may_start_a_job_and_403_comes_before_input_checks() {
    let s = sandbox();
    for preset in ["read", "limited"] {
        let key = s.key("test", preset);
        for body in [
            json!({ "domains": ["a.com"], "forwarding_url": URL }),
            json!({}),
        ] {
            let answer = post_json(&s, FORWARDING, &key.secret, &body).await;
            assert_eq!(
                answer.status,
                StatusCode::FORBIDDEN,
                "{preset}: {}",
                answer.body
            );
            assert_eq!(
                answer.body["error"]["message"],
                "API key does not have permission for domain_forwarding"
            );
        }
    }
}

#[tokio::test]
async fn bad_bodies_name_the_field() {
    let s = sandbox();
    let key = s.key("test", "full");
    let many: Vec<String> = (0..26).map(|i| format!("d{i}.com")).collect();
    let cases = [
        (json!({ "forwarding_url": URL }), "domains"),
        (json!({ "domains": [], "forwarding_url": URL }), "domains"),
        (json!({ "domains": many, "forwarding_url": URL }), "domains"),
        (
            json!({ "domains": ["a.com", 1], "forwarding_url": URL }),
            "domains",
        ),
        (
            json!({ "domains": ["a.com", "  "], "forwarding_url": URL }),
            "domains",
        ),
        (json!({ "domains": ["a.com"] }), "forwarding_url"),
        (
            json!({ "domains": ["a.com"], "forwarding_url": 5 }),
            "forwarding_url",
        ),
        (
            json!({ "domains": ["a.com"], "forwarding_url": "http://acme.example" }),
            "forwarding_url",
        ),
        (
            json!({ "domains": ["a.com"], "forwarding_url": "acme.example/x" }),
            "forwarding_url",
        ),
        (
            json!({ "domains": ["a.com"], "forwarding_url": "https://" }),
            "forwarding_url",
        ),
        (
            json!({ "domains": ["a.com"], "forwarding_url": "https://a b.com" }),
            "forwarding_url",
        ),
        (
            json!({ "domains": ["a.com"], "forwarding_url": URL, "mode": 301 }),
            "mode",
        ),
    ];
    for (body, field) in cases {
        assert_invalid(
            &post_json(&s, FORWARDING, &key.secret, &body).await,
            field,
            &body.to_string(),
        );
    }
}

#[tokio::test]
async fn a_job_resolves_each_entry_and_sets_the_url_on_active_connected_domains() {
    let s = sandbox();
    clear_customers(&s);
    let key = s.key("test", "full");
    let ann = insert_user(&s, "test", "ann@example.com", None, "active", T0);
    let by_id = insert_domain(
        &s,
        &DomainRow::connected("test", "ann-a.com", &ann, "active", "google", T0),
    );
    let by_name = insert_domain(
        &s,
        &DomainRow::connected("test", "ann-b.com", &ann, "active", "microsoft", T0),
    );
    let failed = insert_domain(
        &s,
        &DomainRow::connected("test", "ann-f.com", &ann, "failed", "google", T0),
    );
    let stock = insert_domain(&s, &DomainRow::inventory("test", "stock.com", T0));
    let live = insert_domain(&s, &DomainRow::inventory("live", "live.com", T0));

    let entries = [
        by_id.as_str(),
        " ANN-B.com ",
        "ann-f.com",
        stock.as_str(),
        "nowhere.com",
        live.as_str(),
        "ann-a.com",
    ];
    let started = start(&s, &key.secret, &entries, URL).await;
    same_shape(&fixture("forwarding_job_started"), &started).expect("202 as in API.md");
    let job = &started["data"];
    assert_eq!(job["status"], "in_progress");
    assert!(job["id"].as_str().is_some_and(|id| id.starts_with("fwj_")));
    assert_eq!(job["forwarding_url"], URL);
    assert!(
        job.get("completed_at").is_none(),
        "absent while in progress"
    );

    let done = finished(&s, &key.secret, job["id"].as_str().expect("id")).await;
    same_shape(&fixture("forwarding_job"), &done).expect("a finished job as in API.md");
    let done = &done["data"];
    assert_eq!(done["status"], "partial_success", "{done}");
    assert_eq!(
        done["completed"],
        json!(["ann-a.com", "ann-b.com"]),
        "a domain named twice counts once"
    );
    assert_eq!(
        done["failed"],
        json!([
            { "domain": "ann-f.com", "reason": "not_active" },
            { "domain": "stock.com", "reason": "not_connected" },
            { "domain": "nowhere.com", "reason": "not_found" },
            { "domain": live, "reason": "not_found" },
        ]),
        "another environment's domain is not found"
    );
    assert_eq!(done["completed_count"], 2);
    assert_eq!(done["failed_count"], 4);
    assert!(done["completed_at"].is_string());
    assert_eq!(done["id"], job["id"]);
    assert_eq!(forwarding_url_of(&s, &by_id).as_deref(), Some(URL));
    assert_eq!(forwarding_url_of(&s, &by_name).as_deref(), Some(URL));
    assert_eq!(
        forwarding_url_of(&s, &failed),
        None,
        "a failed entry is left alone"
    );
    assert_eq!(forwarding_url_of(&s, &stock), None);
    let domain = get(&s, &format!("/api/partner/v1/domains/{by_id}"), &key.secret).await;
    assert_eq!(
        domain.body["data"]["forwarding_url"], URL,
        "the domain shows its new URL"
    );
}

#[tokio::test]
async fn the_outcome_is_completed_failed_or_partial_and_repeating_a_job_is_harmless() {
    let s = sandbox();
    clear_customers(&s);
    let key = s.key("live", "full");
    let ann = insert_user(&s, "live", "ann@example.com", None, "active", T0);
    let active = insert_domain(
        &s,
        &DomainRow::connected("live", "ok.com", &ann, "active", "google", T0),
    );
    insert_domain(
        &s,
        &DomainRow::connected("live", "wait.com", &ann, "in_progress", "google", T0),
    );

    for (entries, status) in [
        (vec!["ok.com"], "completed"),
        (vec!["ok.com"], "completed"),
        (vec!["wait.com", "gone.com"], "failed"),
        (vec!["ok.com", "wait.com"], "partial_success"),
    ] {
        let started = start(&s, &key.secret, &entries, "https://next.example/").await;
        let done = finished(&s, &key.secret, started["data"]["id"].as_str().expect("id")).await;
        assert_eq!(
            done["data"]["status"], status,
            "{entries:?}: {}",
            done["data"]
        );
    }
    assert_eq!(
        forwarding_url_of(&s, &active).as_deref(),
        Some("https://next.example/")
    );
}
