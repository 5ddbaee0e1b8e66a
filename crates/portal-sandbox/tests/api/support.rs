//! The test sandbox: a router over an in-memory database with clocks the tests move.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use portal_sandbox::limit::FakeRelativeClock;
use portal_sandbox::store::{Db, partner_id};
use portal_sandbox::{AppState, Clock, Config, RateLimiter, keys, prepare_database, router};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::macros::datetime;
use tower::ServiceExt;

pub const EMAIL: &str = "admin@acme.example";
pub const PASSWORD: &str = "correct horse battery";
/// The address the test router is told it listens on (the `Host` its requests carry).
pub const AUTHORITY: &str = "127.0.0.1:4010";

/// A clock the test moves by hand.
#[derive(Clone)]
pub struct ManualClock(Arc<Mutex<OffsetDateTime>>);

impl ManualClock {
    pub fn advance(&self, seconds: i64) {
        let mut now = self.0.lock().expect("clock lock");
        *now += time::Duration::seconds(seconds);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> OffsetDateTime {
        *self.0.lock().expect("clock lock")
    }
}

pub struct Sandbox {
    pub app: Router,
    pub db: Db,
    pub clock: ManualClock,
    pub rate_clock: FakeRelativeClock,
}

/// A sandbox over a new in-memory database.
pub fn sandbox() -> Sandbox {
    sandbox_over(Db::open_in_memory().expect("in-memory database"))
}

/// A sandbox over a database just opened (`Db::open` / `Db::open_in_memory`).
pub fn sandbox_over((db, _fresh): (Db, bool)) -> Sandbox {
    let domains = Config::default().domains;
    prepare_database(&db, 7, domains, EMAIL, PASSWORD).expect("seeded");
    let clock = ManualClock(Arc::new(Mutex::new(datetime!(2026-11-20 10:00 UTC))));
    let (limiter, rate_clock) = RateLimiter::with_fake_clock(600);
    let listening = AUTHORITY.parse().expect("a socket address");
    let state =
        AppState::new(db.clone(), Arc::new(clock.clone()), limiter, listening).expect("state");
    Sandbox {
        app: router(state),
        db,
        clock,
        rate_clock,
    }
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Value,
}

impl Sandbox {
    pub async fn send(
        &self,
        method: Method,
        uri: &str,
        bearer: Option<&str>,
        body: Body,
    ) -> Answer {
        let mut request = Request::builder().method(method).uri(uri);
        if let Some(token) = bearer {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        self.send_request(request.body(body).expect("valid request"))
            .await
    }

    /// Sends a request built by the caller (other headers, a declared length), addressed to
    /// [`AUTHORITY`] like a client's unless the caller set a `Host` of its own.
    pub async fn send_request(&self, mut request: Request<Body>) -> Answer {
        if !request.headers().contains_key(header::HOST) {
            request
                .headers_mut()
                .insert(header::HOST, header::HeaderValue::from_static(AUTHORITY));
        }
        let response = self
            .app
            .clone()
            .oneshot(request)
            .await
            .expect("the router never fails");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or_else(|_| {
                panic!(
                    "{status} answered a non-JSON body: {}",
                    String::from_utf8_lossy(&bytes)
                )
            })
        };
        assert_request_id(&headers);
        Answer {
            status,
            headers,
            body,
        }
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Answer {
        let body = json!({ "email": email, "password": password }).to_string();
        self.send(
            Method::POST,
            "/api/portal/v1/sessions",
            None,
            Body::from(body),
        )
        .await
    }

    pub fn key(&self, environment: &'static str, preset: &'static str) -> keys::CreatedKey {
        self.db
            .blocking(|conn| {
                let partner = partner_id(conn)?;
                keys::create(
                    conn,
                    &keys::NewKey {
                        partner_id: &partner,
                        environment,
                        label: "test key",
                        preset,
                        scope_user_id: None,
                        created_by: None,
                        created_at: datetime!(2026-11-19 10:00 UTC).unix_timestamp(),
                        expires_at: None,
                    },
                )
            })
            .expect("db")
            .expect("key created")
    }
}

pub fn assert_request_id(headers: &axum::http::HeaderMap) {
    let id = headers
        .get("peeker-request-id")
        .and_then(|v| v.to_str().ok())
        .expect("every response carries Peeker-Request-Id");
    let ulid = id
        .strip_prefix("req_")
        .expect("request ids start with req_");
    assert_eq!(ulid.len(), 26, "a ULID has 26 characters: {id}");
    assert!(
        ulid.chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()),
        "canonical upper-case Crockford: {id}"
    );
}

pub fn error_code(answer: &Answer) -> &str {
    answer.body["error"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no envelope: {}", answer.body))
}

/// Reads `tests/fixtures/api/<name>.json` (answers written by hand from API.md).
pub fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/../../tests/fixtures/api/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Whether `actual` has the same shape as `expected`: the same object keys at every level and
/// the same JSON type for every value (the values themselves may differ).
pub fn same_shape(expected: &Value, actual: &Value) -> Result<(), String> {
    shape_at("$", expected, actual)
}

fn shape_at(path: &str, expected: &Value, actual: &Value) -> Result<(), String> {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            let mut ek: Vec<_> = e.keys().collect();
            let mut ak: Vec<_> = a.keys().collect();
            ek.sort();
            ak.sort();
            if ek != ak {
                return Err(format!("{path}: keys {ak:?}, expected {ek:?}"));
            }
            e.iter()
                .try_for_each(|(k, v)| shape_at(&format!("{path}.{k}"), v, &a[k]))
        }
        (Value::Array(e), Value::Array(a)) => match (e.first(), a.first()) {
            (Some(e0), Some(_)) => a
                .iter()
                .enumerate()
                .try_for_each(|(i, v)| shape_at(&format!("{path}[{i}]"), e0, v)),
            _ => Ok(()),
        },
        (e, a) if std::mem::discriminant(e) == std::mem::discriminant(a) => Ok(()),
        (e, a) => Err(format!(
            "{path}: {a} has another type than the fixture's {e}"
        )),
    }
}

// --- Customers, domains and scoped keys (tests/api/domains/, tests/api/users.rs) ---

/// Deletes every customer, domain and forwarding job (the seed's included), so a test sees
/// exactly the rows it inserts, whatever the seed makes.
pub fn clear_customers(s: &Sandbox) {
    s.db.blocking(|conn| {
        conn.execute_batch("DELETE FROM forwarding_jobs; DELETE FROM domains; DELETE FROM users;")
    })
    .expect("db")
    .expect("cleared");
}

/// A new id: `prefix_` + a canonical ULID.
pub fn test_id(prefix: &str) -> String {
    format!("{prefix}_{}", ulid::Ulid::new())
}

/// Inserts a customer of the default partner; returns its `usr_…` id.
pub fn insert_user(
    s: &Sandbox,
    environment: &str,
    email: &str,
    names: Option<(&str, &str)>,
    status: &str,
    created_at: i64,
) -> String {
    let id = test_id("usr");
    s.db.blocking(|conn| {
        let partner = partner_id(conn)?;
        conn.execute(
            "INSERT INTO users (id, partner_id, environment, email, first_name, last_name, status,
                 created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            rusqlite::params![
                id,
                partner,
                environment,
                email,
                names.map(|n| n.0),
                names.map(|n| n.1),
                status,
                created_at
            ],
        )
    })
    .expect("db")
    .expect("user inserted");
    id
}

/// A domain row for [`insert_domain`]; `usable_for` is the column's bit set (1 google,
/// 2 microsoft).
#[derive(Debug, Clone)]
pub struct DomainRow {
    pub environment: &'static str,
    pub domain: String,
    pub category: &'static str,
    pub status: &'static str,
    pub usable_for: i64,
    pub provider: Option<&'static str>,
    pub user_id: Option<String>,
    pub order_id: Option<String>,
    pub forwarding_url: Option<String>,
    pub created_at: i64,
}

impl DomainRow {
    /// An inventory domain, available, usable with both providers.
    pub fn inventory(environment: &'static str, domain: &str, created_at: i64) -> Self {
        DomainRow {
            environment,
            domain: domain.to_owned(),
            category: "inventory",
            status: "available",
            usable_for: 3,
            provider: None,
            user_id: None,
            order_id: None,
            forwarding_url: None,
            created_at,
        }
    }

    /// A connected domain of `user_id` on `provider`.
    pub fn connected(
        environment: &'static str,
        domain: &str,
        user_id: &str,
        status: &'static str,
        provider: &'static str,
        created_at: i64,
    ) -> Self {
        DomainRow {
            category: "connected",
            status,
            usable_for: if provider == "google" { 1 } else { 2 },
            provider: Some(provider),
            user_id: Some(user_id.to_owned()),
            order_id: Some(format!("ord_{domain}")),
            ..DomainRow::inventory(environment, domain, created_at)
        }
    }
}

/// Inserts a domain of the default partner; returns its `dom_…` id.
pub fn insert_domain(s: &Sandbox, row: &DomainRow) -> String {
    let id = test_id("dom");
    s.db.blocking(|conn| {
        let partner = partner_id(conn)?;
        conn.execute(
            "INSERT INTO domains (id, partner_id, environment, domain, category, status,
                 usable_for, provider, user_id, order_id, forwarding_url, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            rusqlite::params![
                id,
                partner,
                row.environment,
                row.domain,
                row.category,
                row.status,
                row.usable_for,
                row.provider,
                row.user_id,
                row.order_id,
                row.forwarding_url,
                row.created_at
            ],
        )
    })
    .expect("db")
    .expect("domain inserted");
    id
}

/// A key of the default partner limited to one customer.
pub fn customer_key(
    s: &Sandbox,
    environment: &'static str,
    preset: &'static str,
    user_id: &str,
) -> keys::CreatedKey {
    s.db.blocking(|conn| {
        let partner = partner_id(conn)?;
        keys::create(
            conn,
            &keys::NewKey {
                partner_id: &partner,
                environment,
                label: "customer key",
                preset,
                scope_user_id: Some(user_id),
                created_by: None,
                created_at: datetime!(2026-11-19 10:00 UTC).unix_timestamp(),
                expires_at: None,
            },
        )
    })
    .expect("db")
    .expect("key created")
}

/// `GET uri` with `bearer`.
pub async fn get(s: &Sandbox, uri: &str, bearer: &str) -> Answer {
    s.send(Method::GET, uri, Some(bearer), Body::empty()).await
}

/// `POST uri` with `bearer` and a JSON body.
pub async fn post_json(s: &Sandbox, uri: &str, bearer: &str, body: &Value) -> Answer {
    s.send(
        Method::POST,
        uri,
        Some(bearer),
        Body::from(body.to_string()),
    )
    .await
}

/// Asserts a 400 `invalid_request` naming `field`.
pub fn assert_invalid(answer: &Answer, field: &str, why: &str) {
    assert_eq!(
        answer.status,
        StatusCode::BAD_REQUEST,
        "{why}: {}",
        answer.body
    );
    assert_eq!(error_code(answer), "invalid_request", "{why}");
    assert_eq!(
        answer.body["error"]["field"], field,
        "{why}: {}",
        answer.body
    );
}

/// The ids of a list answer's `data`, in order.
pub fn ids_of(answer: &Answer) -> Vec<String> {
    answer.body["data"]
        .as_array()
        .unwrap_or_else(|| panic!("a list: {}", answer.body))
        .iter()
        .map(|row| row["id"].as_str().expect("id").to_owned())
        .collect()
}

/// The path and query of an absolute link (what to send to the router).
pub fn path_of(link: &Value) -> String {
    let link = link.as_str().unwrap_or_else(|| panic!("a link: {link}"));
    let rest = link.strip_prefix("http://").expect("absolute http link");
    rest[rest.find('/').expect("a path")..].to_owned()
}

/// Every id of a list, in order, following `links.next` to the end; checks that every page is a
/// 200 whose `meta.returned` counts its rows.
pub async fn all_pages(s: &Sandbox, uri: &str, bearer: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut next = Some(uri.to_owned());
    while let Some(uri) = next {
        let page = get(s, &uri, bearer).await;
        assert_eq!(page.status, StatusCode::OK, "{uri}: {}", page.body);
        let rows = ids_of(&page);
        assert_eq!(
            page.body["meta"]["returned"],
            rows.len(),
            "returned counts the rows"
        );
        ids.extend(rows);
        let link = &page.body["links"]["next"];
        next = (!link.is_null()).then(|| path_of(link));
        assert!(ids.len() <= 10_000, "paging must end");
    }
    ids
}
