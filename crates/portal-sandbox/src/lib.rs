//! A sandbox of the Peeker partner API and of our portal API (API.md), on axum + SQLite.
//!
//! The desktop app starts it in-process on `127.0.0.1` with an ephemeral port, so everything
//! works on a fresh machine with no account and no network; the `partner-sandbox` binary runs
//! it standalone. Tests drive [`router`] with `tower::ServiceExt::oneshot` (no socket) or
//! [`spawn`] a real server.
//!
//! Invariants: it binds loopback only and answers only requests addressed to its listening
//! address from its own origin (403 otherwise, so web pages in the user's browser cannot use it);
//! no secret or token is ever written to the database, a log line or an error message (only
//! SHA-256 digests and Argon2id hashes are stored); every response carries `Peeker-Request-Id`;
//! every error is the API's envelope.

mod addressing;
mod audit;
mod auth;
pub mod crypto;
mod error;
mod extract;
mod jobs;
mod key_cache;
pub mod keys;
pub mod limit;
mod list;
mod openapi;
pub mod page;
mod passwords;
mod query;
mod request_id;
mod routes;
pub mod seed;
pub mod store;
pub mod usage;
mod wire;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::header;
use axum::middleware::{from_fn, from_fn_with_state, map_response};
use axum::routing::get;
use rusqlite::OptionalExtension;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;

pub use error::ApiError;
pub use limit::RateLimiter;
use page::PageKey;
pub use request_id::HEADER as REQUEST_ID_HEADER;
use store::Db;

/// The admin email used when none is given.
pub const DEFAULT_ADMIN_EMAIL: &str = "admin@acme.example";

/// Where "now" comes from; tests pass a fixed or hand-moved clock.
pub trait Clock: Send + Sync + 'static {
    /// The current time.
    fn now(&self) -> OffsetDateTime;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// Shared state of the router.
#[derive(Clone)]
pub struct AppState {
    db: Db,
    clock: Arc<dyn Clock>,
    limiter: Arc<RateLimiter>,
    page_key: PageKey,
    usage: Arc<usage::UsageBuffer>,
    key_cache: Arc<key_cache::KeyCache>,
    listening: Arc<addressing::Listening>,
    passwords: Arc<passwords::PasswordGate>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").finish_non_exhaustive()
    }
}

impl AppState {
    /// State over an open (prepared) database, a clock and a rate limiter, for a server listening
    /// on `listening`: only requests addressed to that address (or `localhost` on its port) are
    /// answered. Reads the page-token key from the database, creating it on first use.
    pub fn new(
        db: Db,
        clock: Arc<dyn Clock>,
        limiter: RateLimiter,
        listening: SocketAddr,
    ) -> anyhow::Result<Self> {
        let page_key = db.blocking(store::page_key)??;
        Ok(Self {
            db,
            clock,
            limiter: Arc::new(limiter),
            page_key,
            usage: Arc::default(),
            key_cache: Arc::default(),
            listening: Arc::new(addressing::Listening::new(listening)),
            passwords: Arc::new(passwords::PasswordGate::new()?),
        })
    }

    /// The database.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Writes the buffered usage counts (see [`usage`]).
    pub async fn flush_usage(&self) -> Result<usize, ApiError> {
        let usage = Arc::clone(&self.usage);
        self.db.call(move |conn| Ok(usage.flush(conn)?)).await
    }

    fn now_unix(&self) -> i64 {
        self.clock.now().unix_timestamp()
    }
}

/// The whole API as one router: `/api/portal/v1/…` and `/api/partner/v1/…`, with request ids,
/// tracing, the body limit and envelopes for the framework's own errors. Before anything else it
/// refuses (403) a request not addressed to the state's listening address or sent from another
/// origin (see `addressing`), `/openapi.json` included.
pub fn router(state: AppState) -> Router {
    let listening = Arc::clone(&state.listening);
    let (routes, document) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .nest("/api/portal/v1", routes::portal())
        .nest("/api/partner/v1", routes::partner())
        .split_for_parts();
    let document: Arc<str> = document.to_json().unwrap_or_default().into();
    let openapi_json = move || async move {
        (
            [(header::CONTENT_TYPE, "application/json")],
            document.to_string(),
        )
    };
    routes
        .route("/openapi.json", get(openapi_json))
        .fallback(|| async { ApiError::not_found("No such endpoint") })
        .with_state(state)
        .layer(from_fn(extract::measure_body))
        .layer(DefaultBodyLimit::max(extract::MAX_BODY_BYTES))
        .layer(from_fn_with_state(listening, addressing::check))
        .layer(map_response(error::envelope_framework_errors))
        .layer(from_fn(request_id::assign))
        .layer(TraceLayer::new_for_http())
}

/// How to start a sandbox.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to bind; must be loopback. Port 0 picks a free port.
    pub addr: SocketAddr,
    /// The database file; `None` keeps everything in memory.
    pub db_path: Option<PathBuf>,
    /// Seed of the synthetic data set.
    pub seed: u64,
    /// Number of domains per environment in the synthetic data set.
    pub domains: u32,
    /// The admin's email; [`DEFAULT_ADMIN_EMAIL`] when `None`.
    pub admin_email: Option<String>,
    /// The admin's password; generated when `None`.
    pub admin_password: Option<String>,
    /// Partner-API requests per minute per key.
    pub rate_limit_per_minute: u32,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            db_path: None,
            seed: 1,
            domains: 1000,
            admin_email: None,
            admin_password: None,
            rate_limit_per_minute: 600,
        }
    }
}

/// A running sandbox. Dropping it stops the server.
#[derive(Debug)]
pub struct Sandbox {
    addr: SocketAddr,
    admin_email: String,
    admin_password: String,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Sandbox {
    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The admin's sign-in email.
    pub fn admin_email(&self) -> &str {
        &self.admin_email
    }

    /// The admin's sign-in password (sandbox-only credentials, shown on the sign-in screen).
    pub fn admin_password(&self) -> &str {
        &self.admin_password
    }

    /// Stops the server and waits for in-flight requests to finish.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Opens the database, seeds it if it is new, sets the admin's credentials and starts serving.
/// Refuses a non-loopback address.
pub async fn spawn(config: Config) -> anyhow::Result<Sandbox> {
    if !config.addr.ip().is_loopback() {
        anyhow::bail!(
            "the sandbox binds loopback only; {} is not a loopback address (use 127.0.0.1)",
            config.addr.ip()
        );
    }
    let (db, fresh) = match &config.db_path {
        Some(path) => Db::open(path)?,
        None => Db::open_in_memory()?,
    };
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let limiter = RateLimiter::new(config.rate_limit_per_minute);
    let email = config
        .admin_email
        .clone()
        .unwrap_or_else(|| DEFAULT_ADMIN_EMAIL.to_owned());
    let password = config
        .admin_password
        .clone()
        .unwrap_or_else(|| format!("sandbox-{}", &crypto::random_hex32()[..16]));
    prepare_database(&db, config.seed, config.domains, &email, &password)?;
    let now = clock.now().unix_timestamp();
    let resumed = db.blocking(|conn| jobs::finish_unfinished(conn, now))??;
    if resumed > 0 {
        tracing::info!(resumed, "finished forwarding jobs left unfinished");
    }

    let listener = TcpListener::bind(config.addr).await?;
    let addr = listener.local_addr()?;
    let state = AppState::new(db, clock, limiter, addr)?;
    let app = router(state.clone());
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let flusher = tokio::spawn(flush_usage_every_second(state.clone()));
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await;
        if let Err(error) = served {
            tracing::error!(%error, "sandbox server stopped");
        }
        flusher.abort();
        if let Err(error) = state.flush_usage().await {
            tracing::error!(?error, "could not write the last usage counts");
        }
    });
    tracing::info!(%addr, fresh, "sandbox listening");
    Ok(Sandbox {
        addr,
        admin_email: email,
        admin_password: password,
        shutdown: Some(tx),
        task: Some(task),
    })
}

/// The background half of [`usage::UsageBuffer`]: writes pending counts once a second.
async fn flush_usage_every_second(state: AppState) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(error) = state.flush_usage().await {
            tracing::warn!(
                ?error,
                "could not write usage counts; keeping them for the next try"
            );
        }
    }
}

/// Seeds the database from `seed` with `domains` domains per environment unless it already holds
/// a data set, and sets the admin's credentials (on a reused database too, so the credentials
/// given are always the ones that work). A database whose seeding never finished (the process
/// died mid-seed) has no partner yet, so it is seeded like a new one.
pub fn prepare_database(
    db: &Db,
    seed: u64,
    domains: u32,
    admin_email: &str,
    admin_password: &str,
) -> anyhow::Result<()> {
    let seeded = db
        .blocking(|conn| store::partner_id(conn).optional())??
        .is_some();
    if !seeded {
        db.blocking(|conn| seed::seed(conn, seed, domains))??;
    }
    let password_hash = crypto::hash_password(admin_password)?;
    db.blocking(|conn| seed::set_admin(conn, admin_email, &password_hash))??;
    Ok(())
}

/// A new id: `prefix_` + a canonical upper-case ULID.
pub(crate) fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", ulid::Ulid::new())
}

/// Unix seconds as RFC 3339 UTC (`2026-11-01T12:00:00Z`).
pub(crate) fn rfc3339(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}
