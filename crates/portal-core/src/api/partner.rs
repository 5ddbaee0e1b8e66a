//! The partner API (`/api/partner/v1`, API.md §2), called with a partner key.
//!
//! A 401 here means the key is unknown, expired or revoked (`unauthorized`), a 403 that its
//! preset cannot take the action (`forbidden`, the server's message names the action).
//! Lists are not fetched here: the `*_call` functions give the first page's [`Call`], which
//! [`Client::pages`] follows.

use serde_json::json;

use super::{Call, Client, Reply};
use crate::error::Result;
use crate::model::{
    Availability, AvailabilityList, Domain, DomainFilter, DomainId, DomainStats, ForwardingJob,
    JobId, Me, UserFilter, WireId as _,
};
use crate::secret::Secret;

/// Most names per availability request (API.md §2).
pub const AVAILABILITY_BATCH: usize = 50;
/// Most domains per forwarding job (API.md §2).
pub const FORWARDING_BATCH: usize = 25;
/// Most rows per page the API allows.
pub const MAX_PER_PAGE: u32 = 100;

/// `path?name=value&…` with the pairs form-encoded (no `?` when there are none).
pub(crate) fn with_query(url: String, pairs: &[(&str, String)]) -> String {
    if pairs.is_empty() {
        return url;
    }
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs {
        query.append_pair(name, value);
    }
    format!("{url}?{}", query.finish())
}

impl Client {
    /// `GET /me`: the key's environment, preset, scope and partner. The cheapest check that a
    /// key works.
    #[tracing::instrument(skip(self, key))]
    pub async fn me(&self, key: &Secret) -> Result<Reply<Me>> {
        let call = Call::get(self.server().partner_url("/me"))
            .bearer(key)
            .max_answer(super::MAX_SMALL_ANSWER);
        self.call(call).await
    }

    /// The first page of `GET /domains` with `filter`, newest first.
    pub fn domains_call(&self, key: &Secret, filter: &DomainFilter, per_page: u32) -> Call {
        let mut pairs = filter.pairs();
        pairs.push(("per_page", per_page.min(MAX_PER_PAGE).to_string()));
        Call::get(with_query(self.server().partner_url("/domains"), &pairs)).bearer(key)
    }

    /// `GET /domains/{id}`.
    #[tracing::instrument(skip(self, key))]
    pub async fn domain(&self, key: &Secret, id: &DomainId) -> Result<Reply<Domain>> {
        let url = self
            .server()
            .partner_url(&format!("/domains/{}", id.checked()?));
        self.call(Call::get(url).bearer(key)).await
    }

    /// `GET /domains/stats` (an extension of ours: a server without it answers 404 or 405).
    #[tracing::instrument(skip(self, key))]
    pub async fn domain_stats(
        &self,
        key: &Secret,
        filter: &DomainFilter,
    ) -> Result<Reply<DomainStats>> {
        let url = with_query(self.server().partner_url("/domains/stats"), &filter.pairs());
        self.call(Call::get(url).bearer(key)).await
    }

    /// `POST /domains/availability` for up to [`AVAILABILITY_BATCH`] names. Only reads, so it
    /// is retried like a GET.
    #[tracing::instrument(skip(self, key, names), fields(names = names.len()))]
    pub async fn availability(
        &self,
        key: &Secret,
        names: &[String],
    ) -> Result<Reply<Vec<Availability>>> {
        let call = Call::post(
            self.server().partner_url("/domains/availability"),
            json!({ "domains": names }),
        )
        .bearer(key)
        .retry(super::Retry::Safe);
        let reply = self.call::<AvailabilityList>(call).await?;
        Ok(Reply {
            data: reply.data.domains,
            request_id: reply.request_id,
        })
    }

    /// `POST /domains/forwarding` for up to [`FORWARDING_BATCH`] domains (ids or names): starts
    /// a job. Attempted once: a second attempt would start a second job.
    #[tracing::instrument(skip(self, key, domains), fields(domains = domains.len()))]
    pub async fn start_forwarding(
        &self,
        key: &Secret,
        domains: &[String],
        forwarding_url: &str,
    ) -> Result<Reply<ForwardingJob>> {
        let call = Call::post(
            self.server().partner_url("/domains/forwarding"),
            json!({ "domains": domains, "forwarding_url": forwarding_url }),
        )
        .bearer(key);
        self.call(call).await
    }

    /// `GET /domains/forwarding/{id}`.
    #[tracing::instrument(skip(self, key))]
    pub async fn forwarding_job(&self, key: &Secret, id: &JobId) -> Result<Reply<ForwardingJob>> {
        let url = self
            .server()
            .partner_url(&format!("/domains/forwarding/{}", id.checked()?));
        self.call(Call::get(url).bearer(key)).await
    }

    /// The first page of `GET /users` with `filter`.
    pub fn users_call(&self, key: &Secret, filter: &UserFilter, per_page: u32) -> Call {
        let mut pairs = filter.pairs();
        pairs.push(("per_page", per_page.min(MAX_PER_PAGE).to_string()));
        Call::get(with_query(self.server().partner_url("/users"), &pairs)).bearer(key)
    }
}
