//! API keys as the portal API describes them (API.md §3), their usage and audit events, and
//! what `GET /me` says about a key (§2).

use serde::{Deserialize, Serialize};

use super::{AdminId, Environment, EventId, KeyId, Partner, Timestamp, UserId};

open_enum!(
    /// What a key may do (API.md §2, "Presets").
    Preset {
        /// May write everything.
        Full = "full",
        /// May only check availability (and quotes).
        Limited = "limited",
        /// May write nothing.
        Read = "read",
    }
);

impl Preset {
    /// Whether the preset may check domain availability.
    pub fn can_check_availability(&self) -> bool {
        matches!(self, Preset::Full | Preset::Limited)
    }

    /// Whether the preset may set domain forwarding.
    pub fn can_set_forwarding(&self) -> bool {
        matches!(self, Preset::Full)
    }
}

open_enum!(
    /// Where a key is in its life.
    KeyStatus {
        /// Accepted by the partner API.
        Active = "active",
        /// Its `expires_at` has passed.
        Expired = "expired",
        /// Revoked: refused at once, for good.
        Revoked = "revoked",
    }
);

open_enum!(
    /// Whether a key sees the whole partner or one customer.
    ScopeKind {
        /// Every customer of the partner.
        Partner = "partner",
        /// One customer (`user_id`).
        User = "user",
    }
);

/// A key's scope: `{"type": "partner"}` or `{"type": "user", "user_id": "usr_…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Scope {
    /// `partner` or `user`.
    #[serde(rename = "type")]
    pub kind: ScopeKind,
    /// The customer, for a `user` scope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<UserId>,
}

impl Scope {
    /// The whole partner.
    pub fn partner() -> Self {
        Self {
            kind: ScopeKind::Partner,
            user_id: None,
        }
    }

    /// One customer.
    pub fn user(user_id: UserId) -> Self {
        Self {
            kind: ScopeKind::User,
            user_id: Some(user_id),
        }
    }
}

/// An API key as the portal lists it. Never holds the secret: only its visible ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ApiKey {
    /// `key_…`
    pub id: KeyId,
    /// The admin's name for it; unique among the environment's active keys.
    pub label: String,
    /// The first 24 characters of the secret (`pk_test_` + 16 hex).
    pub prefix: String,
    /// The secret's last four characters.
    pub last_four: String,
    /// Which data set it works on.
    pub environment: Environment,
    /// What it may do.
    pub permission_preset: Preset,
    /// Whom it sees.
    pub scope: Scope,
    /// Active, expired or revoked.
    pub status: KeyStatus,
    /// When it was made.
    pub created_at: Timestamp,
    /// The admin who made it (absent for keys made outside the portal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<AdminId>,
    /// When it stops working, if it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Timestamp>,
    /// When it was revoked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<Timestamp>,
    /// Its latest partner-API request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<Timestamp>,
    /// The key a rotation made to replace it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaced_by: Option<KeyId>,
    /// The key it replaced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces: Option<KeyId>,
}

impl ApiKey {
    /// `pk_test_0123456789abcdef…wxyz`: how the UI names a key's secret without showing it.
    pub fn masked(&self) -> String {
        format!("{}…{}", self.prefix, self.last_four)
    }
}

/// Which keys to list (`GET /api_keys`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct KeyFilter {
    /// Only this environment.
    #[serde(default)]
    pub environment: Option<Environment>,
    /// Only this status.
    #[serde(default)]
    pub status: Option<KeyStatus>,
}

impl KeyFilter {
    /// The query parameters, in a stable order.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if let Some(e) = &self.environment {
            pairs.push(("environment", e.as_str().to_owned()));
        }
        if let Some(s) = &self.status {
            pairs.push(("status", s.as_str().to_owned()));
        }
        pairs
    }
}

open_enum!(
    /// A usage window: its length and bucket size.
    UsageWindow {
        /// 60 one-minute buckets.
        Hour = "1h",
        /// 24 hourly buckets.
        Day = "24h",
        /// 30 daily buckets.
        Month = "30d",
    }
);

/// One bucket of a usage window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UsageBucket {
    /// The bucket's start (UTC-aligned).
    pub start: Timestamp,
    /// Requests in it.
    pub count: u32,
}

/// A key's requests over a window (`GET /api_keys/{id}/usage`), oldest bucket first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Usage {
    /// The window.
    pub window: UsageWindow,
    /// Its buckets; the last one is the current one.
    pub buckets: Vec<UsageBucket>,
    /// Requests in the whole window.
    pub total: u32,
    /// The key's latest request, ever.
    pub last_used_at: Option<Timestamp>,
}

open_enum!(
    /// What an audit event records.
    AuditEventType {
        /// A key was made (by create or rotate).
        KeyCreated = "api_key.created",
        /// A key was rotated (the event names the old key).
        KeyRotated = "api_key.rotated",
        /// A key was revoked.
        KeyRevoked = "api_key.revoked",
        /// A key reached its `expires_at`.
        KeyExpired = "api_key.expired",
        /// An admin signed in.
        SessionCreated = "session.created",
        /// A sign-in failed.
        SessionFailed = "session.failed",
    }
);

/// One entry of the server's audit log (`GET /audit_events`). Never holds a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AuditEvent {
    /// `evt_…`
    pub id: EventId,
    /// What happened.
    #[serde(rename = "type")]
    pub kind: AuditEventType,
    /// The admin who did it; `None` for the system (expiry) or a failed sign-in.
    pub actor: Option<AdminId>,
    /// The key concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key_id: Option<KeyId>,
    /// When.
    pub at: Timestamp,
    /// The request that caused it (`None` for an expiry).
    pub request_id: Option<String>,
}

/// What `GET /me` says about the key that called it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MeKey {
    /// Which data set the key works on.
    pub environment: Environment,
    /// What it may do.
    pub permission_preset: Preset,
    /// Its visible prefix (an extension: absent on servers without it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// Its scope (an extension: absent on servers without it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<Scope>,
}

/// `GET /me`'s `data`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Me {
    /// The key.
    pub api_key: MeKey,
    /// Its partner.
    pub partner: Partner,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_enum_values_are_kept_not_refused() {
        let preset: Preset = serde_json::from_str("\"billing\"").expect("any string decodes");
        assert_eq!(preset, Preset::Other("billing".into()));
        assert_eq!(preset.as_str(), "billing", "shown as sent");
        assert!(
            !preset.can_check_availability(),
            "an unknown preset is given no power"
        );
        assert_eq!(
            serde_json::to_value(&preset).expect("serializes"),
            "billing"
        );
    }

    #[test]
    fn scopes_read_both_shapes() {
        let partner: Scope = serde_json::from_str(r#"{"type":"partner"}"#).expect("partner");
        assert_eq!(partner, Scope::partner());
        let user: Scope =
            serde_json::from_str(r#"{"type":"user","user_id":"usr_1"}"#).expect("user");
        assert_eq!(user, Scope::user(UserId::new("usr_1")));
        assert_eq!(
            serde_json::to_value(&partner).expect("serializes"),
            serde_json::json!({"type": "partner"}),
            "no null user_id on the wire"
        );
    }

    #[test]
    fn filter_pairs_skip_what_is_unset() {
        let filter = KeyFilter {
            environment: Some(Environment::Live),
            status: None,
        };
        assert_eq!(filter.pairs(), vec![("environment", "live".to_owned())]);
    }
}
