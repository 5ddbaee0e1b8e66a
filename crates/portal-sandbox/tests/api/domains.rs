//! The domains endpoints of the partner API (API.md §2, §5).

mod availability;
mod forwarding;
mod jobs;
mod list;
mod openapi;
mod scope;
mod stats;

use std::time::Duration;

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::support::*;

/// 2026-01-01T00:00:00Z: rows inserted by these tests are dated from here.
pub const T0: i64 = 1_767_225_600;
/// `GET /domains`
pub const DOMAINS: &str = "/api/partner/v1/domains";
/// `POST /domains/forwarding`
pub const FORWARDING: &str = "/api/partner/v1/domains/forwarding";
/// A forwarding URL.
pub const URL: &str = "https://acme.example/welcome";

/// The data set of the filter tests: two customers, inventory, every status, both providers,
/// and a live-environment twin that a test key must never see.
pub struct World {
    pub ann: String,
    pub inventory: String,
    pub ann_active: String,
    pub ann_failed: String,
    pub bob_active: String,
    pub bob_waiting: String,
}

/// Clears the sandbox's customers and domains and inserts the [`World`].
pub fn world(s: &Sandbox) -> World {
    clear_customers(s);
    let ann = insert_user(s, "test", "ann@example.com", None, "active", T0);
    let bob = insert_user(s, "test", "bob@example.com", None, "active", T0);
    let live_ann = insert_user(s, "live", "ann@example.com", None, "active", T0);
    let mut inventory = DomainRow::inventory("test", "stock.com", T0 + 1);
    inventory.usable_for = 1;
    let mut ann_active =
        DomainRow::connected("test", "ann-a.com", &ann, "active", "google", T0 + 2);
    ann_active.usable_for = 3;
    insert_domain(
        s,
        &DomainRow::connected("live", "ann-live.com", &live_ann, "active", "google", T0),
    );
    World {
        inventory: insert_domain(s, &inventory),
        ann_active: insert_domain(s, &ann_active),
        ann_failed: insert_domain(
            s,
            &DomainRow::connected("test", "ann-f.com", &ann, "failed", "microsoft", T0 + 3),
        ),
        bob_active: insert_domain(
            s,
            &DomainRow::connected("test", "bob-a.com", &bob, "active", "microsoft", T0 + 4),
        ),
        bob_waiting: insert_domain(
            s,
            &DomainRow::connected(
                "test",
                "bob-w.com",
                &bob,
                "action_required",
                "google",
                T0 + 5,
            ),
        ),
        ann,
    }
}

/// Polls the job until it is no longer in progress (the sandbox finishes jobs in about half a
/// second; the contract allows a couple of seconds).
pub async fn finished(s: &Sandbox, bearer: &str, id: &str) -> Value {
    for _ in 0..100 {
        let answer = get(s, &format!("{FORWARDING}/{id}"), bearer).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        if answer.body["data"]["status"] != "in_progress" {
            return answer.body;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the job {id} did not finish within 5 seconds");
}

/// Starts a forwarding job; asserts the 202 and returns the answer's body.
pub async fn start(s: &Sandbox, bearer: &str, domains: &[&str], url: &str) -> Value {
    let body = json!({ "domains": domains, "forwarding_url": url });
    let answer = post_json(s, FORWARDING, bearer, &body).await;
    assert_eq!(answer.status, StatusCode::ACCEPTED, "{}", answer.body);
    answer.body
}

/// A domain's `forwarding_url`, read from the database.
pub fn forwarding_url_of(s: &Sandbox, id: &str) -> Option<String> {
    let id = id.to_owned();
    s.db.blocking(move |c| {
        c.query_row(
            "SELECT forwarding_url FROM domains WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
    })
    .expect("db")
    .expect("row")
}
