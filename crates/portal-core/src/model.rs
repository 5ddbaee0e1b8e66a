//! Validated types for the API's objects.
//!
//! Ids are newtypes over their wire string (`org_…`, `adm_…`), timestamps are parsed RFC 3339.
//! Both cross IPC as strings.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The id as sent on the wire.
            pub fn as_str(&self) -> &str {
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

id_type!(
    /// A partner (organisation) id, `org_…`.
    PartnerId
);
id_type!(
    /// A portal admin id, `adm_…`.
    AdminId
);

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
