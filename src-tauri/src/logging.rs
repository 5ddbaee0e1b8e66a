//! Logging with `tracing`: to stderr and to a daily file in the profile's log directory, at
//! `info` unless `RUST_LOG` says otherwise. Secrets cannot reach it: they are `Secret`s, whose
//! `Debug` is redacted and which have no `Display`.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, fmt};

/// Starts logging. The returned guard flushes the file writer when dropped; keep it for the
/// app's lifetime. Without a writable log directory, logs go to stderr only.
pub fn init(log_dir: &Path) -> Option<WorkerGuard> {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,tower_http=warn,hyper=warn,reqwest=warn"));
    let stderr = fmt::layer().with_writer(std::io::stderr);
    let file = std::fs::create_dir_all(log_dir).ok().and_then(|()| {
        tracing_appender::rolling::Builder::new()
            .rotation(tracing_appender::rolling::Rotation::DAILY)
            .filename_prefix("partner-portal")
            .filename_suffix("log")
            .max_log_files(14)
            .build(log_dir)
            .ok()
    });
    let (file_layer, guard) = match file {
        Some(appender) => {
            let (writer, guard) = tracing_appender::non_blocking(appender);
            (
                Some(fmt::layer().with_ansi(false).with_writer(writer)),
                Some(guard),
            )
        }
        None => (None, None),
    };
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(stderr)
        .with(file_layer)
        .try_init();
    guard
}
