//! Browsing and acting on the partner's domains and customers with one partner key.
//!
//! A [`Browser`] holds the client and the key it browses with (loaded from the secret store by
//! the caller) and what `GET /me` said about that key. Lists are streams of pages
//! ([`Client::pages`]); actions respect the API's batch sizes. Whether the key's preset allows
//! an action is for the server to say: its 403 comes back as `forbidden` with the server's
//! words, and [`Browser::preset`] lets the UI disable what would fail before it is tried.

mod scan;

pub use scan::{ScanControl, ScanEvent, ScanHandle};

use std::collections::HashSet;
use std::time::Duration;

use futures_core::Stream;
use futures_util::StreamExt as _;

use super::Ctx;
use crate::activity::Action;
use crate::api::partner::{AVAILABILITY_BATCH, FORWARDING_BATCH, MAX_PER_PAGE};
use crate::api::{Client, WaitObserver};
use crate::api::{NextLink, Page};
use crate::error::{Error, Result};
use crate::model::{
    Availability, Domain, DomainFilter, DomainId, DomainStats, ForwardingJob, KeyId, Me, Preset,
    User, UserFilter,
};
use crate::secret::Secret;

/// How often a forwarding job is polled, and for how long at most.
const JOB_POLL: Duration = Duration::from_millis(500);
const JOB_PATIENCE: Duration = Duration::from_secs(120);

/// Browsing with one key. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Browser {
    client: Client,
    key: Secret,
    me: Me,
}

/// Domain counts and where they came from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StatsAnswer {
    /// The counts.
    pub stats: DomainStats,
    /// `true` when the server lacks `GET /domains/stats` and the counts were computed by
    /// reading every matching page.
    pub computed: bool,
    /// The request id of the stats call (the last page's, when computed).
    pub request_id: Option<String>,
}

/// Where a forwarding request stands: one job per batch of 25.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ForwardingProgress {
    /// Every job started so far, as last seen.
    pub jobs: Vec<ForwardingJob>,
    /// Batches still to start.
    pub batches_left: u32,
}

/// Opens a [`Browser`] with the stored secret of `key_id` (`secret_not_stored` when this
/// computer's keyring does not hold it; `unauthorized` when the key no longer works).
pub async fn open_stored(ctx: &Ctx<'_>, key_id: &KeyId) -> Result<Browser> {
    let secret = super::keys::stored_secret(ctx, key_id).await?;
    Browser::open(ctx.session.client().clone(), secret).await
}

/// [`Browser::set_forwarding`], written to the action log under `key_id` with what it did.
pub async fn set_forwarding(
    ctx: &Ctx<'_>,
    browser: &Browser,
    key_id: &KeyId,
    domains: &[String],
    forwarding_url: &str,
    on_progress: impl FnMut(&ForwardingProgress),
) -> Result<Vec<ForwardingJob>> {
    let jobs = browser
        .set_forwarding(domains, forwarding_url, on_progress)
        .await?;
    let (done, failed) = jobs.iter().fold((0, 0), |(d, f), job| {
        (d + job.completed_count, f + job.failed_count)
    });
    let note = format!(
        "{} on {done} domain(s); {failed} failed",
        forwarding_url.trim()
    );
    ctx.record_id(Action::ForwardingSet, key_id, None, Some(note));
    Ok(jobs)
}

impl Browser {
    /// Checks `key` with `GET /me` and keeps it for browsing. A revoked or unknown key fails
    /// here with `unauthorized`.
    pub async fn open(client: Client, key: Secret) -> Result<Self> {
        let me = client.me(&key).await?.data;
        Ok(Self { client, key, me })
    }

    /// What `GET /me` said when the browser was opened.
    pub fn me(&self) -> &Me {
        &self.me
    }

    /// The key's preset (what the UI enables).
    pub fn preset(&self) -> &Preset {
        &self.me.api_key.permission_preset
    }

    /// The pages of `GET /domains` with `filter`, 100 at a time (or `per_page`). Drop the
    /// stream to cancel; after an error, [`Browser::resume_domains`] from the last page's `next`.
    /// `on_wait` hears each retry's wait (a 429 the scan is waiting out).
    pub fn domains(
        &self,
        filter: &DomainFilter,
        per_page: u32,
        on_wait: Option<WaitObserver>,
    ) -> impl Stream<Item = Result<Page<Domain>>> + Send + 'static {
        let first = self.client.domains_call(&self.key, filter, per_page);
        self.client.pages(first.on_wait(on_wait))
    }

    /// The pages from `next` (a checked `links.next` of an earlier page) on.
    pub fn resume_domains(
        &self,
        next: &NextLink,
        on_wait: Option<WaitObserver>,
    ) -> impl Stream<Item = Result<Page<Domain>>> + Send + 'static {
        let call = crate::api::Call::resume(next, &self.key);
        self.client.pages(call.on_wait(on_wait))
    }

    /// The client's budget for this key, in requests per minute (`None`: unlimited).
    pub fn rate_limit_per_minute(&self) -> Option<u32> {
        self.client.rate_limit_per_minute()
    }

    /// The key's environment (which data set it browses).
    pub fn environment(&self) -> &crate::model::Environment {
        &self.me.api_key.environment
    }

    /// One domain.
    pub async fn domain(&self, id: &DomainId) -> Result<Domain> {
        Ok(self.client.domain(&self.key, id).await?.data)
    }

    /// Counts by status, category and provider for `filter`: from `GET /domains/stats`, or,
    /// when the server lacks it (404 or 405), computed from every matching page.
    pub async fn stats(&self, filter: &DomainFilter) -> Result<StatsAnswer> {
        match self.server_stats(filter).await? {
            Some(answer) => Ok(answer),
            None => self.count_pages(filter).await,
        }
    }

    /// `GET /domains/stats` for `filter`, or `None` when the server lacks it (404 or 405): a
    /// caller that is reading every page anyway counts them itself instead of reading them twice.
    pub async fn server_stats(&self, filter: &DomainFilter) -> Result<Option<StatsAnswer>> {
        match self.client.domain_stats(&self.key, filter).await {
            Ok(reply) => Ok(Some(StatsAnswer {
                stats: reply.data,
                computed: false,
                request_id: reply.request_id,
            })),
            Err(error) if lacks_endpoint(&error) => Ok(None),
            Err(error) => Err(error),
        }
    }

    async fn count_pages(&self, filter: &DomainFilter) -> Result<StatsAnswer> {
        let mut stats = DomainStats::zero();
        let mut request_id = None;
        let mut pages = std::pin::pin!(self.domains(filter, MAX_PER_PAGE, None));
        while let Some(page) = pages.next().await {
            let page = page?;
            page.items.iter().for_each(|d| stats.add(d));
            request_id = page.request_id;
        }
        Ok(StatsAnswer {
            stats,
            computed: true,
            request_id,
        })
    }

    /// Availability of `names` (trimmed, blanks and repeats dropped), asked 50 at a time.
    /// `on_batch` hears each batch's answers as they arrive.
    pub async fn availability(
        &self,
        names: &[String],
        mut on_batch: impl FnMut(&[Availability]),
    ) -> Result<Vec<Availability>> {
        let names = distinct_names(names);
        if names.is_empty() {
            return Err(Error::invalid("domains", "Enter at least one domain name"));
        }
        let mut answers = Vec::with_capacity(names.len());
        for batch in names.chunks(AVAILABILITY_BATCH) {
            let reply = self.client.availability(&self.key, batch).await?;
            on_batch(&reply.data);
            answers.extend(reply.data);
        }
        Ok(answers)
    }

    /// Sets forwarding to `forwarding_url` on `domains` (ids or names): one job per 25, each
    /// polled until it finishes. `on_progress` hears every change. A job start is attempted
    /// once (a retry could start it twice); a failure to start stops the remaining batches
    /// and is returned, with the jobs already started reported through `on_progress`.
    pub async fn set_forwarding(
        &self,
        domains: &[String],
        forwarding_url: &str,
        mut on_progress: impl FnMut(&ForwardingProgress),
    ) -> Result<Vec<ForwardingJob>> {
        let forwarding_url = check_forwarding_url(forwarding_url)?;
        let domains = distinct_names(domains);
        if domains.is_empty() {
            return Err(Error::invalid("domains", "Select at least one domain"));
        }
        let batches: Vec<&[String]> = domains.chunks(FORWARDING_BATCH).collect();
        let mut progress = ForwardingProgress {
            jobs: Vec::new(),
            batches_left: u32::try_from(batches.len()).unwrap_or(u32::MAX),
        };
        for batch in batches {
            let job = self
                .client
                .start_forwarding(&self.key, batch, &forwarding_url)
                .await?
                .data;
            progress.jobs.push(job);
            progress.batches_left = progress.batches_left.saturating_sub(1);
            on_progress(&progress);
        }
        let started = tokio::time::Instant::now();
        while progress.jobs.iter().any(|j| !j.status.is_finished()) {
            if started.elapsed() > JOB_PATIENCE {
                return Err(Error::Timeout {
                    host: self.client.server().host(),
                    seconds: JOB_PATIENCE.as_secs(),
                });
            }
            tokio::time::sleep(JOB_POLL).await;
            for index in 0..progress.jobs.len() {
                if progress.jobs[index].status.is_finished() {
                    continue;
                }
                let id = progress.jobs[index].id.clone();
                let job = self.client.forwarding_job(&self.key, &id).await?.data;
                if job != progress.jobs[index] {
                    progress.jobs[index] = job;
                    on_progress(&progress);
                }
            }
        }
        Ok(progress.jobs)
    }

    /// The pages of `GET /users` with `filter`.
    pub fn users(
        &self,
        filter: &UserFilter,
        per_page: u32,
    ) -> impl Stream<Item = Result<Page<User>>> + Send + 'static {
        let first = self.client.users_call(&self.key, filter, per_page);
        self.client.pages(first)
    }
}

/// Whether an error says the server has no such endpoint (an extension it lacks).
fn lacks_endpoint(error: &Error) -> bool {
    matches!(
        error,
        Error::Api {
            status: 404 | 405,
            ..
        }
    )
}

/// Names trimmed, blanks dropped, repeats (ignoring case) dropped, first spelling kept.
fn distinct_names(names: &[String]) -> Vec<String> {
    let mut seen = HashSet::new();
    names
        .iter()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty() && seen.insert(n.to_ascii_lowercase()))
        .map(str::to_owned)
        .collect()
}

/// A forwarding target must be an absolute https URL with a host.
fn check_forwarding_url(text: &str) -> Result<String> {
    let text = text.trim();
    let url = url::Url::parse(text).map_err(|_| {
        Error::invalid(
            "forwarding_url",
            "Enter a full web address, like https://example.com/welcome",
        )
    })?;
    if url.scheme() != "https" || url.host_str().is_none_or(str::is_empty) {
        return Err(Error::invalid(
            "forwarding_url",
            "The forwarding address must start with https://",
        ));
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn names_are_trimmed_and_repeats_dropped() {
        let names = ["  Acme.com ", "", "acme.COM", "beta.net"].map(String::from);
        assert_eq!(distinct_names(&names), vec!["Acme.com", "beta.net"]);
    }

    #[test]
    fn forwarding_targets_must_be_https() {
        assert!(check_forwarding_url(" https://acme.example/welcome ").is_ok());
        for bad in [
            "http://acme.example",
            "acme.example",
            "https://",
            "ftp://x.y",
        ] {
            let error = check_forwarding_url(bad).expect_err(bad);
            assert_eq!(error.field(), Some("forwarding_url"), "{bad}");
        }
    }

    #[test]
    fn only_404_and_405_mean_a_missing_extension() {
        let api = |status| Error::Api {
            code: ErrorCode::NotFound,
            status,
            message: String::new(),
            field: None,
            retry_after_seconds: None,
            request_id: None,
        };
        assert!(lacks_endpoint(&api(404)));
        assert!(lacks_endpoint(&api(405)));
        assert!(!lacks_endpoint(&api(500)));
    }
}
