//! Every model type against the JSON fixtures written by hand from API.md
//! (`tests/fixtures/api/`), so the client's reading of the contract is checked against the
//! contract itself and not only against our own sandbox.

use portal_core::model::{
    ApiKey, AuditEvent, AuditEventType, Availability, Domain, DomainCategory, DomainStats,
    DomainStatus, Environment, ForwardingFailureReason, ForwardingJob, JobStatus, KeyStatus, Me,
    Preset, Provider, ScopeKind, Usage, UsageWindow, User, UserStatus,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/../../tests/fixtures/api/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not JSON: {e}"))
}

fn data<T: DeserializeOwned>(name: &str) -> T {
    let envelope = fixture(name);
    serde_json::from_value(envelope["data"].clone())
        .unwrap_or_else(|e| panic!("fixture {name} does not decode: {e}"))
}

fn list<T: DeserializeOwned>(name: &str) -> Vec<T> {
    data(name)
}

/// Encoding what was decoded gives back the fixture: no field dropped, renamed or nulled.
fn round_trips<T: DeserializeOwned + serde::Serialize>(name: &str) {
    let original = fixture(name)["data"].clone();
    let decoded: T = serde_json::from_value(original.clone()).expect("decodes");
    let encoded = serde_json::to_value(&decoded).expect("encodes");
    assert_eq!(encoded, original, "{name} does not survive a round trip");
}

#[test]
fn me_names_environment_preset_scope_and_partner() {
    let me: Me = data("me");
    assert_eq!(me.api_key.environment, Environment::Test);
    assert_eq!(me.api_key.permission_preset, Preset::Limited);
    assert_eq!(
        me.api_key.prefix.as_deref(),
        Some("pk_test_0123456789abcdef")
    );
    assert_eq!(me.api_key.scope.map(|s| s.kind), Some(ScopeKind::Partner));
    assert_eq!(me.partner.name, "Acme Resellers");
    round_trips::<Me>("me");
}

#[test]
fn api_keys_decode_with_every_optional_field() {
    let key: ApiKey = data("api_key");
    assert_eq!(key.status, KeyStatus::Active);
    assert_eq!(key.masked(), "pk_test_9f86d081884c7d65…0a08");
    assert!(key.last_used_at.is_some() && key.expires_at.is_none());
    for name in ["api_key", "key_revoked"] {
        round_trips::<ApiKey>(name);
    }
    let keys: Vec<ApiKey> = list("keys_list");
    assert_eq!(keys.len(), 1);
    let revoked: ApiKey = data("key_revoked");
    assert_eq!(revoked.status, KeyStatus::Revoked);
    assert!(revoked.revoked_at.is_some());
}

#[test]
fn rotation_links_old_and_new() {
    let rotated = fixture("key_rotated")["data"].clone();
    let new: ApiKey = serde_json::from_value(rotated["api_key"].clone()).expect("new key");
    let old: ApiKey = serde_json::from_value(rotated["replaced"].clone()).expect("old key");
    assert_eq!(new.replaces.as_ref(), Some(&old.id));
    assert_eq!(old.replaced_by.as_ref(), Some(&new.id));
    assert_eq!(
        (new.label.as_str(), &new.permission_preset),
        (old.label.as_str(), &old.permission_preset)
    );
}

#[test]
fn usage_and_audit_events() {
    let usage: Usage = data("usage");
    assert_eq!(usage.window, UsageWindow::Hour);
    assert_eq!(
        usage.total,
        usage.buckets.iter().map(|b| b.count).sum::<u32>()
    );
    round_trips::<Usage>("usage");
    let events: Vec<AuditEvent> = list("audit_list");
    assert_eq!(events[0].kind, AuditEventType::KeyRevoked);
    assert!(events[0].actor.is_some());
}

#[test]
fn domains_connected_and_inventory() {
    let connected: Domain = data("domain_connected");
    assert_eq!(connected.category, DomainCategory::Connected);
    assert_eq!(connected.provider, Some(Provider::Google));
    assert_eq!(
        connected.forwarding_url, None,
        "null forwarding reads as none"
    );
    let inventory: Domain = data("domain_inventory");
    assert_eq!(inventory.status, DomainStatus::Available);
    assert_eq!((inventory.user_id, inventory.provider), (None, None));
    round_trips::<Domain>("domain_inventory");
    let page: Vec<Domain> = list("domains_list");
    assert!(!page.is_empty());
}

#[test]
fn stats_availability_jobs_and_users() {
    let stats: DomainStats = data("domain_stats");
    assert_eq!(stats.total, stats.by_status.values().sum::<u32>());
    assert_eq!(stats.by_category["connected"], 8);
    round_trips::<DomainStats>("domain_stats");

    let answer = fixture("availability")["data"]["domains"].clone();
    let rows: Vec<Availability> = serde_json::from_value(answer).expect("availability rows");
    assert!(rows[0].available);
    assert_eq!(rows[0].price_cents, Some(1199));

    let job: ForwardingJob = data("forwarding_job");
    assert_eq!(job.status, JobStatus::PartialSuccess);
    assert!(job.status.is_finished());
    assert_eq!(job.failed[0].reason, ForwardingFailureReason::NotConnected);
    round_trips::<ForwardingJob>("forwarding_job");
    let started: ForwardingJob = data("forwarding_job_started");
    assert!(!started.status.is_finished());

    let users: Vec<User> = list("users_list");
    assert_eq!(users[0].status, UserStatus::Active);
    assert_eq!(users[0].first_name.as_deref(), Some("Dana"));
}
