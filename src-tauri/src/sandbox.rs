//! The bundled sandbox, started in-process on `127.0.0.1` with an ephemeral port.
//!
//! Its database lives in the profile's data directory. Its admin credentials are generated on
//! the first start and kept beside the database (owner-only file), so the sign-in screen can
//! show them on every start; they are sandbox-only credentials, not a partner's secrets.
//!
//! The first start seeds [`DEFAULT_DOMAINS`] domains per environment (a few seconds), the size
//! of a large partner, so the domains screen shows what it is for; `PARTNER_PORTAL_SANDBOX_DOMAINS`
//! changes that for a new data directory (tests use a few thousand).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use portal_sandbox::{Config, Sandbox};
use serde::{Deserialize, Serialize};
use specta::Type;
use tokio::sync::OnceCell;

/// Domains per environment in a new bundled sandbox.
pub const DEFAULT_DOMAINS: u32 = 100_000;
/// Environment variable: domains per environment when the bundled sandbox is first seeded.
pub const DOMAINS_ENV: &str = "PARTNER_PORTAL_SANDBOX_DOMAINS";

/// The sandbox as the UI sees it.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SandboxStatus {
    /// Serving at `base_url`; sign in with these credentials.
    Running {
        /// `http://127.0.0.1:PORT`
        base_url: String,
        /// The sandbox admin's email.
        admin_email: String,
        /// The sandbox admin's password.
        admin_password: String,
    },
    /// It could not start; `message` says why.
    Failed {
        /// What went wrong.
        message: String,
    },
}

#[derive(Serialize, Deserialize)]
struct AdminFile {
    email: String,
    password: String,
}

/// Starts the sandbox once, on first use, and keeps it running for the app's lifetime.
#[derive(Clone)]
pub struct EmbeddedSandbox {
    dir: Arc<PathBuf>,
    started: Arc<OnceCell<Result<Sandbox, String>>>,
}

impl EmbeddedSandbox {
    /// A sandbox whose files live in `dir`.
    pub fn new(dir: PathBuf) -> Self {
        Self {
            dir: Arc::new(dir),
            started: Arc::new(OnceCell::new()),
        }
    }

    async fn started(&self) -> &Result<Sandbox, String> {
        self.started
            .get_or_init(|| async {
                start(&self.dir).await.map_err(|e| {
                    tracing::error!(error = %e, "the bundled sandbox did not start");
                    format!("{e:#}")
                })
            })
            .await
    }

    /// Starts the sandbox if needed and says how it is.
    pub async fn status(&self) -> SandboxStatus {
        match self.started().await {
            Ok(sandbox) => SandboxStatus::Running {
                base_url: sandbox.base_url(),
                admin_email: sandbox.admin_email().to_owned(),
                admin_password: sandbox.admin_password().to_owned(),
            },
            Err(message) => SandboxStatus::Failed {
                message: message.clone(),
            },
        }
    }

    /// The sandbox's base URL, or why it is not running.
    pub async fn base_url(&self) -> Result<String, String> {
        self.started()
            .await
            .as_ref()
            .map(Sandbox::base_url)
            .map_err(Clone::clone)
    }
}

async fn start(dir: &Path) -> anyhow::Result<Sandbox> {
    std::fs::create_dir_all(dir)?;
    let admin = load_or_create_admin(&dir.join("admin.json"))?;
    let sandbox = portal_sandbox::spawn(Config {
        db_path: Some(dir.join("sandbox.sqlite")),
        admin_email: Some(admin.email),
        admin_password: Some(admin.password),
        domains: std::env::var(DOMAINS_ENV)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_DOMAINS),
        ..Config::default()
    })
    .await?;
    tracing::info!(base_url = %sandbox.base_url(), "bundled sandbox started");
    Ok(sandbox)
}

fn load_or_create_admin(path: &Path) -> anyhow::Result<AdminFile> {
    if let Ok(text) = std::fs::read_to_string(path)
        && let Ok(admin) = serde_json::from_str::<AdminFile>(&text)
    {
        return Ok(admin);
    }
    let admin = AdminFile {
        email: portal_sandbox::DEFAULT_ADMIN_EMAIL.to_owned(),
        password: format!("sandbox-{}", &portal_sandbox::crypto::random_hex32()[..16]),
    };
    write_owner_only(path, &serde_json::to_vec_pretty(&admin)?)?;
    Ok(admin)
}

fn write_owner_only(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(bytes)
}
