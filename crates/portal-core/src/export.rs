//! Domains as CSV, for the export of the domains table.
//!
//! One header row, then one row per domain in the order given (the table's order). Cells are
//! quoted by the `csv` crate where needed, and a cell that a spreadsheet would run as a formula
//! (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`: a domain
//! list comes from the server and the customers, not from the person opening the file.

use std::collections::HashMap;
use std::io::Write;

use crate::error::{Error, Result};
use crate::model::{Domain, User, UserId};

/// The columns, in order.
pub const DOMAIN_COLUMNS: [&str; 11] = [
    "domain",
    "id",
    "status",
    "category",
    "provider",
    "customer_id",
    "customer_email",
    "usable_for",
    "forwarding_url",
    "order_id",
    "created_at",
];

/// Writes `domains` as CSV to `out`, naming each domain's customer by email when `customers`
/// knows them. Returns the number of domain rows written.
pub fn write_domains_csv<W: Write>(out: W, domains: &[Domain], customers: &[User]) -> Result<u32> {
    let emails: HashMap<&UserId, &str> = customers
        .iter()
        .map(|user| (&user.id, user.email.as_str()))
        .collect();
    let mut writer = csv::Writer::from_writer(out);
    let failed = |e: csv::Error| Error::Internal(format!("could not write the CSV file: {e}"));
    writer.write_record(DOMAIN_COLUMNS).map_err(failed)?;
    for domain in domains {
        let usable_for: Vec<&str> = domain.usable_for.iter().map(|p| p.as_str()).collect();
        let customer = domain.user_id.as_ref();
        let created_at = domain
            .created_at
            .0
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        let row = [
            domain.domain.as_str(),
            domain.id.as_str(),
            domain.status.as_str(),
            domain.category.as_str(),
            domain.provider.as_ref().map_or("", |p| p.as_str()),
            customer.map_or("", |u| u.as_str()),
            customer.and_then(|u| emails.get(u).copied()).unwrap_or(""),
            &usable_for.join(";"),
            domain.forwarding_url.as_deref().unwrap_or(""),
            domain.order_id.as_deref().unwrap_or(""),
            &created_at,
        ];
        writer
            .write_record(row.iter().map(|cell| defuse(cell).into_owned()))
            .map_err(failed)?;
    }
    writer
        .flush()
        .map_err(|e| Error::Internal(format!("could not write the CSV file: {e}")))?;
    Ok(u32::try_from(domains.len()).unwrap_or(u32::MAX))
}

/// A cell a spreadsheet would run as a formula gets a leading `'`.
fn defuse(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn domain(json: &str) -> Domain {
        serde_json::from_str(json).expect("valid domain")
    }

    #[test]
    fn writes_a_header_and_one_row_per_domain_with_the_customer_email() {
        let connected = domain(
            r#"{"id":"dom_1","domain":"acme-mail.com","category":"connected","status":"active",
            "usable_for":["google","microsoft"],"created_at":"2026-01-02T03:04:05Z",
            "provider":"google","user_id":"usr_1","order_id":"ord_9",
            "forwarding_url":"https://acme.example/a,b"}"#,
        );
        let inventory = domain(
            r#"{"id":"dom_2","domain":"spare.net","category":"inventory","status":"available",
            "usable_for":[],"created_at":"2025-05-06T07:08:09Z"}"#,
        );
        let customer: User = serde_json::from_str(
            r#"{"id":"usr_1","email":"ops@acme.example","status":"active",
            "created_at":"2025-01-01T00:00:00Z"}"#,
        )
        .expect("valid user");
        let mut out = Vec::new();
        let rows = write_domains_csv(&mut out, &[connected, inventory], &[customer]).expect("csv");
        assert_eq!(rows, 2);
        let text = String::from_utf8(out).expect("utf-8");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], DOMAIN_COLUMNS.join(","));
        assert_eq!(
            lines[1],
            "acme-mail.com,dom_1,active,connected,google,usr_1,ops@acme.example,google;microsoft,\
             \"https://acme.example/a,b\",ord_9,2026-01-02T03:04:05Z"
        );
        assert_eq!(
            lines[2],
            "spare.net,dom_2,available,inventory,,,,,,,2025-05-06T07:08:09Z"
        );
        assert_eq!(lines.len(), 3);
    }

    #[test]
    fn formula_like_cells_are_defused() {
        assert_eq!(defuse("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(defuse("@sum"), "'@sum");
        assert_eq!(defuse("acme.com"), "acme.com");
    }
}
