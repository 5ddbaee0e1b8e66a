//! The partner's customers (`GET /users`, API.md §2).

use serde::{Deserialize, Serialize};

use super::{Timestamp, UserId};

open_enum!(
    /// Whether a customer is still one.
    UserStatus {
        /// A current customer.
        Active = "active",
        /// A former customer.
        Deleted = "deleted",
    }
);

/// A customer of the partner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct User {
    /// `usr_…`
    pub id: UserId,
    /// Their email.
    pub email: String,
    /// Given name, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Family name, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Active or deleted.
    pub status: UserStatus,
    /// When they became a customer.
    pub created_at: Timestamp,
}

/// Which customers to list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UserFilter {
    /// Only the customer with this email (matched ignoring case).
    #[serde(default)]
    pub email: Option<String>,
    /// Only this status.
    #[serde(default)]
    pub status: Option<UserStatus>,
}

impl UserFilter {
    /// The query parameters; a blank email is no filter.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if let Some(email) = self
            .email
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty())
        {
            pairs.push(("email", email.to_owned()));
        }
        if let Some(status) = &self.status {
            pairs.push(("status", status.as_str().to_owned()));
        }
        pairs
    }
}
