//! The SQL of `GET /domains` and `GET /domains/stats`.
//!
//! Every query is bound to the key's partner and environment (and customer, for a scoped key),
//! so it can always use one of the `domains_*` indexes of `store.rs`, which end in
//! `created_at DESC, id DESC`: a page is an index range read from the cursor on, whatever its
//! depth, with no sort. `usable_for` is a bit test on the rows so found.

use rusqlite::Connection;
use rusqlite::types::Value;

use super::filter::Filters;
use crate::auth::PartnerKey;
use crate::page::Cursor;

/// SQL conditions joined by `AND`, with their `?` parameters in order.
#[derive(Debug, Default)]
pub struct Conditions {
    /// `a = ? AND b = ?…`
    pub sql: String,
    /// The parameters, in order.
    pub params: Vec<Value>,
    /// Whether only one customer's domains can match (scoped key, `user_id` or `user_email`):
    /// then `domains_by_user` is the index to read, and category and status are row tests.
    pub one_user: bool,
}

impl Conditions {
    fn push(&mut self, condition: &str, params: impl IntoIterator<Item = Value>) {
        if !self.sql.is_empty() {
            self.sql.push_str(" AND ");
        }
        self.sql.push_str(condition);
        self.params.extend(params);
    }
}

/// The conditions selecting the domains `key` may see that match `filters`, or `None` when
/// `user_email` names no customer of the key's environment (then nothing matches).
pub fn conditions(
    conn: &Connection,
    key: &PartnerKey,
    filters: &Filters,
) -> rusqlite::Result<Option<Conditions>> {
    let mut c = Conditions::default();
    c.push("partner_id = ?", [key.partner_id.clone().into()]);
    c.push("environment = ?", [key.environment.clone().into()]);
    if let Some(scope) = &key.scope_user_id {
        c.push("user_id = ?", [scope.clone().into()]);
    }
    if let Some(user_id) = &filters.user_id {
        c.push("user_id = ?", [user_id.clone().into()]);
    }
    if let Some(email) = &filters.user_email {
        // `users.email` is COLLATE NOCASE: `=` ignores case and uses `users_by_email`.
        let mut statement = conn.prepare_cached(
            "SELECT id FROM users WHERE partner_id = ?1 AND environment = ?2 AND email = ?3",
        )?;
        let ids = statement
            .query_map([&key.partner_id, &key.environment, email], |r| {
                r.get::<_, String>(0)
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        match ids.len() {
            0 => return Ok(None),
            1 => c.push("user_id = ?", ids.into_iter().map(Value::from)),
            n => {
                let marks = vec!["?"; n].join(", ");
                c.push(
                    &format!("user_id IN ({marks})"),
                    ids.into_iter().map(Value::from),
                );
            }
        }
    }
    // One customer's domains are few: read them through `domains_by_user` and test category
    // and status on the rows (a unary `+` keeps the planner off the category/status indexes,
    // which it would otherwise prefer for matching more columns).
    c.one_user =
        key.scope_user_id.is_some() || filters.user_id.is_some() || filters.user_email.is_some();
    let row_test = if c.one_user { "+" } else { "" };
    if let Some(category) = filters.category {
        c.push(
            &format!("{row_test}category = ?"),
            [category.as_str().to_owned().into()],
        );
    }
    if let Some(status) = filters.status {
        c.push(
            &format!("{row_test}status = ?"),
            [status.as_str().to_owned().into()],
        );
    }
    if let Some(provider) = filters.usable_for {
        c.push("usable_for & ? != 0", [provider.bit().into()]);
    }
    Ok(Some(c))
}

/// The query for one page: up to `limit` rows after `cursor`, newest first, ties by id.
pub fn page_query(
    columns: &str,
    conditions: &Conditions,
    cursor: Option<&Cursor>,
    limit: u32,
) -> (String, Vec<Value>) {
    let mut params = conditions.params.clone();
    let mut sql = format!("SELECT {columns} FROM domains WHERE {}", conditions.sql);
    if let Some(cursor) = cursor {
        sql.push_str(" AND (created_at, id) < (?, ?)");
        params.push(cursor.created_at.into());
        params.push(cursor.id.clone().into());
    }
    sql.push_str(" ORDER BY created_at DESC, id DESC LIMIT ?");
    params.push(i64::from(limit).into());
    (sql, params)
}

/// The query counting matching domains per (status, category, provider). Without a customer
/// filter it reads the covering index `domains_counts` in group order (no table lookups, no
/// sort); with one, the customer's few rows through `domains_by_user` (the unary `+` keeps the
/// grouping from pulling the planner onto `domains_counts`).
pub fn stats_query(conditions: &Conditions) -> String {
    let group = if conditions.one_user {
        "+status, +category, +provider"
    } else {
        "status, category, provider"
    };
    format!(
        "SELECT status, category, provider, COUNT(*) FROM domains WHERE {} GROUP BY {group}",
        conditions.sql
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routes::domains::{DomainCategory, DomainStatus, Provider};
    use crate::store::Db;

    fn key(scope: Option<&str>) -> PartnerKey {
        PartnerKey {
            id: "key_1".into(),
            partner_id: "org_1".into(),
            environment: "test".into(),
            preset: "read".into(),
            prefix: "pk_test_0000000000000000".into(),
            scope_user_id: scope.map(str::to_owned),
        }
    }

    fn plan(conn: &Connection, sql: &str, params: &[Value]) -> Vec<String> {
        let mut statement = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .expect("plan");
        statement
            .query_map(rusqlite::params_from_iter(params), |r| {
                r.get::<_, String>(3)
            })
            .expect("rows")
            .collect::<rusqlite::Result<_>>()
            .expect("plan rows")
    }

    /// Every common filter combination, deep in the list or not, reads one index range in
    /// order: no full scan and no sort, so a page costs the same at row 25 and 1,000,000.
    #[test]
    fn every_filter_combination_pages_through_an_index_without_sorting() {
        let (db, _) = Db::open_in_memory().expect("db");
        let user = "usr_01JD3Q4VX2M7P8K9N0R1S2T3V4".to_owned();
        let none = Filters::default;
        let combos: Vec<(Option<&str>, Filters, &str)> = vec![
            (None, none(), "domains_page"),
            (
                None,
                Filters {
                    status: Some(DomainStatus::Active),
                    ..none()
                },
                "domains_by_status",
            ),
            (
                None,
                Filters {
                    category: Some(DomainCategory::Connected),
                    ..none()
                },
                "domains_by_category",
            ),
            (
                None,
                Filters {
                    usable_for: Some(Provider::Microsoft),
                    ..none()
                },
                "domains_page",
            ),
            (
                None,
                Filters {
                    user_id: Some(user.clone()),
                    ..none()
                },
                "domains_by_user",
            ),
            (
                None,
                Filters {
                    category: Some(DomainCategory::Inventory),
                    status: Some(DomainStatus::Active),
                    usable_for: Some(Provider::Google),
                    ..none()
                },
                "domains_by_category_status",
            ),
            (
                None,
                Filters {
                    user_id: Some(user.clone()),
                    status: Some(DomainStatus::Failed),
                    category: Some(DomainCategory::Connected),
                    ..none()
                },
                "domains_by_user",
            ),
            (
                None,
                Filters {
                    user_email: Some("Ann@Example.com".into()),
                    status: Some(DomainStatus::Active),
                    ..none()
                },
                "domains_by_user",
            ),
            (
                Some(user.as_str()),
                Filters {
                    status: Some(DomainStatus::Active),
                    ..none()
                },
                "domains_by_user",
            ),
        ];
        let cursor = Cursor {
            created_at: 1_700_000_000,
            id: "dom_1".into(),
        };
        db.blocking(|conn| {
            conn.execute_batch(&format!(
                "INSERT INTO partners VALUES ('org_1', 'Acme', 0);
                 INSERT INTO users VALUES ('{user}', 'org_1', 'test', 'ann@example.com',
                     NULL, NULL, 'active', 0);"
            ))
            .expect("rows");
            for (scope, filters, index) in &combos {
                let c = conditions(conn, &key(*scope), filters)
                    .expect("sql")
                    .expect("some");
                for cursor in [None, Some(&cursor)] {
                    let (sql, params) = page_query("id", &c, cursor, 26);
                    let text = plan(conn, &sql, &params).join(" | ");
                    assert!(
                        text.starts_with("SEARCH domains USING ")
                            && text.contains(&format!("INDEX {index} ")),
                        "{filters:?} must search {index}: {text}"
                    );
                    assert!(
                        !text.contains("TEMP B-TREE"),
                        "{filters:?} must not sort: {text}"
                    );
                }
                let text = plan(conn, &stats_query(&c), &c.params).join(" | ");
                let counted_by = if c.one_user {
                    "domains_by_user"
                } else {
                    "domains_counts"
                };
                assert!(
                    text.starts_with("SEARCH domains USING ")
                        && text.contains(&format!("INDEX {counted_by} ")),
                    "stats of {filters:?} must read {counted_by}: {text}"
                );
            }
        })
        .expect("db");
    }
}
