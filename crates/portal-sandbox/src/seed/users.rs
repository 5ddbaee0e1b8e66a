//! Seeded customers (`users`): realistic names and `first.last@company` emails, unique per
//! environment, about 5 % deleted, created over the two years with growth.

use rand::Rng;
use rusqlite::{Transaction, params};

use super::names::{self, Taken};
use super::{Env, IdBuf, START_UNIX};

/// A customer that can own domains: active, with its creation time.
#[derive(Debug, Clone, Copy)]
pub(super) struct Customer {
    pub(super) created_at: i64,
    pub(super) id: IdBuf,
}

const INSERT: &str = "INSERT INTO users
    (id, partner_id, environment, email, first_name, last_name, status, created_at)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

/// Inserts `n` customers, oldest first, and returns the active ones in creation order. The first
/// customer is active and signed up an hour after the partner, so every later domain has a
/// customer that existed before it.
pub(super) fn insert(
    tx: &Transaction<'_>,
    env: &mut Env<'_>,
    n: u32,
) -> rusqlite::Result<Vec<Customer>> {
    let n = n as usize;
    let rng = &mut env.rng;
    let mut times = super::growth_times(rng, n.saturating_sub(1), START_UNIX + 3600);
    times.insert(0, START_UNIX + 3600);
    let mut stmt = tx.prepare_cached(INSERT)?;
    let mut taken = Taken::with_capacity(n);
    let mut email = String::with_capacity(64);
    let mut active = Vec::with_capacity(n);
    for (index, &created_at) in times.iter().enumerate() {
        let id = IdBuf::new(rng, "usr", created_at);
        // About 3 % signed up with a role mailbox and no personal name.
        let person = (rng.random_range(0..100u32) >= 3).then(|| {
            (
                names::pick(rng, names::FIRST_NAMES),
                names::pick(rng, names::LAST_NAMES),
            )
        });
        let mut attempt = 0;
        loop {
            email.clear();
            local_part(rng, person, &mut email);
            if attempt > 0 {
                names::push_number(&mut email, rng.random_range(2..1000u32));
            }
            email.push('@');
            names::company_domain(rng, &mut email);
            if taken.insert(&email) {
                break;
            }
            attempt += 1;
        }
        let deleted = index > 0 && rng.random_range(0..100u32) < 5;
        stmt.execute(params![
            id.as_str(),
            env.partner_id,
            env.environment,
            email,
            person.map(|(first, _)| first),
            person.map(|(_, last)| last),
            if deleted { "deleted" } else { "active" },
            created_at,
        ])?;
        if !deleted {
            active.push(Customer { created_at, id });
        }
    }
    Ok(active)
}

/// Appends the part of an email before the `@`, in one of the usual corporate patterns.
fn local_part(rng: &mut rand::rngs::StdRng, person: Option<(&str, &str)>, out: &mut String) {
    let Some((first, last)) = person else {
        out.push_str(names::pick(rng, names::ROLE_MAILBOXES));
        return;
    };
    match rng.random_range(0..100u32) {
        0..=54 => {
            names::push_lower(out, first);
            out.push('.');
            names::push_lower(out, last);
        }
        55..=69 => {
            names::push_lower(out, &first[..1]);
            names::push_lower(out, last);
        }
        70..=81 => names::push_lower(out, first),
        82..=91 => {
            names::push_lower(out, first);
            out.push('_');
            names::push_lower(out, last);
        }
        _ => {
            names::push_lower(out, first);
            names::push_lower(out, last);
        }
    }
}
