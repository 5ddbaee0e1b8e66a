//! Every seeded row follows the schema and the contract's rules, and the mix of values is
//! realistic enough for charts.

use std::collections::{HashMap, HashSet};

use portal_sandbox::seed::{REFERENCE_UNIX, START_UNIX, customers_for};

use super::{Domain, domains, seeded, users};

#[test]
fn every_row_follows_the_schema_and_the_contract() {
    let db = seeded(3, 500);
    db.blocking(|conn| {
        for environment in ["live", "test"] {
            let customers = users(conn, environment);
            assert_eq!(
                customers.len(),
                customers_for(500) as usize,
                "{environment}: customers"
            );
            let mut emails = HashSet::new();
            let mut by_id = HashMap::new();
            for u in &customers {
                assert_seeded_id(&u.id, "usr", u.created_at);
                assert_in_window(&u.id, u.created_at);
                let (local, host) = u.email.split_once('@').expect("an email has an @");
                assert!(
                    !local.is_empty()
                        && local.bytes().all(|b| b.is_ascii_lowercase()
                            || b.is_ascii_digit()
                            || b"._".contains(&b)),
                    "{}: a plain lower-case local part",
                    u.email
                );
                assert!(
                    is_domain_name(host),
                    "{}: the email's domain is valid",
                    u.email
                );
                assert!(
                    emails.insert(u.email.clone()),
                    "{environment}: {} twice",
                    u.email
                );
                assert!(
                    ["active", "deleted"].contains(&u.status.as_str()),
                    "{}",
                    u.status
                );
                assert_eq!(
                    u.first_name.is_some(),
                    u.last_name.is_some(),
                    "{}: both names or neither",
                    u.id
                );
                by_id.insert(u.id.clone(), u);
            }
            let mut names = HashSet::new();
            for d in domains(conn, environment) {
                assert_seeded_id(&d.id, "dom", d.created_at);
                assert_in_window(&d.id, d.created_at);
                assert!(
                    is_domain_name(&d.domain),
                    "{}: not a lower-case domain name",
                    d.domain
                );
                assert!(
                    names.insert(d.domain.clone()),
                    "{environment}: {} twice",
                    d.domain
                );
                assert!(
                    (1..=3).contains(&d.usable_for),
                    "{}: usable_for {}",
                    d.id,
                    d.usable_for
                );
                if d.category == "inventory" {
                    assert!(
                        d.provider.is_none()
                            && d.user_id.is_none()
                            && d.order_id.is_none()
                            && d.forwarding_url.is_none(),
                        "an inventory domain has no provider, customer, order or forwarding: {d:?}"
                    );
                    continue;
                }
                assert_eq!(d.category, "connected", "{}", d.id);
                assert_ne!(
                    d.status, "available",
                    "a connected domain is no longer for sale"
                );
                let bit = match d.provider.as_deref() {
                    Some("google") => 1,
                    Some("microsoft") => 2,
                    other => panic!("{}: a connected domain's provider, not {other:?}", d.id),
                };
                assert_ne!(
                    d.usable_for & bit,
                    0,
                    "{}: usable with its own provider",
                    d.id
                );
                let owner_id = d
                    .user_id
                    .as_deref()
                    .expect("a connected domain has a customer");
                let owner = by_id
                    .get(owner_id)
                    .unwrap_or_else(|| panic!("{owner_id} is no {environment} customer"));
                assert_eq!(
                    owner.status, "active",
                    "{}: owned by an active customer",
                    d.id
                );
                assert!(
                    owner.created_at < d.created_at,
                    "{}: created after its owner",
                    d.id
                );
                let order = d
                    .order_id
                    .as_deref()
                    .expect("a connected domain has an order");
                assert_seeded_id(order, "ord", d.created_at);
                if let Some(url) = &d.forwarding_url {
                    assert!(
                        url.starts_with("https://"),
                        "{url}: forwarding targets are https"
                    );
                }
            }
        }
    })
    .expect("db");
}

#[test]
fn the_distributions_make_interesting_charts() {
    let db = seeded(11, 2000);
    db.blocking(|conn| {
        for environment in ["live", "test"] {
            let all = domains(conn, environment);
            assert_eq!(
                all.len(),
                2000,
                "{environment}: one row per requested domain"
            );
            let count = |f: &dyn Fn(&Domain) -> bool| all.iter().filter(|d| f(d)).count();
            for status in [
                "available",
                "in_progress",
                "active",
                "failed",
                "action_required",
            ] {
                assert!(
                    count(&|d| d.status == status) > 10,
                    "{environment}: few {status}"
                );
            }
            let inventory = count(&|d| d.category == "inventory");
            assert!(
                (500..=900).contains(&inventory),
                "{environment}: ~35 % inventory, {inventory}"
            );
            let available = count(&|d| d.category == "inventory" && d.status == "available");
            assert!(
                available * 10 >= inventory * 8,
                "inventory is mostly available"
            );
            let active = count(&|d| d.status == "active");
            assert!(
                active * 2 > all.len() - inventory,
                "most connected domains are active"
            );
            for provider in ["google", "microsoft"] {
                assert!(
                    count(&|d| d.provider.as_deref() == Some(provider)) > 200,
                    "{provider}"
                );
            }
            let forwarded = count(&|d| d.forwarding_url.is_some());
            assert!(
                (20..=300).contains(&forwarded),
                "some forwarding, not most: {forwarded}"
            );
            let year = 365 * 86_400;
            let first_year = count(&|d| d.created_at < START_UNIX + year);
            let second_year = all.len() - first_year;
            assert!(
                second_year > first_year * 3 / 2,
                "growth: {first_year} then {second_year}"
            );

            let customers = users(conn, environment);
            let deleted = customers.iter().filter(|u| u.status == "deleted").count();
            assert!(
                (2..=25).contains(&deleted),
                "about 5 % of 250 deleted, {deleted}"
            );
            let owners: HashSet<_> = all.iter().filter_map(|d| d.user_id.as_deref()).collect();
            assert!(
                owners.len() > 100,
                "domains spread over customers, {} owners",
                owners.len()
            );
        }
    })
    .expect("db");
}

#[test]
fn no_domains_still_gives_customers() {
    let db = seeded(5, 0);
    let (users, domains): (i64, i64) = db
        .blocking(|conn| {
            conn.query_row(
                "SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM domains)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
        })
        .expect("db")
        .expect("counts");
    assert_eq!(
        (users, domains),
        (80, 0),
        "40 customers per environment at least, no domains"
    );
}

/// `prefix_` + a canonical upper-case Crockford ULID whose time lies within `created_at`'s second.
fn assert_seeded_id(id: &str, prefix: &str, created_at: i64) {
    let ulid = id
        .strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('_'))
        .unwrap_or_else(|| panic!("{id} should start with {prefix}_"));
    let parsed = ulid::Ulid::from_string(ulid).unwrap_or_else(|e| panic!("{id}: {e}"));
    assert_eq!(
        parsed.to_string(),
        ulid,
        "{id} should be a canonical upper-case ULID"
    );
    let seconds = i64::try_from(parsed.timestamp_ms() / 1000).expect("time");
    assert_eq!(
        seconds, created_at,
        "{id}'s time should be its row's created_at"
    );
}

fn assert_in_window(what: &str, created_at: i64) {
    assert!(
        (START_UNIX..REFERENCE_UNIX).contains(&created_at),
        "{what} was created at {created_at}, outside the two years before 2026-11-01"
    );
}

/// A lower-case domain name: labels of a-z, 0-9 and inner hyphens, at most 63 long, and a TLD.
fn is_domain_name(name: &str) -> bool {
    let labels: Vec<&str> = name.split('.').collect();
    name.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            (1..=63).contains(&l.len())
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_lowercase()))
}
