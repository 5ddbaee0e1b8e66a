//! The app's settings: which server, how long a copied secret stays on the clipboard, how long
//! the app may sit idle before it locks, and the theme. Kept as `settings.json` in the data
//! directory (written atomically, owner-only); a missing or unreadable file means the defaults.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::server::{ServerConfig, ServerKind};

/// The file name inside the data directory.
pub const SETTINGS_FILE: &str = "settings.json";

/// Which server to sign in to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ServerSetting {
    /// The sandbox bundled with the app.
    Sandbox,
    /// A partner API origin, e.g. `https://api.peeker.ai`.
    Remote {
        /// The origin.
        base_url: String,
    },
}

/// Light, dark, or whatever the OS says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    /// Follow the OS.
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

/// Everything the Settings screen edits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Settings {
    /// The server the Connect screen starts with.
    pub server: ServerSetting,
    /// Seconds after which a copied secret is cleared from the clipboard (if it is still there).
    pub clipboard_clear_seconds: u32,
    /// Minutes of inactivity after which the app locks.
    pub idle_lock_minutes: u32,
    /// The colour scheme.
    pub theme: Theme,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            server: ServerSetting::Sandbox,
            clipboard_clear_seconds: 30,
            idle_lock_minutes: 5,
            theme: Theme::System,
        }
    }
}

/// Allowed ranges.
pub const CLIPBOARD_CLEAR_SECONDS: std::ops::RangeInclusive<u32> = 5..=600;
/// Allowed ranges.
pub const IDLE_LOCK_MINUTES: std::ops::RangeInclusive<u32> = 1..=240;

impl Settings {
    /// Checks every field; the error names the field at fault.
    pub fn validate(&self) -> Result<()> {
        if !CLIPBOARD_CLEAR_SECONDS.contains(&self.clipboard_clear_seconds) {
            return Err(Error::invalid(
                "clipboard_clear_seconds",
                "Clear the clipboard after 5 to 600 seconds",
            ));
        }
        if !IDLE_LOCK_MINUTES.contains(&self.idle_lock_minutes) {
            return Err(Error::invalid(
                "idle_lock_minutes",
                "Lock after 1 to 240 minutes of inactivity",
            ));
        }
        if let ServerSetting::Remote { base_url } = &self.server {
            ServerConfig::parse(ServerKind::Remote, base_url)?;
        }
        Ok(())
    }

    /// The settings in `data_dir`, or the defaults when there are none or they cannot be read
    /// (a warning is logged; the file is left for the next save to replace).
    pub fn load(data_dir: &Path) -> Self {
        let path = path(data_dir);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Self::default(),
            Err(error) => {
                tracing::warn!(%error, path = %path.display(), "settings unreadable; using defaults");
                return Self::default();
            }
        };
        // Fields missing from the file (written by an older version) take their defaults.
        let merged = serde_json::from_str::<serde_json::Value>(&text).and_then(|saved| {
            let mut merged = serde_json::to_value(Self::default())?;
            if let (Some(into), serde_json::Value::Object(saved)) = (merged.as_object_mut(), saved)
            {
                into.extend(saved);
            }
            serde_json::from_value::<Settings>(merged)
        });
        match merged {
            Ok(settings) if settings.validate().is_ok() => settings,
            _ => {
                tracing::warn!(path = %path.display(), "settings invalid; using defaults");
                Self::default()
            }
        }
    }

    /// Validates and writes the settings to `data_dir` (temp file + rename, owner-only).
    pub fn save(&self, data_dir: &Path) -> Result<()> {
        self.validate()?;
        let io = |e: std::io::Error| Error::Internal(format!("could not save the settings: {e}"));
        std::fs::create_dir_all(data_dir).map_err(io)?;
        let mut file = tempfile::NamedTempFile::new_in(data_dir).map_err(io)?;
        serde_json::to_writer_pretty(&mut file, self)
            .map_err(|e| Error::Internal(format!("could not save the settings: {e}")))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            file.as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o600))
                .map_err(io)?;
        }
        file.persist(path(data_dir)).map_err(|e| io(e.error))?;
        Ok(())
    }
}

fn path(data_dir: &Path) -> PathBuf {
    data_dir.join(SETTINGS_FILE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_settings_load_back_and_bad_ones_are_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        assert_eq!(
            Settings::load(dir.path()),
            Settings::default(),
            "no file: defaults"
        );
        let mine = Settings {
            server: ServerSetting::Remote {
                base_url: "https://api.peeker.ai".into(),
            },
            clipboard_clear_seconds: 45,
            idle_lock_minutes: 10,
            theme: Theme::Dark,
        };
        mine.save(dir.path()).expect("saves");
        assert_eq!(Settings::load(dir.path()), mine);

        let too_short = Settings {
            clipboard_clear_seconds: 1,
            ..Settings::default()
        };
        let error = too_short.save(dir.path()).expect_err("refused");
        assert_eq!(error.field(), Some("clipboard_clear_seconds"));
        let plain_http = Settings {
            server: ServerSetting::Remote {
                base_url: "http://api.peeker.ai".into(),
            },
            ..Settings::default()
        };
        assert_eq!(
            plain_http.validate().expect_err("http").field(),
            Some("base_url")
        );
        assert_eq!(
            Settings::load(dir.path()),
            mine,
            "a refused save changes nothing"
        );
    }

    #[test]
    fn fields_missing_from_an_older_file_take_their_defaults() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            dir.path().join(SETTINGS_FILE),
            r#"{"idle_lock_minutes": 15}"#,
        )
        .expect("write");
        let loaded = Settings::load(dir.path());
        assert_eq!(loaded.idle_lock_minutes, 15);
        assert_eq!(loaded.clipboard_clear_seconds, 30);
    }

    #[test]
    fn a_damaged_file_means_defaults() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join(SETTINGS_FILE), "{not json").expect("write");
        assert_eq!(Settings::load(dir.path()), Settings::default());
    }
}
