//! Secrets as a type: API keys, session tokens and passwords.
//!
//! A [`Secret`] has a redacted `Debug`, no `Display` and no `Serialize`, so formatting or
//! serializing one is a compile error or prints `Secret([redacted])`. Its memory is zeroized on
//! drop (through [`secrecy`]). The only way to the text is [`Secret::expose`], which call sites
//! use exactly where the value must go on the wire, into the keyring or onto the clipboard.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};
use crate::model::{Environment, KeyId};

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

/// Length of a partner key: `pk_live_`/`pk_test_` and 64 lowercase hex characters.
const KEY_LENGTH: usize = 8 + 64;

/// Checks a pasted partner key before any request: the prefix, the environment it names and
/// its length. Surrounding whitespace is dropped. Errors name the field `secret` and never
/// repeat the key.
pub fn parse_partner_key(pasted: Secret) -> Result<(Secret, Environment)> {
    let text = pasted.expose().trim();
    let environment = if text.starts_with("pk_live_") {
        Environment::Live
    } else if text.starts_with("pk_test_") {
        Environment::Test
    } else {
        return Err(Error::invalid(
            "secret",
            "This is not a partner API key: keys start with pk_live_ or pk_test_",
        ));
    };
    if text.len() != KEY_LENGTH {
        return Err(Error::invalid(
            "secret",
            format!(
                "This key has {} characters; partner keys have {KEY_LENGTH}. Copy the whole key",
                text.chars().count()
            ),
        ));
    }
    if !text[8..]
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(Error::invalid(
            "secret",
            "After its prefix a partner key has only the characters 0-9 and a-f",
        ));
    }
    let trimmed = Secret::new(text.to_owned());
    Ok((trimmed, environment))
}

/// The one-shot carrier of a new key's secret to the reveal step: the only value that
/// serializes a secret, made only by the create and rotate services and sent to the UI once.
/// Its `Debug` is redacted like [`Secret`]'s.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RevealedSecret {
    /// The key it belongs to.
    pub key_id: KeyId,
    /// The secret text.
    #[serde(serialize_with = "expose_for_reveal")]
    #[cfg_attr(feature = "specta", specta(type = String))]
    secret: Secret,
}

impl RevealedSecret {
    pub(crate) fn new(key_id: KeyId, secret: Secret) -> Self {
        Self { key_id, secret }
    }

    /// The secret, for the shell to keep while the reveal step is open (to copy or save it
    /// without the UI sending it back).
    pub fn secret(&self) -> &Secret {
        &self.secret
    }
}

fn expose_for_reveal<S: Serializer>(secret: &Secret, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(secret.expose())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn pasted_keys_are_checked_without_being_repeated() {
        let (key, env) = parse_partner_key(Secret::new(format!("  pk_live_{HEX}\n")))
            .expect("a well-formed live key");
        assert_eq!(
            (key.expose().len(), env),
            (72, Environment::Live),
            "trimmed"
        );
        for bad in [
            format!("sk_live_{HEX}"),
            format!("pk_test_{}", &HEX[1..]),
            format!("pk_test_{}", HEX.to_uppercase()),
            String::new(),
        ] {
            let error = parse_partner_key(Secret::new(bad.clone())).expect_err("refused");
            assert_eq!(error.field(), Some("secret"));
            if !bad.is_empty() {
                assert!(
                    !error.to_string().contains(&bad[8..20]),
                    "message repeats the key"
                );
            }
        }
    }

    #[test]
    fn the_reveal_dto_is_the_one_place_a_secret_serializes() {
        let reveal =
            RevealedSecret::new(KeyId::new("key_1"), Secret::new(format!("pk_test_{HEX}")));
        let json = serde_json::to_value(&reveal).expect("serializes");
        assert_eq!(json["secret"], format!("pk_test_{HEX}"));
        assert!(!format!("{reveal:?}").contains(HEX), "Debug stays redacted");
    }

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
