//! The query-string extractor: API.md §5's rules, answered in the envelope.
//!
//! An unknown parameter, a repeated one or an empty value is 400 with `field` naming it; a value
//! of the wrong type or outside an enum is 400 with `field` = the parameter. `T` should use
//! `#[serde(deny_unknown_fields)]`.

use std::collections::HashSet;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// For an endpoint that takes no query parameters: any parameter is unknown, 400 naming it.
/// Goes after the authentication extractors, so it answers in API.md §5's order.
#[derive(Debug)]
pub struct NoQuery;

impl<S: Send + Sync> FromRequestParts<S> for NoQuery {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or("");
        match form_urlencoded::parse(query.as_bytes()).next() {
            None => Ok(NoQuery),
            Some((name, _)) => Err(ApiError::invalid(
                if name.is_empty() {
                    "query".into()
                } else {
                    name
                },
                "This endpoint takes no query parameters",
            )),
        }
    }
}

/// Query parameters decoded into `T`.
#[derive(Debug)]
pub struct Params<T>(pub T);

impl<S, T> FromRequestParts<S> for Params<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        parse(parts.uri.query().unwrap_or("")).map(Params)
    }
}

/// Decodes a raw query string per the rules above.
pub fn parse<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let mut seen = HashSet::new();
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        if !seen.insert(name.clone()) {
            return Err(ApiError::invalid(
                name,
                "This parameter is given more than once",
            ));
        }
        if value.is_empty() {
            return Err(ApiError::invalid(name, "This parameter is empty"));
        }
    }
    let deserializer =
        serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let field = error.path().to_string();
        let message = error.into_inner().to_string();
        let field = if field.is_empty() || field == "." {
            message
                .strip_prefix("missing field `")
                .and_then(|rest| rest.split('`').next())
                .unwrap_or("query")
                .to_owned()
        } else {
            field
        };
        ApiError::invalid(
            field,
            format!("Invalid query parameter: {}", message.replace('`', "'")),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "snake_case")]
    enum Status {
        Active,
        Failed,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Filters {
        status: Option<Status>,
        per_page: Option<u32>,
        page_token: Option<String>,
    }

    fn field_of(query: &str) -> String {
        let error = parse::<Filters>(query).expect_err("refused");
        assert_eq!(error.code(), "invalid_request");
        error.field().unwrap_or_default().to_owned()
    }

    #[test]
    fn accepts_known_parameters() {
        let f: Filters = parse("status=failed&per_page=100").expect("valid");
        assert_eq!(
            f,
            Filters {
                status: Some(Status::Failed),
                per_page: Some(100),
                page_token: None
            }
        );
        let f: Filters = parse("").expect("no parameters");
        assert_eq!(f.status, None);
        let f: Filters = parse("page_token=a%2Eb").expect("decoded");
        assert_eq!(f.page_token.as_deref(), Some("a.b"));
        let _ = Status::Active;
    }

    #[test]
    fn names_the_parameter_at_fault() {
        assert_eq!(field_of("colour=red"), "colour");
        assert_eq!(field_of("status=active&status=failed"), "status");
        assert_eq!(field_of("status="), "status");
        assert_eq!(field_of("per_page"), "per_page");
        assert_eq!(field_of("status=paused"), "status");
        assert_eq!(field_of("per_page=ten"), "per_page");
        assert_eq!(field_of("per_page=-1"), "per_page");
    }
}
