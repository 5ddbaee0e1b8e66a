//! The filters of `GET /domains` and `GET /domains/stats`: their query parameters, checks,
//! and the `(name, value)` pairs page tokens and links carry. [`super::sql`] turns them into SQL.

use serde::Deserialize;
use utoipa::IntoParams;

use super::{DomainCategory, DomainStatus, Provider, is_id};
use crate::error::{ApiError, ApiResult};

/// What `GET /domains` filters on; the same filters count in `GET /domains/stats`.
#[derive(Debug, Default, Clone)]
pub struct Filters {
    /// `inventory` or `connected`.
    pub category: Option<DomainCategory>,
    /// One customer, by id.
    pub user_id: Option<String>,
    /// One customer, by email (exact, ignoring case).
    pub user_email: Option<String>,
    /// Domains usable with this provider.
    pub usable_for: Option<Provider>,
    /// Domains in this status.
    pub status: Option<DomainStatus>,
}

/// `GET /domains`'s query.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only domains of this category.
    #[param(inline)]
    category: Option<DomainCategory>,
    /// Only this customer's domains (`usr_` + ULID).
    #[param(pattern = "^usr_[0-7][0-9A-HJKMNP-TV-Z]{25}$")]
    user_id: Option<String>,
    /// Only the domains of the customer with this email (exact, ignoring case).
    #[param(min_length = 1)]
    user_email: Option<String>,
    /// Only domains usable with this provider.
    #[param(inline)]
    usable_for: Option<Provider>,
    /// Only domains in this status.
    #[param(inline)]
    status: Option<DomainStatus>,
    /// Rows per page, 1..=100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    per_page: Option<u32>,
    /// Copied from `links.next`.
    #[param(min_length = 1)]
    page_token: Option<String>,
}

/// `GET /domains/stats`'s query: the filters of `GET /domains`, no paging.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// Only domains of this category.
    #[param(inline)]
    category: Option<DomainCategory>,
    /// Only this customer's domains (`usr_` + ULID).
    #[param(pattern = "^usr_[0-7][0-9A-HJKMNP-TV-Z]{25}$")]
    user_id: Option<String>,
    /// Only the domains of the customer with this email (exact, ignoring case).
    #[param(min_length = 1)]
    user_email: Option<String>,
    /// Only domains usable with this provider.
    #[param(inline)]
    usable_for: Option<Provider>,
    /// Only domains in this status.
    #[param(inline)]
    status: Option<DomainStatus>,
}

impl ListQuery {
    /// The checked filters, `per_page` and `page_token`.
    pub fn split(self) -> ApiResult<(Filters, Option<u32>, Option<String>)> {
        let filters = Filters {
            category: self.category,
            user_id: self.user_id,
            user_email: self.user_email,
            usable_for: self.usable_for,
            status: self.status,
        };
        Ok((filters.checked()?, self.per_page, self.page_token))
    }
}

impl StatsQuery {
    /// The checked filters.
    pub fn filters(self) -> ApiResult<Filters> {
        Filters {
            category: self.category,
            user_id: self.user_id,
            user_email: self.user_email,
            usable_for: self.usable_for,
            status: self.status,
        }
        .checked()
    }
}

impl Filters {
    /// 400 `field: "user_id"` for an id that is not `usr_` + a canonical ULID.
    fn checked(self) -> ApiResult<Self> {
        if let Some(user_id) = &self.user_id
            && !is_id("usr", user_id)
        {
            return Err(ApiError::invalid(
                "user_id",
                "user_id must be usr_ followed by a ULID",
            ));
        }
        Ok(self)
    }

    /// The filters given, as `(name, value)` in a fixed order: what page tokens are bound to
    /// and what list links carry.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if let Some(v) = self.category {
            pairs.push(("category", v.as_str().to_owned()));
        }
        if let Some(v) = &self.user_id {
            pairs.push(("user_id", v.clone()));
        }
        if let Some(v) = &self.user_email {
            pairs.push(("user_email", v.clone()));
        }
        if let Some(v) = self.usable_for {
            pairs.push(("usable_for", v.as_str().to_owned()));
        }
        if let Some(v) = self.status {
            pairs.push(("status", v.as_str().to_owned()));
        }
        pairs
    }
}
