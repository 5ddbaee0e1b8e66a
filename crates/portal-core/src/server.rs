//! Which server the app talks to: the bundled sandbox or a real partner API origin.

use serde::{Deserialize, Serialize};
use url::{Host, Url};

use crate::error::{Error, Result};

/// Path of the portal (key management) API under the origin.
pub const PORTAL_PATH: &str = "/api/portal/v1";
/// Path of the partner API under the origin.
pub const PARTNER_PATH: &str = "/api/partner/v1";

/// Whether the server is the bundled sandbox or one the user typed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ServerKind {
    /// The sandbox the app starts on loopback.
    Sandbox,
    /// A partner API origin such as `https://api.peeker.ai`.
    Remote,
}

/// A validated server origin. `https` is required, except on loopback addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerConfig {
    kind: ServerKind,
    origin: Url,
    loopback: bool,
}

impl ServerConfig {
    /// Parses and checks an origin typed by the user (`https://api.peeker.ai`, trailing slash and
    /// surrounding spaces allowed). Errors name the field `base_url`.
    pub fn parse(kind: ServerKind, input: &str) -> Result<Self> {
        let input = input.trim();
        if input.is_empty() {
            return Err(Error::invalid("base_url", "Enter the server's address"));
        }
        let url = Url::parse(input).map_err(|_| {
            Error::invalid(
                "base_url",
                "This is not a web address (e.g. https://api.peeker.ai)",
            )
        })?;
        let loopback = match url.host() {
            Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
            Some(Host::Ipv4(ip)) => ip.is_loopback(),
            Some(Host::Ipv6(ip)) => ip.is_loopback(),
            None => return Err(Error::invalid("base_url", "The address has no host name")),
        };
        match url.scheme() {
            "https" => {}
            "http" if loopback => {}
            "http" => {
                return Err(Error::invalid(
                    "base_url",
                    "Use https:// (plain http is only allowed for this computer's own addresses)",
                ));
            }
            _ => return Err(Error::invalid("base_url", "Use an https:// address")),
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Error::invalid(
                "base_url",
                "Leave credentials out of the address",
            ));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(Error::invalid(
                "base_url",
                "Leave ?query and #fragment out of the address",
            ));
        }
        let mut origin = url;
        let path = origin.path().trim_end_matches('/').to_owned();
        origin.set_path(&path);
        Ok(Self {
            kind,
            origin,
            loopback,
        })
    }

    /// The stable name the secret store files this server's keys under: `sandbox` for the
    /// bundled sandbox (its port changes on every start, its data does not), the origin
    /// otherwise.
    pub fn store_name(&self) -> String {
        match self.kind {
            ServerKind::Sandbox => "sandbox".to_owned(),
            ServerKind::Remote => self.base_url(),
        }
    }

    /// Whether the server is on this computer (`127.0.0.0/8`, `[::1]`, `localhost`): its traffic
    /// may be plain HTTP, so it must never go through a proxy.
    pub fn is_loopback(&self) -> bool {
        self.loopback
    }

    /// Which kind of server this is.
    pub fn kind(&self) -> ServerKind {
        self.kind
    }

    /// The origin as the user sees it (no trailing slash).
    pub fn base_url(&self) -> String {
        self.origin.as_str().trim_end_matches('/').to_owned()
    }

    /// The host name, for messages.
    pub fn host(&self) -> String {
        self.origin.host_str().unwrap_or_default().to_owned()
    }

    /// The absolute URL of a portal API path such as `/sessions`.
    pub fn portal_url(&self, path: &str) -> String {
        format!("{}{PORTAL_PATH}{path}", self.base_url())
    }

    /// The absolute URL of a partner API path such as `/me`.
    pub fn partner_url(&self, path: &str) -> String {
        format!("{}{PARTNER_PATH}{path}", self.base_url())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(result: Result<ServerConfig>) -> Option<String> {
        result.err().and_then(|e| e.field().map(str::to_owned))
    }

    #[test]
    fn accepts_https_and_loopback_http_and_normalises_the_slash() {
        let remote = ServerConfig::parse(ServerKind::Remote, " https://api.peeker.ai/ ")
            .expect("https origin is fine");
        assert_eq!(remote.base_url(), "https://api.peeker.ai");
        assert_eq!(
            remote.portal_url("/sessions"),
            "https://api.peeker.ai/api/portal/v1/sessions"
        );
        let local = ServerConfig::parse(ServerKind::Sandbox, "http://127.0.0.1:4010")
            .expect("loopback http is fine");
        assert_eq!(
            local.partner_url("/me"),
            "http://127.0.0.1:4010/api/partner/v1/me"
        );
        assert!(ServerConfig::parse(ServerKind::Remote, "http://localhost:8080").is_ok());
        assert!(ServerConfig::parse(ServerKind::Remote, "http://[::1]:8080").is_ok());
    }

    #[test]
    fn refuses_plain_http_elsewhere_and_junk() {
        for bad in [
            "http://api.peeker.ai",
            "ftp://x.example",
            "api peeker",
            "",
            "https://u:p@x.io",
        ] {
            assert_eq!(
                field_of(ServerConfig::parse(ServerKind::Remote, bad)).as_deref(),
                Some("base_url"),
                "{bad:?} must be refused with field base_url"
            );
        }
    }
}
