//! Seeded domains: `n` per environment, about 35 % inventory (for sale, mostly `available`) and
//! 65 % connected (ordered by a customer, with a provider and an order id), created over the two
//! years with growth, recent ones more often still in progress.
//!
//! The environments' rows are inserted interleaved in creation order, so that ids (ULIDs, which
//! start with the creation time) reach the primary-key index in order: appending is cheaper
//! than inserting in the middle and leaves the index densely packed. Each environment still draws
//! from its own generator in its own order, so the interleaving changes no value.

use rand::Rng;
use rand::rngs::StdRng;
use rusqlite::{CachedStatement, Transaction, params};

use super::names::{self, Taken};
use super::users::Customer;
use super::{DAY, Env, IdBuf, REFERENCE_UNIX, START_UNIX};

/// `usable_for` bits.
const GOOGLE: i64 = 1;
const MICROSOFT: i64 = 2;

/// Share of inventory domains, in percent.
const INVENTORY_PERCENT: u32 = 35;

const INSERT: &str = "INSERT INTO domains
    (id, partner_id, environment, domain, category, status, usable_for, provider, user_id,
     order_id, forwarding_url, created_at)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";

/// One environment's domains, generated one at a time in creation order.
pub(super) struct Domains<'a> {
    env: Env<'a>,
    /// Creation times, ascending; `next` indexes the next domain's.
    times: Vec<i64>,
    next: usize,
    /// Active customers in creation order, and how many were created before the next domain.
    customers: Vec<Customer>,
    existing: usize,
    taken: Taken,
    name: String,
    url: String,
}

impl<'a> Domains<'a> {
    /// `n` domains of `env`, owned (when connected) by `customers`: active ones in creation
    /// order, the first of them older than every domain.
    pub(super) fn new(mut env: Env<'a>, n: u32, customers: Vec<Customer>) -> Self {
        let n = n as usize;
        let times = super::growth_times(&mut env.rng, n, START_UNIX + DAY);
        Self {
            env,
            times,
            next: 0,
            customers,
            existing: 0,
            taken: Taken::with_capacity(n),
            name: String::with_capacity(64),
            url: String::with_capacity(96),
        }
    }

    fn next_time(&self) -> Option<i64> {
        self.times.get(self.next).copied()
    }

    /// Generates and inserts the next domain.
    fn insert_next(
        &mut self,
        stmt: &mut CachedStatement<'_>,
        created_at: i64,
    ) -> rusqlite::Result<()> {
        self.next += 1;
        let customers = &self.customers;
        while self.existing < customers.len() && customers[self.existing].created_at < created_at {
            self.existing += 1;
        }
        let rng = &mut self.env.rng;
        let id = IdBuf::new(rng, "dom", created_at);
        let mut attempt = 0;
        loop {
            names::domain(rng, attempt, &mut self.name);
            if self.taken.insert(&self.name) {
                break;
            }
            attempt += 1;
        }
        if self.existing == 0 || rng.random_range(0..100u32) < INVENTORY_PERCENT {
            stmt.execute(params![
                id.as_str(),
                self.env.partner_id,
                self.env.environment,
                self.name,
                "inventory",
                inventory_status(rng),
                inventory_usable_for(rng),
                None::<&str>,
                None::<&str>,
                None::<&str>,
                None::<&str>,
                created_at,
            ])?;
            return Ok(());
        }
        let owner = customers[rng.random_range(0..self.existing)].id;
        let order = IdBuf::new(rng, "ord", created_at);
        let google = rng.random_range(0..100u32) < 62;
        let (provider, own_bit, other_bit) = if google {
            ("google", GOOGLE, MICROSOFT)
        } else {
            ("microsoft", MICROSOFT, GOOGLE)
        };
        let usable_for = own_bit | if rng.random_bool(0.5) { other_bit } else { 0 };
        let status = connected_status(rng, REFERENCE_UNIX - created_at);
        let forwarding = status == "active" && rng.random_range(0..100u32) < 12;
        if forwarding {
            forwarding_url(rng, &mut self.url);
        }
        stmt.execute(params![
            id.as_str(),
            self.env.partner_id,
            self.env.environment,
            self.name,
            "connected",
            status,
            usable_for,
            provider,
            owner.as_str(),
            order.as_str(),
            forwarding.then_some(self.url.as_str()),
            created_at,
        ])
        .map(drop)
    }
}

/// Inserts every domain of every environment, oldest first across environments (ties go to the
/// environment listed first).
pub(super) fn insert_all(tx: &Transaction<'_>, envs: &mut [Domains<'_>]) -> rusqlite::Result<()> {
    let mut stmt = tx.prepare_cached(INSERT)?;
    loop {
        let mut oldest: Option<(usize, i64)> = None;
        for (index, env) in envs.iter().enumerate() {
            if let Some(time) = env.next_time()
                && oldest.is_none_or(|(_, best)| time < best)
            {
                oldest = Some((index, time));
            }
        }
        let Some((index, time)) = oldest else {
            return Ok(());
        };
        envs[index].insert_next(&mut stmt, time)?;
    }
}

/// Inventory is for sale: mostly `available`, a few being set up or needing attention.
fn inventory_status(rng: &mut StdRng) -> &'static str {
    match rng.random_range(0..100u32) {
        0..=89 => "available",
        90..=93 => "in_progress",
        94..=96 => "action_required",
        _ => "failed",
    }
}

/// Inventory is usable with both providers mostly.
fn inventory_usable_for(rng: &mut StdRng) -> i64 {
    match rng.random_range(0..100u32) {
        0..=69 => GOOGLE | MICROSOFT,
        70..=87 => GOOGLE,
        _ => MICROSOFT,
    }
}

/// A connected domain's status by its age in seconds: set-up takes a while, so recent orders are
/// often still in progress; older ones are mostly active, some failed or waiting on the customer.
fn connected_status(rng: &mut StdRng, age: i64) -> &'static str {
    let in_progress = match age {
        a if a < 2 * DAY => 55,
        a if a < 30 * DAY => 12,
        _ => 2,
    };
    let roll = rng.random_range(0..100u32);
    if roll < in_progress {
        "in_progress"
    } else if roll < in_progress + 6 {
        "action_required"
    } else if roll < in_progress + 13 {
        "failed"
    } else {
        "active"
    }
}

/// Writes an https forwarding target (the customer's main site) into `out`.
fn forwarding_url(rng: &mut StdRng, out: &mut String) {
    const PATHS: &[&str] = &["", "", "", "shop", "welcome", "start", "offers", "contact"];
    out.clear();
    out.push_str("https://www.");
    names::label(rng, out);
    out.push_str(".com/");
    out.push_str(names::pick(rng, PATHS));
}
