//! `partner-sandbox`: the sandbox as a standalone server.
//!
//! `partner-sandbox --addr 127.0.0.1:PORT --db PATH --seed N --domains N --admin-email E
//! --admin-password P [--rate-limit-per-minute N]`. Prints `listening on http://ADDR` when ready.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use portal_sandbox::{Config, DEFAULT_ADMIN_EMAIL, spawn};

/// A sandbox of the Peeker partner API and the portal API, on loopback.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Address to bind (loopback only).
    #[arg(long, default_value = "127.0.0.1:4010")]
    addr: SocketAddr,
    /// SQLite database file (created and seeded if missing, reused otherwise).
    #[arg(long, default_value = "partner-sandbox.sqlite")]
    db: PathBuf,
    /// Seed of the synthetic data.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Domains per environment in the synthetic data.
    #[arg(long, default_value_t = 1000)]
    domains: u32,
    /// The admin's sign-in email.
    #[arg(long, default_value = DEFAULT_ADMIN_EMAIL)]
    admin_email: String,
    /// The admin's password (generated and printed when not given).
    #[arg(long)]
    admin_password: Option<String>,
    /// Partner-API requests per minute per key.
    #[arg(long, default_value_t = 600)]
    rate_limit_per_minute: u32,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tower_http=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let generated_password = args.admin_password.is_none();
    let sandbox = spawn(Config {
        addr: args.addr,
        db_path: Some(args.db),
        seed: args.seed,
        domains: args.domains,
        admin_email: Some(args.admin_email),
        admin_password: args.admin_password,
        rate_limit_per_minute: args.rate_limit_per_minute,
    })
    .await?;
    println!("admin email: {}", sandbox.admin_email());
    // A password given on the command line is not echoed; a generated one must be shown once.
    if generated_password {
        println!("admin password (generated): {}", sandbox.admin_password());
    }
    println!("listening on {}", sandbox.base_url());
    tokio::signal::ctrl_c().await?;
    sandbox.stop().await;
    Ok(())
}
