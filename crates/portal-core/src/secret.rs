//! Secrets as a type: API keys, session tokens and passwords.
//!
//! A [`Secret`] has a redacted `Debug`, no `Display` and no `Serialize`, so formatting or
//! serializing one is a compile error or prints `Secret([redacted])`. Its memory is zeroized on
//! drop (through [`secrecy`]). The only way to the text is [`Secret::expose`], which call sites
//! use exactly where the value must go on the wire, into the keyring or onto the clipboard.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer};

/// A secret string: redacted when debug-printed, zeroized on drop, never serialized.
#[derive(Clone)]
#[cfg_attr(feature = "specta", derive(specta::Type), specta(type = String))]
pub struct Secret(SecretString);

impl Secret {
    /// Wraps a value that must not be shown. The `String` is moved in, not copied.
    pub fn new(value: String) -> Self {
        Self(SecretString::from(value))
    }

    /// The secret text. Call this only where the value must leave the process (an HTTP header,
    /// the keyring, the clipboard), never to format or log it.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// Whether the secret is empty (after nothing: whitespace counts as content).
    pub fn is_empty(&self) -> bool {
        self.expose().is_empty()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let secret = Secret::new("pk_test_0123456789abcdef".to_owned());
        let printed = format!("{secret:?} {:#?}", Some(&secret));
        assert!(
            !printed.contains("pk_test"),
            "Debug leaked the secret: {printed}"
        );
        assert!(printed.contains("redacted"));
    }

    #[test]
    fn deserializes_from_a_json_string_and_exposes_on_request() {
        let secret: Secret = serde_json::from_str("\"ps_abc\"").expect("a JSON string");
        assert_eq!(secret.expose(), "ps_abc");
        assert!(!secret.is_empty());
    }
}
