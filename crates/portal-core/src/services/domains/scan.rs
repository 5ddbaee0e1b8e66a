//! A scan: every page of `GET /domains` for a filter, delivered one page at a time to a sink
//! (the Tauri shell's channel to the UI), with pause, resume and cancel from a [`ScanHandle`].
//!
//! Order of events: pages (with `waiting` whenever a retry waits out a 429 or a brief failure),
//! `paused` / `resumed` around pauses, then exactly one of `finished` or `cancelled`. An error
//! sends `failed` and the scan waits: "resume" goes on from the page after the last one
//! delivered (nothing lost, nothing repeated), "cancel" ends it. Pause and cancel take effect
//! between pages; cancel also abandons a request in flight.
//!
//! A scan resumes only from a checked link ([`NextLink`]). When the server's own link was the
//! failure (it pointed to another server), there is nowhere safe to go on from: "resume" sends
//! nothing and reports the same failure again.

use std::pin::Pin;
use std::sync::Arc;

use futures_core::Stream;
use futures_util::StreamExt as _;
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use super::Browser;
use crate::api::partner::MAX_PER_PAGE;
use crate::api::{NextLink, Page, Progress, Wait, WaitObserver};
use crate::error::{IpcError, Result};
use crate::model::{Domain, DomainFilter};

/// What a scan tells its sink.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ScanEvent {
    /// A page of domains.
    Page {
        /// The page's rows, in the server's order.
        rows: Vec<Domain>,
        /// Pages and rows received so far by this scan.
        progress: Progress,
        /// The page's request id.
        request_id: Option<String>,
    },
    /// The server asked to wait (429) or failed for a moment: the page is asked again after
    /// `seconds`. Nothing is lost.
    Waiting {
        /// How long until the next attempt.
        seconds: f64,
        /// What the failed attempt got.
        error: IpcError,
    },
    /// Paused: no page is asked for until resumed.
    Paused,
    /// Going again after a pause or a failure.
    Resumed,
    /// Stopped by an error. What was loaded stays; "resume" goes on from the next page.
    Failed {
        /// What went wrong.
        error: IpcError,
    },
    /// Every page was read.
    Finished {
        /// Pages and rows in all.
        progress: Progress,
    },
    /// Cancelled: nothing more is sent.
    Cancelled,
}

/// What can be told to a running scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ScanControl {
    /// Stop asking for pages (the page in flight still arrives).
    Pause,
    /// Go on after a pause, or retry after a failure.
    Resume,
    /// Stop for good.
    Cancel,
}

/// The last control and how many were sent, so a second "resume" after a failure is news.
type Signal = (ScanControl, u64);

/// Tells a scan what to do. Dropping every handle cancels the scan.
#[derive(Debug, Clone)]
pub struct ScanHandle(Arc<watch::Sender<Signal>>);

impl ScanHandle {
    /// Passes `control` on.
    pub fn send(&self, control: ScanControl) {
        self.0
            .send_modify(|signal| *signal = (control, signal.1 + 1));
    }

    /// Whether the scan has ended.
    pub fn is_finished(&self) -> bool {
        self.0.is_closed()
    }
}

/// A stream of pages of domains, from the start or from a `next` link.
type Pages = Pin<Box<dyn Stream<Item = Result<Page<Domain>>> + Send>>;

impl Browser {
    /// Starts a scan of `filter`: returns its handle and the future that runs it (spawn it).
    /// `sink` hears every event and returns `false` when nobody listens any more, which stops
    /// the scan.
    pub fn scan<S>(
        &self,
        filter: DomainFilter,
        sink: S,
    ) -> (ScanHandle, impl Future<Output = ()> + Send + 'static)
    where
        S: Fn(ScanEvent) -> bool + Send + Sync + 'static,
    {
        let (sender, signal) = watch::channel((ScanControl::Resume, 0));
        let run = run(self.clone(), filter, Arc::new(sink), signal);
        (ScanHandle(Arc::new(sender)), run)
    }
}

async fn run<S>(
    browser: Browser,
    filter: DomainFilter,
    sink: Arc<S>,
    mut signal: watch::Receiver<Signal>,
) where
    S: Fn(ScanEvent) -> bool + Send + Sync + 'static,
{
    let on_wait: WaitObserver = {
        let sink = Arc::clone(&sink);
        Arc::new(move |wait: &Wait| {
            let error = IpcError {
                code: wait.code,
                message: "Waiting before asking for the page again".to_owned(),
                request_id: wait.request_id.clone(),
                retry_after_seconds: None,
                field: None,
            };
            sink(ScanEvent::Waiting {
                seconds: wait.delay.as_secs_f64(),
                error,
            });
        })
    };
    let from_start =
        || -> Pages { Box::pin(browser.domains(&filter, MAX_PER_PAGE, Some(on_wait.clone()))) };
    let mut pages = from_start();
    let mut next: Option<NextLink> = None;
    let mut progress = Progress::default();
    loop {
        if !until_running(&mut signal, &*sink).await {
            sink(ScanEvent::Cancelled);
            return;
        }
        let item = tokio::select! {
            item = pages.next() => item,
            () = until_cancelled(&mut signal) => {
                sink(ScanEvent::Cancelled);
                return;
            }
        };
        match item {
            Some(Ok(page)) => {
                next.clone_from(&page.next);
                progress.pages = progress.pages.saturating_add(1);
                let count = u32::try_from(page.items.len()).unwrap_or(u32::MAX);
                progress.items = progress.items.saturating_add(count);
                let event = ScanEvent::Page {
                    rows: page.items,
                    progress,
                    request_id: page.request_id,
                };
                if !sink(event) {
                    return;
                }
            }
            Some(Err(error)) => {
                tracing::info!(code = ?error.code(), pages = progress.pages, "scan stopped");
                let error = IpcError::from(&error);
                loop {
                    let event = ScanEvent::Failed {
                        error: error.clone(),
                    };
                    if !sink(event) || !until_resumed(&mut signal).await {
                        sink(ScanEvent::Cancelled);
                        return;
                    }
                    // Nowhere safe to go on from: a page was read but its link was refused.
                    if next.is_some() || progress.pages == 0 {
                        break;
                    }
                }
                sink(ScanEvent::Resumed);
                pages = match &next {
                    Some(next) => Box::pin(browser.resume_domains(next, Some(on_wait.clone()))),
                    None => from_start(),
                };
            }
            None => {
                sink(ScanEvent::Finished { progress });
                return;
            }
        }
    }
}

/// Waits out a pause (telling the sink); false when the scan is cancelled.
async fn until_running(
    signal: &mut watch::Receiver<Signal>,
    sink: &(impl Fn(ScanEvent) -> bool + ?Sized),
) -> bool {
    let mut paused = false;
    loop {
        let (control, _) = *signal.borrow_and_update();
        match control {
            ScanControl::Cancel => return false,
            ScanControl::Resume => {
                if paused {
                    sink(ScanEvent::Resumed);
                }
                return true;
            }
            ScanControl::Pause => {
                if !paused {
                    sink(ScanEvent::Paused);
                    paused = true;
                }
                if signal.changed().await.is_err() {
                    return false;
                }
            }
        }
    }
}

/// Resolves when the scan is cancelled or every handle is gone.
async fn until_cancelled(signal: &mut watch::Receiver<Signal>) {
    let _ = signal
        .wait_for(|(control, _)| *control == ScanControl::Cancel)
        .await;
}

/// After a failure: waits for the next "resume" (true) or "cancel" (false).
async fn until_resumed(signal: &mut watch::Receiver<Signal>) -> bool {
    signal.borrow_and_update();
    loop {
        if signal.changed().await.is_err() {
            return false;
        }
        match signal.borrow_and_update().0 {
            ScanControl::Cancel => return false,
            ScanControl::Resume => return true,
            ScanControl::Pause => {}
        }
    }
}
