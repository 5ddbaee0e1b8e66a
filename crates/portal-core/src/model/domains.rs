//! Domains (API.md §2): the object, the list filter, stats, availability and forwarding jobs.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{DomainId, JobId, Timestamp, UserId};

open_enum!(
    /// Whether the partner holds the domain or a customer connected it.
    DomainCategory {
        /// Held by the partner, not yet a customer's.
        Inventory = "inventory",
        /// Connected to a customer's mail provider.
        Connected = "connected",
    }
);

open_enum!(
    /// Where a domain is in its life.
    DomainStatus {
        /// Can be taken.
        Available = "available",
        /// Being set up.
        InProgress = "in_progress",
        /// Working.
        Active = "active",
        /// Set-up failed.
        Failed = "failed",
        /// Waiting for someone to act.
        ActionRequired = "action_required",
    }
);

open_enum!(
    /// A mail provider a domain can be used with.
    Provider {
        /// Google Workspace.
        Google = "google",
        /// Microsoft 365.
        Microsoft = "microsoft",
    }
);

/// A domain of the partner's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Domain {
    /// `dom_…`
    pub id: DomainId,
    /// The name, e.g. `acme-mail.com`.
    pub domain: String,
    /// Inventory or connected.
    pub category: DomainCategory,
    /// Where it is in its life.
    pub status: DomainStatus,
    /// Providers it can be used with.
    pub usable_for: Vec<Provider>,
    /// When it was added.
    pub created_at: Timestamp,
    /// Connected domains: the customer's provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<Provider>,
    /// Connected domains: the customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<UserId>,
    /// Connected domains: the order that connected it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// Connected domains: where web visits go; `None` when nowhere (absent or `null`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forwarding_url: Option<String>,
}

/// The server-side filters of `GET /domains` and `GET /domains/stats`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DomainFilter {
    /// Only this category.
    #[serde(default)]
    pub category: Option<DomainCategory>,
    /// Only this status.
    #[serde(default)]
    pub status: Option<DomainStatus>,
    /// Only domains usable with this provider.
    #[serde(default)]
    pub usable_for: Option<Provider>,
    /// Only this customer's.
    #[serde(default)]
    pub user_id: Option<UserId>,
    /// Only the customer with this email's (matched ignoring case).
    #[serde(default)]
    pub user_email: Option<String>,
}

impl DomainFilter {
    /// The query parameters, in a stable order. Empty text filters are left out (the API
    /// refuses an empty value).
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        let mut push = |name, value: &str| {
            let value = value.trim();
            if !value.is_empty() {
                pairs.push((name, value.to_owned()));
            }
        };
        if let Some(v) = &self.category {
            push("category", v.as_str());
        }
        if let Some(v) = &self.status {
            push("status", v.as_str());
        }
        if let Some(v) = &self.usable_for {
            push("usable_for", v.as_str());
        }
        if let Some(v) = &self.user_id {
            push("user_id", v.as_str());
        }
        if let Some(v) = &self.user_email {
            push("user_email", v);
        }
        pairs
    }

    /// Whether `domain` passes the filters that can be checked on the row itself (all but
    /// `user_email`, which needs the customer list).
    pub fn matches(&self, domain: &Domain) -> bool {
        self.category.as_ref().is_none_or(|c| *c == domain.category)
            && self.status.as_ref().is_none_or(|s| *s == domain.status)
            && self
                .usable_for
                .as_ref()
                .is_none_or(|p| domain.usable_for.contains(p))
            && self
                .user_id
                .as_ref()
                .is_none_or(|u| domain.user_id.as_ref() == Some(u))
    }
}

/// Counts of domains by status, category and provider (`GET /domains/stats`). Keys are the wire
/// values, so a value this version does not know is still counted and shown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DomainStats {
    /// Domains counted.
    pub total: u32,
    /// Per status.
    pub by_status: BTreeMap<String, u32>,
    /// Per category.
    pub by_category: BTreeMap<String, u32>,
    /// Per provider (connected domains only).
    pub by_provider: BTreeMap<String, u32>,
}

impl DomainStats {
    /// Zero for every known value, as the server sends them.
    pub fn zero() -> Self {
        let zeros = |values: Vec<&str>| values.into_iter().map(|v| (v.to_owned(), 0)).collect();
        Self {
            total: 0,
            by_status: zeros(DomainStatus::KNOWN.iter().map(|v| v.as_str()).collect()),
            by_category: zeros(DomainCategory::KNOWN.iter().map(|v| v.as_str()).collect()),
            by_provider: zeros(Provider::KNOWN.iter().map(|v| v.as_str()).collect()),
        }
    }

    /// Counts one domain (the fallback for servers without the stats extension).
    pub fn add(&mut self, domain: &Domain) {
        self.total += 1;
        *self.by_status.entry(domain.status.to_string()).or_default() += 1;
        *self
            .by_category
            .entry(domain.category.to_string())
            .or_default() += 1;
        if let Some(provider) = &domain.provider {
            *self.by_provider.entry(provider.to_string()).or_default() += 1;
        }
    }
}

open_enum!(
    /// Why a name is not available.
    UnavailableReason {
        /// Someone has it.
        Taken = "taken",
        /// It is sold at a premium price.
        Premium = "premium",
        /// It is not a valid domain name.
        Invalid = "invalid",
    }
);

/// One name's answer from `POST /domains/availability`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Availability {
    /// The name (trimmed, lower-cased by the server).
    pub domain: String,
    /// Whether it can be had.
    pub available: bool,
    /// Providers it could be used with.
    #[serde(default)]
    pub usable_for: Vec<Provider>,
    /// Whether it is priced as premium.
    #[serde(default)]
    pub premium: bool,
    /// Why not, when not available.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<UnavailableReason>,
    /// First-year price in cents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_cents: Option<u32>,
    /// Renewal price in cents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renewal_price_cents: Option<u32>,
    /// Currency of the prices (ISO 4217).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

open_enum!(
    /// Where a forwarding job is.
    JobStatus {
        /// Still working.
        InProgress = "in_progress",
        /// Every domain done.
        Completed = "completed",
        /// Some done, some failed.
        PartialSuccess = "partial_success",
        /// None done.
        Failed = "failed",
    }
);

impl JobStatus {
    /// Whether the job will not change any more.
    pub fn is_finished(&self) -> bool {
        !matches!(self, JobStatus::InProgress)
    }
}

open_enum!(
    /// Why one domain of a forwarding job failed.
    ForwardingFailureReason {
        /// Unknown, or outside the key's scope.
        NotFound = "not_found",
        /// An inventory domain.
        NotConnected = "not_connected",
        /// Not active.
        NotActive = "not_active",
    }
);

/// One failed domain of a forwarding job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ForwardingFailure {
    /// The name or id as sent.
    pub domain: String,
    /// Why it failed.
    pub reason: ForwardingFailureReason,
}

/// A forwarding job (`POST /domains/forwarding`, `GET /domains/forwarding/{id}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ForwardingJob {
    /// `fwj_…`
    pub id: JobId,
    /// Where it is.
    pub status: JobStatus,
    /// Domains done.
    pub completed_count: u32,
    /// Domains failed.
    pub failed_count: u32,
    /// Where the domains now forward.
    pub forwarding_url: String,
    /// Names done.
    #[serde(default)]
    pub completed: Vec<String>,
    /// Names failed, with why.
    #[serde(default)]
    pub failed: Vec<ForwardingFailure>,
    /// When it started.
    pub created_at: Timestamp,
    /// When it finished.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<Timestamp>,
}

/// `POST /domains/availability`'s `data`.
#[derive(Debug, Deserialize)]
pub(crate) struct AvailabilityList {
    pub domains: Vec<Availability>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONNECTED: &str = r#"{"id":"dom_1","domain":"acme-mail.com","category":"connected",
        "status":"active","usable_for":["google","yahoo"],"created_at":"2026-01-02T03:04:05Z",
        "provider":"google","user_id":"usr_1","order_id":"ord_9","forwarding_url":null}"#;

    #[test]
    fn a_connected_domain_reads_null_forwarding_and_unknown_providers() {
        let d: Domain = serde_json::from_str(CONNECTED).expect("valid domain");
        assert_eq!(d.forwarding_url, None, "null reads as no forwarding");
        assert_eq!(
            d.usable_for,
            vec![Provider::Google, Provider::Other("yahoo".into())],
            "an unknown provider is kept, not a decoding failure"
        );
    }

    #[test]
    fn stats_fallback_counts_like_the_server() {
        let d: Domain = serde_json::from_str(CONNECTED).expect("valid domain");
        let mut stats = DomainStats::zero();
        stats.add(&d);
        assert_eq!(stats.total, 1);
        assert_eq!(stats.by_status["active"], 1);
        assert_eq!(stats.by_status["failed"], 0, "every known value present");
        assert_eq!(stats.by_provider["google"], 1);
    }

    #[test]
    fn filter_pairs_and_row_matching_agree() {
        let d: Domain = serde_json::from_str(CONNECTED).expect("valid domain");
        let filter = DomainFilter {
            status: Some(DomainStatus::Active),
            usable_for: Some(Provider::Google),
            user_email: Some("  ".into()),
            ..DomainFilter::default()
        };
        assert_eq!(
            filter.pairs(),
            vec![
                ("status", "active".to_owned()),
                ("usable_for", "google".to_owned())
            ],
            "a blank email is no filter"
        );
        assert!(filter.matches(&d));
        let other = DomainFilter {
            category: Some(DomainCategory::Inventory),
            ..DomainFilter::default()
        };
        assert!(!other.matches(&d));
    }
}
