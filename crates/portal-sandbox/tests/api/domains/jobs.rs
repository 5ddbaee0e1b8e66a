//! `GET /domains/forwarding/{id}`: scoping, and jobs a stopped process left unfinished.

use axum::http::StatusCode;
use portal_sandbox::store::Db;
use serde_json::json;

use super::{FORWARDING, T0, URL, finished, forwarding_url_of, start};
use crate::support::*;

#[tokio::test]
async fn jobs_are_scoped_to_the_keys_environment_and_customer() {
    let s = sandbox();
    clear_customers(&s);
    let ann = insert_user(&s, "test", "ann@example.com", None, "active", T0);
    let bob = insert_user(&s, "test", "bob@example.com", None, "active", T0);
    insert_domain(
        &s,
        &DomainRow::connected("test", "ann.com", &ann, "active", "google", T0),
    );
    let bobs = insert_domain(
        &s,
        &DomainRow::connected("test", "bob.com", &bob, "active", "google", T0),
    );
    let ann_key = customer_key(&s, "test", "full", &ann);
    let partner_key = s.key("test", "read");
    let live_key = s.key("live", "full");

    let started = start(&s, &ann_key.secret, &["ann.com", "bob.com", &bobs], URL).await;
    let id = started["data"]["id"].as_str().expect("id").to_owned();
    let done = finished(&s, &ann_key.secret, &id).await;
    assert_eq!(done["data"]["completed"], json!(["ann.com"]));
    assert_eq!(
        done["data"]["failed"],
        json!([
            { "domain": "bob.com", "reason": "not_found" },
            { "domain": bobs, "reason": "not_found" },
        ]),
        "another customer's domain is out of scope, so not found"
    );
    assert_eq!(forwarding_url_of(&s, &bobs), None);

    let seen = get(&s, &format!("{FORWARDING}/{id}"), &partner_key.secret).await;
    assert_eq!(
        seen.status,
        StatusCode::OK,
        "any preset, partner-wide, reads the job"
    );
    let partner_job = start(&s, &s.key("test", "full").secret, &["bob.com"], URL).await;
    let partner_job = partner_job["data"]["id"].as_str().expect("id").to_owned();
    for (uri, bearer, why) in [
        (
            format!("{FORWARDING}/{id}"),
            &live_key.secret,
            "another environment's job",
        ),
        (
            format!("{FORWARDING}/{partner_job}"),
            &ann_key.secret,
            "a job outside the key's scope",
        ),
        (
            format!("{FORWARDING}/fwj_01JD3Q4VX2M7P8K9N0R1S2T3V4"),
            &partner_key.secret,
            "unknown",
        ),
        (
            format!("{FORWARDING}/not-an-id"),
            &partner_key.secret,
            "malformed",
        ),
    ] {
        let answer = get(&s, &uri, bearer).await;
        assert_eq!(
            answer.status,
            StatusCode::NOT_FOUND,
            "{why}: {}",
            answer.body
        );
        assert_eq!(error_code(&answer), "not_found");
    }
}

#[tokio::test]
async fn a_job_left_unfinished_is_finished_when_the_sandbox_starts_again() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("sandbox.sqlite");
    let s = sandbox_over(Db::open(&path).expect("database"));
    clear_customers(&s);
    let ann = insert_user(&s, "test", "ann@example.com", None, "active", T0);
    let domain = insert_domain(
        &s,
        &DomainRow::connected("test", "crash.com", &ann, "active", "google", T0),
    );
    // As if the process stopped between storing the job and finishing it.
    s.db.blocking(|c| {
        let partner = portal_sandbox::store::partner_id(c)?;
        c.execute(
            "INSERT INTO forwarding_jobs (id, partner_id, environment, forwarding_url, requested,
                 status, created_at)
             VALUES ('fwj_01JD3Q4VX2M7P8K9N0R1S2T3V4', ?1, 'test', ?2, '[\"crash.com\", \"x.com\"]',
                 'in_progress', ?3)",
            rusqlite::params![partner, URL, T0],
        )
    })
    .expect("db")
    .expect("job stored");
    drop(s);

    let config = portal_sandbox::Config {
        db_path: Some(path.clone()),
        ..Default::default()
    };
    let running = portal_sandbox::spawn(config).await.expect("sandbox starts");
    let (db, _) = Db::open(&path).expect("database");
    let (status, completed, failed, completed_at) = db
        .blocking(|c| {
            c.query_row(
                "SELECT status, completed, failed, completed_at FROM forwarding_jobs",
                [],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, Option<i64>>(3)?,
                    ))
                },
            )
        })
        .expect("db")
        .expect("job");
    running.stop().await;
    assert_eq!(status, "partial_success", "finished at start-up");
    assert_eq!(completed, r#"["crash.com"]"#);
    assert_eq!(failed, r#"[{"domain":"x.com","reason":"not_found"}]"#);
    assert!(completed_at.is_some());
    let url: Option<String> = db
        .blocking(|c| {
            c.query_row(
                "SELECT forwarding_url FROM domains WHERE id = ?1",
                [&domain],
                |r| r.get(0),
            )
        })
        .expect("db")
        .expect("row");
    assert_eq!(url.as_deref(), Some(URL));
}
