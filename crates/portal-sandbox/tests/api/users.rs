//! `GET /users`: the partner's customers.

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{Method, StatusCode};

use crate::support::*;

const USERS: &str = "/api/partner/v1/users";
/// 2026-01-01T00:00:00Z
const T0: i64 = 1_767_225_600;

#[tokio::test]
async fn lists_customers_newest_first_a_page_at_a_time() {
    let s = sandbox();
    clear_customers(&s);
    let key = s.key("test", "read");
    let mut expected: Vec<(i64, String)> = [0, 10, 10, 10, 20]
        .iter()
        .enumerate()
        .map(|(i, dt)| {
            let email = format!("user{i}@example.com");
            (
                T0 + dt,
                insert_user(&s, "test", &email, None, "active", T0 + dt),
            )
        })
        .collect();
    insert_user(&s, "live", "elsewhere@example.com", None, "active", T0);
    expected.sort_by(|a, b| b.cmp(a));
    let expected: Vec<String> = expected.into_iter().map(|(_, id)| id).collect();
    for per_page in [1, 2, 5, 25] {
        let ids = all_pages(&s, &format!("{USERS}?per_page={per_page}"), &key.secret).await;
        assert_eq!(
            ids, expected,
            "per_page={per_page}: newest first, ties by id, none lost"
        );
    }
    let page = get(&s, &format!("{USERS}?per_page=2"), &key.secret).await;
    assert_eq!(page.body["meta"]["returned"], 2);
    assert_eq!(
        page.body["links"]["first"],
        format!("http://{AUTHORITY}/api/partner/v1/users?per_page=2")
    );
}

#[tokio::test]
async fn a_user_has_the_contract_shape_with_optional_names_absent() {
    let s = sandbox();
    clear_customers(&s);
    let key = s.key("test", "read");
    let dana = insert_user(
        &s,
        "test",
        "dana@northwind.example",
        Some(("Dana", "Reyes")),
        "active",
        T0,
    );
    let answer = get(&s, USERS, &key.secret).await;
    same_shape(&fixture("users_list"), &answer.body).expect("a users page as in API.md");
    let user = &answer.body["data"][0];
    assert_eq!(user["id"], dana.as_str());
    assert_eq!(user["first_name"], "Dana");
    assert_eq!(user["created_at"], "2026-01-01T00:00:00Z");

    insert_user(&s, "test", "anon@example.com", None, "deleted", T0 + 1);
    let answer = get(&s, USERS, &key.secret).await;
    let anon = &answer.body["data"][0];
    assert_eq!(anon["status"], "deleted");
    let keys: BTreeSet<&str> = anon
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        BTreeSet::from(["id", "email", "status", "created_at"]),
        "unknown names are absent, never null"
    );
}

#[tokio::test]
async fn filters_by_email_ignoring_case_and_by_status() {
    let s = sandbox();
    clear_customers(&s);
    let key = s.key("test", "read");
    let ann = insert_user(&s, "test", "Ann@Example.com", None, "active", T0);
    let gone = insert_user(&s, "test", "gone@example.com", None, "deleted", T0 + 1);
    let bob = insert_user(&s, "test", "bob@example.com", None, "active", T0 + 2);
    insert_user(&s, "live", "ann@example.com", None, "active", T0);
    let cases = [
        ("email=ann%40example.com", vec![ann.clone()]),
        ("email=ANN%40EXAMPLE.COM", vec![ann.clone()]),
        ("email=ann%40example", vec![]),
        ("email=nobody%40example.com", vec![]),
        ("status=active", vec![bob.clone(), ann.clone()]),
        ("status=deleted", vec![gone.clone()]),
        ("status=deleted&email=bob%40example.com", vec![]),
    ];
    for (query, expected) in cases {
        let ids = all_pages(&s, &format!("{USERS}?{query}&per_page=1"), &key.secret).await;
        assert_eq!(ids, expected, "{query}");
    }
    let page = get(
        &s,
        &format!("{USERS}?status=active&per_page=1"),
        &key.secret,
    )
    .await;
    let next = page.body["links"]["next"].as_str().expect("a next page");
    assert!(
        next.contains("status=active"),
        "links carry the filters: {next}"
    );
}

#[tokio::test]
async fn a_customer_scoped_key_sees_only_its_own_customer() {
    let s = sandbox();
    clear_customers(&s);
    let ann = insert_user(&s, "test", "ann@example.com", None, "active", T0);
    insert_user(&s, "test", "bob@example.com", None, "active", T0 + 1);
    let key = customer_key(&s, "test", "read", &ann);
    assert_eq!(all_pages(&s, USERS, &key.secret).await, vec![ann.clone()]);
    assert!(
        all_pages(&s, &format!("{USERS}?email=bob%40example.com"), &key.secret)
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn bad_parameters_name_the_field() {
    let s = sandbox();
    clear_customers(&s);
    for i in 0..3 {
        insert_user(
            &s,
            "test",
            &format!("u{i}@example.com"),
            None,
            "active",
            T0 + i,
        );
    }
    let key = s.key("test", "read");
    for (query, field) in [
        ("status=banned", "status"),
        ("per_page=0", "per_page"),
        ("per_page=500", "per_page"),
        ("email=", "email"),
        ("user_email=a%40b.c", "user_email"),
        ("email=a%40b.c&email=b%40c.d", "email"),
        ("page_token=xyz", "page_token"),
    ] {
        assert_invalid(
            &get(&s, &format!("{USERS}?{query}"), &key.secret).await,
            field,
            query,
        );
    }
    let page = get(
        &s,
        &format!("{USERS}?status=active&per_page=1"),
        &key.secret,
    )
    .await;
    let next = path_of(&page.body["links"]["next"]);
    let moved = next.replace("status=active", "status=deleted");
    assert_invalid(
        &get(&s, &moved, &key.secret).await,
        "page_token",
        "another filter set",
    );
    let live = s.key("live", "read");
    assert_invalid(
        &get(&s, &next, &live.secret).await,
        "page_token",
        "another environment",
    );

    let none = s.send(Method::GET, USERS, None, Body::empty()).await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
}
