//! Secrets, digests and password hashes.
//!
//! API keys and session tokens are 32 random bytes from the OS CSPRNG, hex-encoded behind a
//! prefix. Only their SHA-256 digest is stored; lookups go through a unique index on the digest
//! and the final comparison is constant-time. Admin passwords are Argon2id hashes.

use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
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
    verify_password_in(password, hash, &mut HashMemory::default())
}

/// The working memory of Argon2 (about 19 MiB with the default parameters), kept by a thread
/// that verifies passwords one after another so that each verification reuses it. Allocating it
/// anew each time does not return to the same place: glibc does not reuse a freed block of that
/// size and alignment for the next one, so a process grew by 19 MiB per verification.
#[derive(Debug, Default)]
pub struct HashMemory(Vec<Block>);

/// [`verify_password`] in `memory`, which grows to what the hash's parameters need and stays
/// that size. The same computation as `argon2`'s `PasswordVerifier` (algorithm, version,
/// parameters and salt from the hash; constant-time comparison of the output).
pub fn verify_password_in(password: &str, hash: &str, memory: &mut HashMemory) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let algorithm = Algorithm::try_from(parsed.algorithm);
    let version = parsed
        .version
        .map_or(Ok(Version::default()), Version::try_from);
    let params = Params::try_from(&parsed);
    let (Ok(algorithm), Ok(version), Ok(params)) = (algorithm, version, params) else {
        return false;
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let blocks = params.block_count();
    if memory.0.len() < blocks {
        memory.0.resize(blocks, Block::default());
    }
    let mut output = vec![0u8; expected.len()];
    let hashed = Argon2::new(algorithm, version, params).hash_password_into_with_memory(
        password.as_bytes(),
        salt,
        &mut output,
        &mut memory.0[..blocks],
    );
    hashed.is_ok() && digests_equal(&output, expected.as_bytes())
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
        assert!(
            !verify_password("correct horse", hash.trim_end_matches(|c| c != '$')),
            "a hash without its output matches nothing"
        );
    }

    #[test]
    fn reused_memory_verifies_like_fresh_memory() {
        let right = hash_password("correct horse").expect("hashes");
        let other = hash_password("battery staple").expect("hashes");
        // A hash with other parameters (less memory, more passes) than the default.
        let params = Params::new(8 * 1024, 3, 1, None).expect("params");
        let small = Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password(
                b"correct horse",
                &SaltString::encode_b64(&[7; 16]).expect("salt"),
            )
            .expect("hashes")
            .to_string();
        let mut memory = HashMemory::default();
        for _ in 0..2 {
            assert!(verify_password_in("correct horse", &right, &mut memory));
            assert!(!verify_password_in("correct horse", &other, &mut memory));
            assert!(verify_password_in("battery staple", &other, &mut memory));
            assert!(verify_password_in("correct horse", &small, &mut memory));
            assert!(!verify_password_in("battery staple", &small, &mut memory));
        }
    }
}
