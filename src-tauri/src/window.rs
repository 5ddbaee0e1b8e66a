//! The main window, built from `tauri.conf.json` with two guards: it never navigates away from
//! the app's own pages and never opens another window. If script ever ran in it, it could not
//! take the user (or a secret in a URL) to another site. Links meant to leave the app go through
//! [`open_external`], which hands an `https://` address to the system browser.

use portal_core::Error;
use tauri::webview::NewWindowResponse;
use tauri::{AppHandle, Url, WebviewWindowBuilder};
use tauri_plugin_opener::OpenerExt as _;

use crate::commands::Answer;

/// Whether `url` is one of the app's own pages: the embedded UI (`tauri://localhost` on Linux
/// and macOS, `http(s)://tauri.localhost` on Windows) or, in a development build, the dev
/// server the config names.
pub fn is_own_page(url: &Url, dev_url: Option<&Url>) -> bool {
    let host = url.host_str().unwrap_or_default();
    let embedded = match url.scheme() {
        "tauri" => host == "localhost",
        "http" | "https" => host == "tauri.localhost",
        _ => false,
    };
    let dev = cfg!(debug_assertions)
        && dev_url.is_some_and(|dev| dev.origin() == url.origin() && url.scheme() != "tauri");
    embedded || dev
}

/// Opens the main window (the first window of the config) with its guards.
pub fn open_main(app: &AppHandle) -> tauri::Result<()> {
    let config = app.config();
    let Some(window) = config.app.windows.first() else {
        return Err(tauri::Error::WindowNotFound);
    };
    let dev_url = config.build.dev_url.clone();
    WebviewWindowBuilder::from_config(app, window)?
        .on_navigation(move |url| {
            let allowed = is_own_page(url, dev_url.as_ref());
            if !allowed {
                tracing::warn!(scheme = url.scheme(), host = ?url.host_str(), "navigation refused");
            }
            allowed
        })
        .on_new_window(|url, _| {
            tracing::warn!(scheme = url.scheme(), host = ?url.host_str(), "new window refused");
            NewWindowResponse::Deny
        })
        .build()?;
    Ok(())
}

/// Checks an address to open outside the app: `https://` with a host, no credentials.
pub fn external_url(text: &str) -> Result<Url, Error> {
    let url =
        Url::parse(text.trim()).map_err(|_| Error::invalid("url", "This is not a web address"))?;
    if url.scheme() != "https" || url.host_str().is_none_or(str::is_empty) {
        return Err(Error::invalid(
            "url",
            "Only https:// links open in the browser",
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::invalid(
            "url",
            "Links with credentials are not opened",
        ));
    }
    Ok(url)
}

/// Opens an `https://` link in the system browser (the window itself never leaves the app).
#[tauri::command]
#[specta::specta]
pub async fn open_external(app: AppHandle, url: String) -> Answer<()> {
    let url = external_url(&url)?;
    app.opener()
        .open_url(url.as_str(), None::<&str>)
        .map_err(|e| Error::Internal(format!("could not open the browser: {e}")))?;
    tracing::info!(host = ?url.host_str(), "opened in the browser");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).expect("a URL")
    }

    #[test]
    fn only_the_apps_own_pages_are_navigable() {
        let dev = url("http://localhost:1420");
        assert!(is_own_page(
            &url("tauri://localhost/index.html"),
            Some(&dev)
        ));
        assert!(is_own_page(&url("http://tauri.localhost/"), None));
        assert_eq!(
            is_own_page(&url("http://localhost:1420/src/main.ts"), Some(&dev)),
            cfg!(debug_assertions),
            "the dev server only in a development build"
        );
        for away in [
            "https://example.com/",
            "http://localhost:1421/",
            "http://127.0.0.1:4010/api/partner/v1/me",
            "tauri://evil.example/",
            "file:///etc/passwd",
            "data:text/html,<h1>x</h1>",
            "about:blank",
        ] {
            assert!(!is_own_page(&url(away), Some(&dev)), "{away}");
        }
    }

    #[test]
    fn only_https_links_open_outside() {
        assert!(external_url("https://docs.peeker.ai").is_ok());
        for bad in [
            "http://docs.peeker.ai",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "https://u:p@docs.peeker.ai",
            "docs",
        ] {
            assert_eq!(
                external_url(bad)
                    .err()
                    .and_then(|e| e.field().map(str::to_owned))
                    .as_deref(),
                Some("url"),
                "{bad}"
            );
        }
    }
}
