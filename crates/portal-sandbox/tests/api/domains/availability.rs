//! `POST /domains/availability`.

use axum::body::Body;
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::T0;
use crate::support::*;

const AVAILABILITY: &str = "/api/partner/v1/domains/availability";

async fn check(s: &Sandbox, bearer: &str, names: &[&str]) -> Vec<Value> {
    let answer = post_json(s, AVAILABILITY, bearer, &json!({ "domains": names })).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let rows = answer.body["data"]["domains"]
        .as_array()
        .expect("rows")
        .clone();
    assert_eq!(
        rows.len(),
        names.len(),
        "one row per name, duplicates included"
    );
    rows
}

/// The module's rule, as the client sees it: a reason exactly when unavailable, prices in USD
/// exactly for available and premium names, `usable_for` exactly for available ones.
fn assert_coherent(row: &Value) {
    let available = row["available"].as_bool().expect("available is a boolean");
    let premium = row["premium"].as_bool().expect("premium is a boolean");
    let reason = row.get("reason").and_then(Value::as_str);
    assert_eq!(
        reason.is_none(),
        available,
        "reason exactly when unavailable: {row}"
    );
    assert!(
        matches!(reason, None | Some("taken" | "premium" | "invalid")),
        "{row}"
    );
    assert_eq!(premium, reason == Some("premium"), "{row}");
    let priced = available || premium;
    for field in ["price_cents", "renewal_price_cents"] {
        assert_eq!(
            row.get(field).is_some_and(Value::is_u64),
            priced,
            "{field}: {row}"
        );
    }
    assert_eq!(
        row.get("currency").and_then(Value::as_str),
        priced.then_some("USD"),
        "{row}"
    );
    let usable = row.get("usable_for").and_then(Value::as_array);
    assert_eq!(
        usable.is_some_and(|u| !u.is_empty()),
        available,
        "usable_for: {row}"
    );
    for value in row.as_object().expect("object").values() {
        assert!(
            !value.is_null(),
            "optional fields are absent, never null: {row}"
        );
    }
}

#[tokio::test]
async fn only_limited_and_full_keys_may_check_and_403_comes_before_input_checks() {
    let s = sandbox();
    let read = s.key("test", "read");
    for body in [
        json!({ "domains": ["a.com"] }),
        json!({ "domains": [] }),
        json!({}),
    ] {
        let answer = post_json(&s, AVAILABILITY, &read.secret, &body).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(error_code(&answer), "forbidden");
        assert_eq!(
            answer.body["error"]["message"],
            "API key does not have permission for domain_availability"
        );
    }
    for preset in ["limited", "full"] {
        let key = s.key("live", preset);
        assert_eq!(
            check(&s, &key.secret, &["example.com"]).await.len(),
            1,
            "{preset} may"
        );
    }
    let none = s
        .send(Method::POST, AVAILABILITY, None, Body::from("{}"))
        .await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn only_a_missing_empty_or_oversized_list_fails_the_request() {
    let s = sandbox();
    let key = s.key("test", "limited");
    let fifty_one: Vec<String> = (0..51).map(|i| format!("name{i}.com")).collect();
    let fifty_one = json!({ "domains": fifty_one }).to_string();
    let cases = [
        ("{}", "domains"),
        ("", "domains"),
        (r#"{"domains": []}"#, "domains"),
        (fifty_one.as_str(), "domains"),
        (r#"{"domains": ["a.com", 7]}"#, "domains"),
        (r#"{"domains": [null]}"#, "domains"),
        (r#"{"domains": "a.com"}"#, "domains"),
        (r#"{"domains": ["a.com"], "tld": "com"}"#, "tld"),
        (r#"{"domains": "#, "body"),
        ("[]", "body"),
    ];
    for (body, field) in cases {
        let answer = s
            .send(
                Method::POST,
                AVAILABILITY,
                Some(&key.secret),
                Body::from(body.to_owned()),
            )
            .await;
        assert_invalid(&answer, field, body);
    }
    let fifty: Vec<String> = (0..50).map(|i| format!("name{i}.com")).collect();
    let names: Vec<&str> = fifty.iter().map(String::as_str).collect();
    check(&s, &key.secret, &names)
        .await
        .iter()
        .for_each(assert_coherent);
}

#[tokio::test]
async fn invalid_names_get_a_row_and_valid_ones_are_trimmed_and_lower_cased() {
    let s = sandbox();
    let key = s.key("test", "full");
    let given = [
        "  Acme-Mail.COM ",
        "not a domain",
        "",
        "nodot",
        "-bad.com",
        "x.c0m",
        "ÉCOLE.fr",
    ];
    let rows = check(&s, &key.secret, &given).await;
    assert_eq!(
        rows[0]["domain"], "acme-mail.com",
        "trimmed and lower-cased"
    );
    assert_ne!(rows[0]["reason"], "invalid");
    for (row, name) in rows.iter().zip(given).skip(1) {
        assert_eq!(row["domain"], name, "an invalid name is echoed as given");
        assert_eq!(row["available"], false);
        assert_eq!(row["premium"], false);
        assert_eq!(row["reason"], "invalid", "{name:?}");
    }
    rows.iter().for_each(assert_coherent);
}

#[tokio::test]
async fn answers_are_deterministic_coherent_and_varied() {
    let s = sandbox();
    clear_customers(&s);
    let key = s.key("test", "limited");
    let owned: Vec<String> = (0..50).map(|i| format!("outreach-{i}.com")).collect();
    let names: Vec<&str> = owned.iter().map(String::as_str).collect();
    let first = check(&s, &key.secret, &names).await;
    assert_eq!(
        first,
        check(&s, &key.secret, &names).await,
        "the same names, the same answer"
    );
    first.iter().for_each(assert_coherent);
    let kinds = |reason: Option<&str>| {
        first
            .iter()
            .filter(|r| r.get("reason").and_then(Value::as_str) == reason)
            .count()
    };
    assert!(kinds(None) > 0, "some names are available");
    assert!(kinds(Some("premium")) > 0, "some are premium");
    assert!(kinds(Some("taken")) > 0, "some are registered elsewhere");
    let available = first
        .iter()
        .find(|r| r["available"] == true)
        .expect("one available");
    let body = json!({ "domains": [available["domain"]] });
    let answer = post_json(&s, AVAILABILITY, &key.secret, &body).await;
    same_shape(&fixture("availability"), &answer.body).expect("as in API.md");
}

#[tokio::test]
async fn a_name_the_partner_holds_is_taken_in_that_environment() {
    let s = sandbox();
    clear_customers(&s);
    let test = s.key("test", "limited");
    let live = s.key("live", "limited");
    let candidates: Vec<String> = (0..20).map(|i| format!("fresh-brand-{i}.io")).collect();
    let names: Vec<&str> = candidates.iter().map(String::as_str).collect();
    let rows = check(&s, &test.secret, &names).await;
    let free = rows
        .iter()
        .find(|r| r["available"] == true)
        .expect("an available name");
    let name = free["domain"].as_str().expect("name").to_owned();

    insert_domain(&s, &DomainRow::inventory("test", &name, T0));
    let upper = name.to_uppercase();
    let rows = check(&s, &test.secret, &[&name, &upper]).await;
    for row in &rows {
        assert_eq!(row["domain"], name.as_str());
        assert_eq!(row["available"], false, "{row}");
        assert_eq!(row["reason"], "taken", "the partner's own domain: {row}");
        assert_coherent(row);
    }
    let rows = check(&s, &live.secret, &[&name]).await;
    assert_eq!(
        rows[0]["available"], true,
        "the live data set does not hold it"
    );
}
