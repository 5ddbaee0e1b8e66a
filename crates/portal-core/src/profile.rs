//! The profile: one name that namespaces everything the app keeps on this computer.
//!
//! Keyring service names and data/log directories all derive from the app identifier plus an
//! optional profile name, so a test or dev run (`PARTNER_PORTAL_PROFILE=e2e-…`) never touches a
//! real user's keychain entries or data.

use std::path::{Path, PathBuf};

/// Environment variable naming the profile (letters, digits, `-` and `_`).
pub const PROFILE_ENV: &str = "PARTNER_PORTAL_PROFILE";
/// Environment variable that moves the data directory (tests point it at a temp dir).
pub const DATA_DIR_ENV: &str = "PARTNER_PORTAL_DATA_DIR";

/// The namespace of one installation or test run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    identifier: String,
    name: Option<String>,
    data_dir: PathBuf,
}

impl Profile {
    /// Builds the profile from the app identifier, an optional profile name and the platform's
    /// data directory. A named profile gets its own subdirectory; an explicit data directory
    /// override wins over both. Names with characters outside `[A-Za-z0-9_-]` are refused.
    pub fn new(
        identifier: &str,
        name: Option<String>,
        platform_data_dir: &Path,
        data_dir_override: Option<PathBuf>,
    ) -> Result<Self, String> {
        let name = name.filter(|n| !n.is_empty());
        if let Some(n) = &name
            && !n
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(format!(
                "{PROFILE_ENV} may only hold letters, digits, '-' and '_'"
            ));
        }
        let data_dir = match (data_dir_override, &name) {
            (Some(dir), _) => dir,
            (None, Some(n)) => platform_data_dir.join("profiles").join(n),
            (None, None) => platform_data_dir.to_path_buf(),
        };
        Ok(Self {
            identifier: identifier.to_owned(),
            name,
            data_dir,
        })
    }

    /// The profile's name, if it is not the default one.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// Where the app keeps its files (the sandbox database, the local action log).
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Creates the data directory owner-only and takes the group and other bits off everything
    /// already under it (directories `0700`, files `0600`), so what an older version or a loose
    /// umask wrote is private too. The shell also sets the process umask to `077`, so files
    /// made later (the sandbox's database and its `-wal`, logs, settings) are born `0600`.
    #[cfg(unix)]
    pub fn secure_data_dir(&self) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.data_dir)?;
        owner_only(&self.data_dir)
    }

    /// Where log files go.
    pub fn log_dir(&self) -> PathBuf {
        self.data_dir.join("logs")
    }

    /// The keyring service name for keys of one environment, e.g.
    /// `com.partnerportal.desktop.live` or `com.partnerportal.desktop.e2e-1.test`.
    pub fn keyring_service(&self, environment: &str) -> String {
        match &self.name {
            Some(n) => format!("{}.{n}.{environment}", self.identifier),
            None => format!("{}.{environment}", self.identifier),
        }
    }
}

/// `path` and everything under it: group and other bits off. Symbolic links are not followed.
#[cfg(unix)]
fn owner_only(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    let meta = std::fs::symlink_metadata(path)?;
    if meta.file_type().is_symlink() {
        return Ok(());
    }
    let mode = meta.permissions().mode();
    if mode & 0o077 != 0 {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & 0o700))?;
    }
    if meta.is_dir() {
        for entry in std::fs::read_dir(path)? {
            owner_only(&entry?.path())?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn the_data_directory_and_everything_in_it_become_owner_only() {
        use std::os::unix::fs::PermissionsExt as _;
        let root = tempfile::tempdir().expect("temp dir");
        let data = root.path().join("data");
        std::fs::create_dir_all(data.join("sandbox")).expect("dirs");
        std::fs::write(data.join("sandbox/sandbox.sqlite-wal"), b"x").expect("file");
        std::fs::write(data.join("settings.json"), b"{}").expect("file");
        for (path, mode) in [
            (data.clone(), 0o755),
            (data.join("sandbox"), 0o775),
            (data.join("sandbox/sandbox.sqlite-wal"), 0o644),
            (data.join("settings.json"), 0o666),
        ] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).expect("chmod");
        }
        let profile = Profile::new(ID, None, root.path(), Some(data.clone())).expect("valid");
        profile.secure_data_dir().expect("secured");
        for (path, want) in [
            (data.clone(), 0o700),
            (data.join("sandbox"), 0o700),
            (data.join("sandbox/sandbox.sqlite-wal"), 0o600),
            (data.join("settings.json"), 0o600),
        ] {
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode, want, "{}", path.display());
        }
    }

    const ID: &str = "com.partnerportal.desktop";

    #[test]
    fn a_named_profile_never_shares_keyring_or_data_with_the_default() {
        let base = Path::new("/home/u/.local/share/com.partnerportal.desktop");
        let default = Profile::new(ID, None, base, None).expect("valid");
        let test = Profile::new(ID, Some("e2e-7".into()), base, None).expect("valid");
        assert_ne!(
            default.keyring_service("live"),
            test.keyring_service("live")
        );
        assert_eq!(
            test.keyring_service("test"),
            "com.partnerportal.desktop.e2e-7.test"
        );
        assert_ne!(default.data_dir(), test.data_dir());
        assert!(test.data_dir().starts_with(base));
    }

    #[test]
    fn overrides_and_bad_names() {
        let base = Path::new("/data");
        let p = Profile::new(ID, Some("x".into()), base, Some("/tmp/run".into())).expect("valid");
        assert_eq!(p.data_dir(), Path::new("/tmp/run"));
        assert!(Profile::new(ID, Some("../etc".into()), base, None).is_err());
        assert_eq!(
            Profile::new(ID, Some(String::new()), base, None)
                .expect("valid")
                .name(),
            None
        );
    }
}
