//! `GET /domains`: order, paging and filters.

use std::collections::BTreeSet;

use axum::http::StatusCode;

use super::{DOMAINS, T0, all_pages, world};
use crate::support::*;

#[tokio::test]
async fn pages_newest_first_with_ties_by_id_and_loses_nothing() {
    let s = sandbox();
    clear_customers(&s);
    let key = s.key("test", "read");
    // Three rows share one second, so the order among them is decided by id.
    let mut expected: Vec<(i64, String)> = [0, 50, 50, 50, 100, 200, 300]
        .iter()
        .enumerate()
        .map(|(i, dt)| {
            let row = DomainRow::inventory("test", &format!("stock{i}.com"), T0 + dt);
            (T0 + dt, insert_domain(&s, &row))
        })
        .collect();
    expected.sort_by(|a, b| b.cmp(a));
    let expected: Vec<String> = expected.into_iter().map(|(_, id)| id).collect();

    let first = get(&s, &format!("{DOMAINS}?per_page=3"), &key.secret).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    same_shape(&fixture("domains_list"), &first.body).expect("a list page as in API.md");
    assert_eq!(first.body["meta"]["per_page"], 3);
    assert_eq!(first.body["meta"]["returned"], 3);
    assert_eq!(
        first.body["meta"]["path"],
        format!("http://{AUTHORITY}/api/partner/v1/domains")
    );
    assert_eq!(
        first.body["links"]["first"],
        format!("http://{AUTHORITY}/api/partner/v1/domains?per_page=3"),
        "links are absolute and carry per_page"
    );
    assert_eq!(
        all_pages(&s, &format!("{DOMAINS}?per_page=3"), &key.secret).await,
        expected
    );
    assert_eq!(
        all_pages(&s, &format!("{DOMAINS}?per_page=1"), &key.secret).await,
        expected
    );
    assert_eq!(
        all_pages(&s, DOMAINS, &key.secret).await,
        expected,
        "default per_page 25"
    );

    let last = get(&s, &format!("{DOMAINS}?per_page=7"), &key.secret).await;
    assert_eq!(ids_of(&last), expected);
    assert!(
        last.body["links"]["next"].is_null(),
        "the last page's next is null"
    );

    // per_page may change between pages: the token is not bound to it.
    let next = path_of(&first.body["links"]["next"]).replace("per_page=3", "per_page=100");
    let rest = get(&s, &next, &key.secret).await;
    assert_eq!(
        ids_of(&rest),
        expected[3..],
        "the rest, from where page one stopped"
    );
}

#[tokio::test]
async fn paging_is_stable_under_inserts() {
    let s = sandbox();
    clear_customers(&s);
    let key = s.key("test", "read");
    let old: Vec<String> = (0..4)
        .map(|i| {
            insert_domain(
                &s,
                &DomainRow::inventory("test", &format!("o{i}.com"), T0 + i),
            )
        })
        .collect();
    let first = get(&s, &format!("{DOMAINS}?per_page=2"), &key.secret).await;
    assert_eq!(ids_of(&first), vec![old[3].clone(), old[2].clone()]);
    insert_domain(&s, &DomainRow::inventory("test", "newer.com", T0 + 99));
    let second = get(&s, &path_of(&first.body["links"]["next"]), &key.secret).await;
    assert_eq!(
        ids_of(&second),
        vec![old[1].clone(), old[0].clone()],
        "a row added after page one neither shifts nor repeats rows on page two"
    );
}

#[tokio::test]
async fn each_filter_selects_exactly_its_domains() {
    let s = sandbox();
    let w = world(&s);
    let key = s.key("test", "read");
    let set = |ids: &[&String]| ids.iter().map(|id| (*id).clone()).collect::<BTreeSet<_>>();
    let cases: Vec<(String, BTreeSet<String>)> = vec![
        (
            String::new(),
            set(&[
                &w.inventory,
                &w.ann_active,
                &w.ann_failed,
                &w.bob_active,
                &w.bob_waiting,
            ]),
        ),
        ("category=inventory".into(), set(&[&w.inventory])),
        (
            "category=connected".into(),
            set(&[&w.ann_active, &w.ann_failed, &w.bob_active, &w.bob_waiting]),
        ),
        (
            format!("user_id={}", w.ann),
            set(&[&w.ann_active, &w.ann_failed]),
        ),
        (
            "user_email=ANN%40Example.COM".into(),
            set(&[&w.ann_active, &w.ann_failed]),
        ),
        ("user_email=ann%40example.co".into(), set(&[])),
        ("user_id=usr_01JD3Q4VX2M7P8K9N0R1S2T3V4".into(), set(&[])),
        (
            "usable_for=google".into(),
            set(&[&w.inventory, &w.ann_active, &w.bob_waiting]),
        ),
        (
            "usable_for=microsoft".into(),
            set(&[&w.ann_active, &w.ann_failed, &w.bob_active]),
        ),
        ("status=active".into(), set(&[&w.ann_active, &w.bob_active])),
        ("status=available".into(), set(&[&w.inventory])),
        ("status=action_required".into(), set(&[&w.bob_waiting])),
        ("status=in_progress".into(), set(&[])),
        (
            format!("status=active&user_id={}", w.ann),
            set(&[&w.ann_active]),
        ),
        (
            "category=connected&status=active&usable_for=microsoft".into(),
            set(&[&w.ann_active, &w.bob_active]),
        ),
        ("category=inventory&status=active".into(), set(&[])),
    ];
    for (query, expected) in cases {
        let uri = if query.is_empty() {
            format!("{DOMAINS}?per_page=2")
        } else {
            format!("{DOMAINS}?{query}&per_page=2")
        };
        let ids = all_pages(&s, &uri, &key.secret).await;
        let unique: BTreeSet<String> = ids.iter().cloned().collect();
        assert_eq!(
            unique.len(),
            ids.len(),
            "{query}: no row twice across pages"
        );
        assert_eq!(unique, expected, "{query}");
        let page = get(&s, &uri, &key.secret).await;
        let first = page.body["links"]["first"]
            .as_str()
            .expect("first link")
            .to_owned();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let pair = pair.replace("%40", "@");
            let carried = first.replace("%40", "@");
            assert!(
                carried.contains(&pair),
                "links.first carries {pair}: {first}"
            );
        }
    }
}

#[tokio::test]
async fn bad_parameters_name_the_field() {
    let s = sandbox();
    let w = world(&s);
    let key = s.key("test", "read");
    let live = s.key("live", "read");
    let cases = [
        ("category=parked", "category"),
        ("usable_for=yahoo", "usable_for"),
        ("status=paused", "status"),
        ("status=ACTIVE", "status"),
        ("per_page=0", "per_page"),
        ("per_page=101", "per_page"),
        ("per_page=ten", "per_page"),
        ("user_id=bob", "user_id"),
        ("user_id=usr_01jd3q4vx2m7p8k9n0r1s2t3v4", "user_id"),
        ("user_email=", "user_email"),
        ("colour=red", "colour"),
        ("status=active&status=failed", "status"),
        ("page_token=", "page_token"),
        ("page_token=garbage", "page_token"),
    ];
    for (query, field) in cases {
        let answer = get(&s, &format!("{DOMAINS}?{query}"), &key.secret).await;
        assert_invalid(&answer, field, query);
    }
    // A token belongs to its list, filter set, environment and scope.
    let page = get(
        &s,
        &format!("{DOMAINS}?status=active&per_page=1"),
        &key.secret,
    )
    .await;
    let token_link = path_of(&page.body["links"]["next"]);
    let other_filters = token_link.replace("status=active", "status=failed");
    assert_invalid(
        &get(&s, &other_filters, &key.secret).await,
        "page_token",
        "another filter",
    );
    let no_filter = token_link.replace("status=active&", "");
    assert_invalid(
        &get(&s, &no_filter, &key.secret).await,
        "page_token",
        "filter dropped",
    );
    assert_invalid(
        &get(&s, &token_link, &live.secret).await,
        "page_token",
        "another env",
    );
    let scoped = customer_key(&s, "test", "read", &w.ann);
    assert_invalid(
        &get(&s, &token_link, &scoped.secret).await,
        "page_token",
        "another scope",
    );
    let users = token_link.replace("/domains?status=active&", "/users?status=active&");
    assert_invalid(
        &get(&s, &users, &key.secret).await,
        "page_token",
        "another list",
    );
    assert_eq!(
        get(&s, &token_link, &key.secret).await.status,
        StatusCode::OK,
        "still valid"
    );
}

#[tokio::test]
async fn the_seeded_data_set_pages_completely_and_keeps_the_contract() {
    let s = sandbox();
    let key = s.key("test", "read");
    let expected: i64 =
        s.db.blocking(|c| {
            c.query_row(
                "SELECT COUNT(*) FROM domains WHERE environment = 'test'",
                [],
                |r| r.get(0),
            )
        })
        .expect("db")
        .expect("count");
    let mut seen = BTreeSet::new();
    let mut next = Some(format!("{DOMAINS}?per_page=100"));
    while let Some(uri) = next {
        let page = get(&s, &uri, &key.secret).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        for row in page.body["data"].as_array().expect("rows") {
            assert!(
                seen.insert(row["id"].as_str().expect("id").to_owned()),
                "no row twice"
            );
            let connected = row["category"] == "connected";
            for field in ["provider", "user_id", "order_id", "forwarding_url"] {
                assert_eq!(row.get(field).is_some(), connected, "{field} on {row}");
            }
            assert!(
                row["usable_for"].is_array() && row["created_at"].is_string(),
                "{row}"
            );
        }
        next = page.body["links"]["next"]
            .as_str()
            .map(|_| path_of(&page.body["links"]["next"]));
    }
    assert_eq!(
        seen.len() as i64,
        expected,
        "every seeded test domain, once"
    );
    let stats = get(&s, &format!("{DOMAINS}/stats"), &key.secret).await;
    assert_eq!(
        stats.body["data"]["total"], expected,
        "stats count the same set"
    );
}
