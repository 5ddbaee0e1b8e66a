//! The availability rule of `POST /domains/availability`.
//!
//! The sandbox has no registry behind it, so the answer is a deterministic function of the
//! name and of the partner's own domains. For each entry, in order:
//!
//! 1. not a valid domain name (after trimming and lower-casing: 2+ dot-separated labels of
//!    1..=63 `a-z0-9-` characters, no label starting or ending with `-`, an alphabetic TLD of
//!    2+ letters, 253 characters at most) → `available: false, premium: false,
//!    reason: "invalid"`, echoed as given;
//! 2. one of the partner's domains in the key's environment (any category, any customer) →
//!    `available: false, premium: false, reason: "taken"`;
//! 3. otherwise the first two bytes of SHA-256 of the name pick a bucket 0..100: below 15 the
//!    name is registered elsewhere (`taken`, as 2); below 25, or when its first label has at
//!    most 3 characters, it is a premium name: `available: false, premium: true,
//!    reason: "premium"` with its premium price (the partner API registers standard-priced
//!    names only, so a premium name is quoted but not available);
//! 4. else `available: true, premium: false` with `usable_for`, the TLD's price and renewal
//!    price in cents and `currency: "USD"`.
//!
//! `reason` is present exactly when `available` is false; prices exactly when the name is
//! available or premium; `usable_for` exactly when it is available.

use sha2::{Digest, Sha256};

use super::Provider;
use super::availability::{NameAvailability, UnavailableReason};

/// A row for a name that cannot be registered, without prices.
pub fn unavailable(domain: String, reason: UnavailableReason) -> NameAvailability {
    NameAvailability {
        domain,
        available: false,
        usable_for: None,
        premium: false,
        reason: Some(reason),
        price_cents: None,
        renewal_price_cents: None,
        currency: None,
    }
}

/// Steps 3 and 4 of the module's rule, for a valid name the partner does not hold.
pub fn quote(name: String) -> NameAvailability {
    let hash = Sha256::digest(name.as_bytes());
    let bucket = u16::from_be_bytes([hash[0], hash[1]]) % 100;
    let first_label = name.split('.').next().unwrap_or_default();
    let tld = name.rsplit('.').next().unwrap_or_default();
    let (price, renewal) = tld_prices(tld);
    if bucket < 15 {
        return unavailable(name, UnavailableReason::Taken);
    }
    if bucket < 25 || first_label.len() <= 3 {
        // 250.00 to 5,000.00 USD, in whole dollars.
        let premium_price = (250 + u32::from(u16::from_be_bytes([hash[4], hash[5]])) % 4751) * 100;
        return NameAvailability {
            premium: true,
            price_cents: Some(premium_price),
            renewal_price_cents: Some(renewal),
            currency: Some("USD".to_owned()),
            ..unavailable(name, UnavailableReason::Premium)
        };
    }
    let usable_for = match hash[3] % 10 {
        0..=6 => vec![Provider::Google, Provider::Microsoft],
        7 | 8 => vec![Provider::Google],
        _ => vec![Provider::Microsoft],
    };
    NameAvailability {
        domain: name,
        available: true,
        usable_for: Some(usable_for),
        premium: false,
        reason: None,
        price_cents: Some(price),
        renewal_price_cents: Some(renewal),
        currency: Some("USD".to_owned()),
    }
}

/// A TLD's standard first-year and renewal prices, in cents.
fn tld_prices(tld: &str) -> (u32, u32) {
    match tld {
        "com" => (1199, 1499),
        "net" => (1399, 1699),
        "org" => (1099, 1399),
        "io" => (3999, 4999),
        "co" => (2499, 2999),
        "ai" => (6999, 7999),
        "dev" | "app" => (1499, 1699),
        _ => (1999, 2299),
    }
}

/// Whether `name` (already trimmed and lower-cased) is a domain name the rule accepts.
pub fn is_valid_name(name: &str) -> bool {
    let labels: Vec<&str> = name.split('.').collect();
    let label_ok = |label: &&str| {
        (1..=63).contains(&label.len())
            && label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    let tld_ok = labels
        .last()
        .is_some_and(|tld| tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_lowercase()));
    name.len() <= 253 && labels.len() >= 2 && labels.iter().all(label_ok) && tld_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_rule_accepts_and_refuses() {
        for good in [
            "example.com",
            "a-b.example.co",
            "xn--bcher-kva.de",
            "1password.io",
        ] {
            assert!(is_valid_name(good), "{good} is a domain name");
        }
        let long_label = format!("{}.com", "a".repeat(64));
        let long_name = format!("{}.com", vec!["a".repeat(60); 5].join("."));
        for bad in [
            "",
            "com",
            "example",
            "example.",
            ".com",
            "exa mple.com",
            "-ab.com",
            "ab-.com",
            "example.c",
            "example.c0m",
            "exa_mple.com",
            "ex..com",
            "bücher.de",
            &long_label,
            &long_name,
        ] {
            assert!(!is_valid_name(bad), "{bad:?} is not a domain name");
        }
    }

    #[test]
    fn quotes_are_coherent_and_deterministic() {
        let mut seen = [false; 3];
        for i in 0..200 {
            let name = format!("brand{i}.com");
            let row = quote(name.clone());
            let again = quote(name);
            assert_eq!(row.available, again.available, "deterministic");
            assert_eq!(row.price_cents, again.price_cents, "deterministic");
            assert_eq!(
                row.reason.is_some(),
                !row.available,
                "a reason exactly when unavailable"
            );
            assert_eq!(
                row.usable_for.is_some(),
                row.available,
                "usable_for when available"
            );
            assert_eq!(row.premium, row.reason == Some(UnavailableReason::Premium));
            assert_eq!(row.price_cents.is_some(), row.available || row.premium);
            assert_eq!(row.currency.is_some(), row.price_cents.is_some());
            if let Some(price) = row.price_cents.filter(|_| row.premium) {
                assert!((25_000..=500_000).contains(&price), "premium price {price}");
            }
            let kind = match row.reason {
                None => 0,
                Some(UnavailableReason::Premium) => 1,
                _ => 2,
            };
            seen[kind] = true;
        }
        assert_eq!(
            seen, [true; 3],
            "available, premium and taken names all occur"
        );
        let short: Vec<_> = ["abc", "xyz", "kit", "zap", "q7"]
            .iter()
            .map(|label| quote(format!("{label}.com")))
            .collect();
        assert!(
            short
                .iter()
                .all(|row| row.premium || row.reason == Some(UnavailableReason::Taken)),
            "a name of at most three characters is premium unless registered elsewhere"
        );
        assert!(
            short.iter().any(|row| row.premium),
            "short names are premium"
        );
    }
}
