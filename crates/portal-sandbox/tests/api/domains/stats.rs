//! `GET /domains/stats`.

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::T0;
use crate::support::*;

const STATS: &str = "/api/partner/v1/domains/stats";

fn counts(total: u64, by_status: [u64; 5], by_category: [u64; 2], by_provider: [u64; 2]) -> Value {
    let [available, in_progress, active, failed, action_required] = by_status;
    json!({ "data": {
        "total": total,
        "by_status": {
            "available": available, "in_progress": in_progress, "active": active,
            "failed": failed, "action_required": action_required,
        },
        "by_category": { "inventory": by_category[0], "connected": by_category[1] },
        "by_provider": { "google": by_provider[0], "microsoft": by_provider[1] },
    }})
}

#[tokio::test]
async fn counts_by_status_category_and_provider_with_zeros_for_the_filters() {
    let s = sandbox();
    clear_customers(&s);
    let key = s.key("test", "read");
    let ann = insert_user(&s, "test", "ann@example.com", None, "active", T0);
    let bob = insert_user(&s, "test", "bob@example.com", None, "active", T0);
    for i in 0..3 {
        insert_domain(
            &s,
            &DomainRow::inventory("test", &format!("stock{i}.com"), T0 + i),
        );
    }
    let mut microsoft_stock = DomainRow::inventory("test", "ms-stock.com", T0);
    microsoft_stock.usable_for = 2;
    insert_domain(&s, &microsoft_stock);
    insert_domain(
        &s,
        &DomainRow::connected("test", "a1.com", &ann, "active", "google", T0),
    );
    insert_domain(
        &s,
        &DomainRow::connected("test", "a2.com", &ann, "active", "microsoft", T0),
    );
    insert_domain(
        &s,
        &DomainRow::connected("test", "a3.com", &ann, "in_progress", "google", T0),
    );
    insert_domain(
        &s,
        &DomainRow::connected("test", "b1.com", &bob, "action_required", "google", T0),
    );
    insert_domain(&s, &DomainRow::inventory("live", "live-stock.com", T0));

    let all = get(&s, STATS, &key.secret).await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    same_shape(&fixture("domain_stats"), &all.body).expect("stats as in API.md §5");
    assert_eq!(
        all.body,
        counts(8, [4, 1, 2, 0, 1], [4, 4], [3, 1]),
        "every value, zeros too"
    );

    let cases = [
        ("status=active", counts(2, [0, 0, 2, 0, 0], [0, 2], [1, 1])),
        (
            "category=inventory",
            counts(4, [4, 0, 0, 0, 0], [4, 0], [0, 0]),
        ),
        (
            &format!("user_id={ann}"),
            counts(3, [0, 1, 2, 0, 0], [0, 3], [2, 1]),
        ),
        (
            "user_email=BOB%40example.com",
            counts(1, [0, 0, 0, 0, 1], [0, 1], [1, 0]),
        ),
        (
            "usable_for=microsoft",
            counts(5, [4, 0, 1, 0, 0], [4, 1], [0, 1]),
        ),
        (
            "user_email=nobody%40example.com",
            counts(0, [0; 5], [0, 0], [0, 0]),
        ),
        (
            "category=inventory&status=active",
            counts(0, [0; 5], [0, 0], [0, 0]),
        ),
    ];
    for (query, expected) in cases {
        let answer = get(&s, &format!("{STATS}?{query}"), &key.secret).await;
        assert_eq!(answer.body, expected, "{query}");
    }

    let live = s.key("live", "read");
    let answer = get(&s, STATS, &live.secret).await;
    assert_eq!(
        answer.body,
        counts(1, [1, 0, 0, 0, 0], [1, 0], [0, 0]),
        "the live data set only"
    );
    let scoped = customer_key(&s, "test", "read", &bob);
    let answer = get(&s, STATS, &scoped.secret).await;
    assert_eq!(
        answer.body,
        counts(1, [0, 0, 0, 0, 1], [0, 1], [1, 0]),
        "bob's domains only"
    );
}

#[tokio::test]
async fn stats_take_the_filters_and_nothing_else() {
    let s = sandbox();
    let key = s.key("test", "read");
    for (query, field) in [
        ("per_page=10", "per_page"),
        ("page_token=abc", "page_token"),
        ("status=paused", "status"),
        ("category=all", "category"),
        ("usable_for=", "usable_for"),
        ("user_id=usr_1", "user_id"),
        ("status=active&status=active", "status"),
    ] {
        assert_invalid(
            &get(&s, &format!("{STATS}?{query}"), &key.secret).await,
            field,
            query,
        );
    }
}
