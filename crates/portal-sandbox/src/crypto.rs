//! Secrets, digests and password hashes.
//!
//! API keys and session tokens are 32 random bytes from the OS CSPRNG, hex-encoded behind a
//! prefix. Only their SHA-256 digest is stored; lookups go through a unique index on the digest
//! and the final comparison is constant-time. Admin passwords are Argon2id hashes.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::TryRngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// 32 random bytes from the OS, hex-encoded (64 lowercase hex characters).
pub fn random_hex32() -> String {
    let mut bytes = [0u8; 32];
    #[allow(clippy::expect_used)] // The OS CSPRNG failing is not recoverable.
    OsRng
        .try_fill_bytes(&mut bytes)
        .expect("the OS random number generator failed");
    hex::encode(bytes)
}

/// The stored digest of a key or token.
pub fn digest(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// Constant-time equality of two digests.
pub fn digests_equal(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// Hashes a password with Argon2id (default parameters, random salt).
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let mut salt = [0u8; 16];
    OsRng.try_fill_bytes(&mut salt)?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("password hash: {e}"))
}

/// Whether `password` matches a stored Argon2 hash. A malformed hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A hash to verify against when the email is unknown, so that a wrong email costs the same time
/// as a wrong password.
pub fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("not-a-password").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_secrets_are_64_lowercase_hex_and_differ() {
        let (a, b) = (random_hex32(), random_hex32());
        assert_eq!(a.len(), 64);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
        );
        assert_ne!(a, b, "two draws from the CSPRNG must differ");
    }

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let hash = hash_password("correct horse").expect("hashes");
        assert!(
            hash.starts_with("$argon2id$"),
            "Argon2id expected, got {hash}"
        );
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("correct horse ", &hash));
        assert!(!verify_password("x", "not a hash"));
    }
}
