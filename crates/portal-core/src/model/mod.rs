//! Validated types for the API's objects.
//!
//! Ids are newtypes over their wire string (`org_…`, `adm_…`), timestamps are parsed RFC 3339.
//! Both cross IPC as strings. Enums a newer server could extend are "open" (an `Other(text)`
//! value instead of a decoding failure), so one unexpected value never breaks a screen.
//!
//! - [`keys`]: API keys, scopes, usage, audit events, `GET /me`.
//! - [`domains`]: domains, their filter, stats, availability and forwarding jobs.
//! - [`users`]: the partner's customers.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident = $prefix:literal, $field:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps an id from the wire, the UI or local storage. Not checked here: the server
            /// is the judge of which ids exist, and [`WireId::checked`] is asked before an id
            /// goes into a URL.
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }

            /// The id as sent on the wire.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl WireId for $name {
            const PREFIX: &'static str = $prefix;
            const FIELD: &'static str = $field;

            fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

/// An id of the API: a type prefix and a ULID, e.g. `key_01JD3Q4VX2M7P8K9N0R1S2T3U4` (API.md
/// §1). Ids reach URL paths (`/api_keys/{id}`), so one that is not of this form (`..`, `a/b`,
/// `x?y`) must never be sent: [`WireId::checked`] is the gate every URL builder goes through.
pub trait WireId {
    /// The type prefix, with its underscore (`key_`).
    const PREFIX: &'static str;
    /// The field an ill-formed id is reported against (the IPC argument's name, `key_id`).
    const FIELD: &'static str;

    /// The id as sent on the wire.
    fn as_str(&self) -> &str;

    /// The id, if it is the prefix and a canonical ULID (26 characters of Crockford's base 32,
    /// upper case, the first at most `7`); else `invalid_input` on [`WireId::FIELD`], with a
    /// message that does not repeat the text (it could be anything the UI was handed).
    fn checked(&self) -> crate::Result<&str> {
        let id = self.as_str();
        let ulid = id.strip_prefix(Self::PREFIX).unwrap_or_default();
        let crockford =
            |c: u8| c.is_ascii_digit() || (c.is_ascii_uppercase() && !b"ILOU".contains(&c));
        let well_formed = ulid.len() == 26
            && ulid.bytes().all(crockford)
            && ulid.as_bytes().first().is_some_and(|c| *c <= b'7');
        if well_formed {
            Ok(id)
        } else {
            Err(crate::Error::invalid(
                Self::FIELD,
                format!(
                    "This is not an id of the API ({}… followed by 26 letters and digits); \
                     nothing was sent",
                    Self::PREFIX
                ),
            ))
        }
    }
}

id_type!(
    /// A partner (organisation) id, `org_…`.
    PartnerId = "org_", "partner_id"
);
id_type!(
    /// A portal admin id, `adm_…`.
    AdminId = "adm_", "admin_id"
);

id_type!(
    /// An API key id, `key_…`.
    KeyId = "key_", "key_id"
);
id_type!(
    /// A customer (user) id, `usr_…`.
    UserId = "usr_", "user_id"
);
id_type!(
    /// A domain id, `dom_…`.
    DomainId = "dom_", "domain_id"
);
id_type!(
    /// A forwarding job id, `fwj_…`.
    JobId = "fwj_", "job_id"
);
id_type!(
    /// An audit event id, `evt_…`.
    EventId = "evt_", "event_id"
);

/// An enum of the wire whose set of values a newer server may extend: known values are
/// variants, anything else is kept as `Other(text)` and shown as text, so it can never fail a
/// whole response. Crosses IPC as its wire string.
macro_rules! open_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "specta", derive(specta::Type), specta(type = String))]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
            /// A value this version does not know, kept as sent.
            Other(String),
        }

        impl $name {
            /// Every known value.
            pub const KNOWN: &[$name] = &[$($name::$variant),+];

            /// The wire string.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $wire,)+
                    $name::Other(text) => text,
                }
            }

            /// Parses a wire string; unknown text becomes `Other`.
            pub fn parse(text: &str) -> Self {
                match text {
                    $($wire => $name::$variant,)+
                    other => $name::Other(other.to_owned()),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <String as ::serde::Deserialize>::deserialize(deserializer)?;
                Ok($name::parse(&text))
            }
        }
    };
}

open_enum!(
    /// Which data set a key works on.
    Environment {
        /// Real customers and domains.
        Live = "live",
        /// The test data set.
        Test = "test",
    }
);

mod domains;
mod keys;
mod users;

pub use domains::*;
pub use keys::*;
pub use users::*;

/// A point in time, parsed from and written as RFC 3339 UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "specta", derive(specta::Type), specta(type = String))]
pub struct Timestamp(pub OffsetDateTime);

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = self.0.format(&Rfc3339).map_err(serde::ser::Error::custom)?;
        serializer.serialize_str(&text)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        OffsetDateTime::parse(&text, &Rfc3339)
            .map(Timestamp)
            .map_err(|e| serde::de::Error::custom(format!("not an RFC 3339 time ({e})")))
    }
}

/// The partner an admin or a key belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Partner {
    /// `org_…`
    pub id: PartnerId,
    /// Display name, e.g. "Acme Resellers".
    pub name: String,
}

/// A portal admin (a person who manages the partner's keys).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Admin {
    /// `adm_…`
    pub id: AdminId,
    /// Sign-in email.
    pub email: String,
    /// Display name.
    pub name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip_as_rfc3339_and_reject_other_text() {
        let t: Timestamp = serde_json::from_str("\"2026-11-01T12:30:00Z\"").expect("valid time");
        assert_eq!(
            serde_json::to_string(&t).expect("serializes"),
            "\"2026-11-01T12:30:00Z\""
        );
        let bad = serde_json::from_str::<Timestamp>("\"yesterday\"");
        assert!(bad.is_err(), "free text must not parse as a time");
    }

    #[test]
    fn ids_are_plain_strings_on_the_wire() {
        let p: Partner =
            serde_json::from_str(r#"{"id":"org_01JD","name":"Acme"}"#).expect("valid partner");
        assert_eq!(p.id.as_str(), "org_01JD");
        assert_eq!(serde_json::to_value(&p.id).expect("serializes"), "org_01JD");
    }
}

#[cfg(test)]
mod id_tests {
    use super::*;

    #[test]
    fn only_the_prefix_and_a_canonical_ulid_go_into_a_url() {
        let good = KeyId::new("key_01JD3Q4VX2M7P8K9N0R1S2T3V4");
        assert_eq!(good.checked().ok(), Some("key_01JD3Q4VX2M7P8K9N0R1S2T3V4"));
        for bad in [
            "..",
            "key_..",
            "key_01JD3Q4VX2M7P8K9N0R1S2T3V",
            "key_01JD3Q4VX2M7P8K9N0R1S2T3V4/..",
            "key_01jd3q4vx2m7p8k9n0r1s2t3v4",
            "key_01JD3Q4VX2M7P8K9N0R1S2T3U4",
            "key_81JD3Q4VX2M7P8K9N0R1S2T3V4",
            "dom_01JD3Q4VX2M7P8K9N0R1S2T3V4",
            "key_01JD3Q4VX2M7P8K9N0R1S2T3V4\u{0}",
        ] {
            let error = KeyId::new(bad).checked().expect_err(bad);
            assert_eq!(error.field(), Some("key_id"), "{bad:?}");
        }
        assert_eq!(
            DomainId::new("..")
                .checked()
                .err()
                .and_then(|e| e.field().map(str::to_owned)),
            Some("domain_id".to_owned())
        );
    }
}
