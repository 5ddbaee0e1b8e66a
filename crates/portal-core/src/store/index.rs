//! The keyring index: which slots the app has stored, because keyring backends cannot list
//! their entries.
//!
//! One JSON file, `<data_dir>/keyring-index.json`, holding servers, environments and key ids only
//! (never a secret). Writes go to a temporary file in the same directory that is flushed to disk
//! and renamed over the index, so a crash leaves the old or the new index, never half of one. On
//! unix the file is owner-only (0600).
//!
//! A missing file is an empty index. A file that cannot be parsed is moved aside to
//! `keyring-index.json.corrupt` with a warning and read as empty: the secrets are still in the
//! keyring and still found by slot, only the listing forgets them, and the app keeps working.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::Slot;
use crate::error::{Error, Result};

/// The index's file name inside the data directory.
pub const INDEX_FILE: &str = "keyring-index.json";

/// The index file's format version.
const VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
struct IndexFile {
    version: u32,
    slots: Vec<Slot>,
}

/// The index file of one data directory. Not synchronised: the caller serialises writers.
#[derive(Debug, Clone)]
pub(crate) struct SlotIndex {
    path: PathBuf,
}

impl SlotIndex {
    /// The index of `data_dir` (the directory is created on the first write).
    pub(crate) fn new(data_dir: &Path) -> Self {
        Self {
            path: data_dir.join(INDEX_FILE),
        }
    }

    /// The index file's path.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Every slot in the index, in the order they were added.
    pub(crate) fn load(&self) -> Result<Vec<Slot>> {
        let bytes = match fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(self.io_error("read", &e)),
        };
        match serde_json::from_slice::<IndexFile>(&bytes) {
            Ok(file) => Ok(file.slots),
            Err(e) => {
                let aside = self.path.with_extension("json.corrupt");
                tracing::warn!(
                    path = %self.path.display(),
                    aside = %aside.display(),
                    error = %e,
                    "the keyring index is damaged; moved it aside and starting an empty one"
                );
                fs::rename(&self.path, &aside).map_err(|e| self.io_error("move aside", &e))?;
                Ok(Vec::new())
            }
        }
    }

    /// Adds `slot` unless it is already there.
    pub(crate) fn insert(&self, slot: &Slot) -> Result<()> {
        let mut slots = self.load()?;
        if slots.contains(slot) {
            return Ok(());
        }
        slots.push(slot.clone());
        self.write(slots)
    }

    /// Removes `slot` if it is there.
    pub(crate) fn remove(&self, slot: &Slot) -> Result<()> {
        let mut slots = self.load()?;
        let before = slots.len();
        slots.retain(|s| s != slot);
        if slots.len() == before {
            return Ok(());
        }
        self.write(slots)
    }

    fn write(&self, slots: Vec<Slot>) -> Result<()> {
        let dir = self
            .path
            .parent()
            .ok_or_else(|| Error::Internal("The keyring index has no directory".to_owned()))?;
        fs::create_dir_all(dir).map_err(|e| self.io_error("create the directory of", &e))?;
        let file = IndexFile {
            version: VERSION,
            slots,
        };
        let mut text = serde_json::to_vec_pretty(&file)
            .map_err(|e| Error::Internal(format!("Could not encode the keyring index: {e}")))?;
        text.push(b'\n');
        let mut builder = tempfile::Builder::new();
        builder.prefix(".keyring-index.").suffix(".tmp");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(fs::Permissions::from_mode(0o600));
        }
        let mut temp = builder
            .tempfile_in(dir)
            .map_err(|e| self.io_error("create a temporary file for", &e))?;
        temp.write_all(&text)
            .and_then(|()| temp.as_file().sync_all())
            .map_err(|e| self.io_error("write", &e))?;
        temp.persist(&self.path)
            .map_err(|e| self.io_error("replace", &e.error))?;
        Ok(())
    }

    fn io_error(&self, what: &str, error: &io::Error) -> Error {
        Error::Internal(format!(
            "Could not {what} the keyring index {}: {error}",
            self.path.display()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Environment, KeyId};

    fn slot(server: &str, id: &str) -> Slot {
        Slot::new(server, Environment::Test, KeyId::new(id))
    }

    #[test]
    fn a_missing_file_is_empty_and_writes_round_trip_without_duplicates() {
        let dir = tempfile::tempdir().expect("temp dir");
        let index = SlotIndex::new(&dir.path().join("not-yet"));
        assert!(index.load().expect("load").is_empty(), "no file = no slots");
        index.insert(&slot("sandbox", "key_a")).expect("insert");
        index.insert(&slot("sandbox", "key_b")).expect("insert");
        index
            .insert(&slot("sandbox", "key_a"))
            .expect("insert again");
        assert_eq!(
            index.load().expect("load"),
            vec![slot("sandbox", "key_a"), slot("sandbox", "key_b")]
        );
        index.remove(&slot("sandbox", "key_a")).expect("remove");
        index
            .remove(&slot("sandbox", "key_a"))
            .expect("remove again");
        assert_eq!(index.load().expect("load"), vec![slot("sandbox", "key_b")]);
        let names: Vec<_> = fs::read_dir(index.path().parent().expect("dir"))
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, vec![INDEX_FILE], "no temporary file is left behind");
    }

    #[test]
    fn the_file_holds_ids_environments_and_servers_only() {
        let dir = tempfile::tempdir().expect("temp dir");
        let index = SlotIndex::new(dir.path());
        index
            .insert(&slot("https://api.peeker.ai", "key_01"))
            .expect("insert");
        let json: serde_json::Value =
            serde_json::from_slice(&fs::read(index.path()).expect("read")).expect("JSON");
        assert_eq!(
            json,
            serde_json::json!({"version": 1, "slots": [
                {"server": "https://api.peeker.ai", "environment": "test", "key_id": "key_01"}
            ]})
        );
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let index = SlotIndex::new(dir.path());
        index.insert(&slot("sandbox", "key_a")).expect("insert");
        let mode = fs::metadata(index.path())
            .expect("stat")
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "the index must not be readable by others"
        );
    }

    #[test]
    fn a_damaged_file_is_moved_aside_and_read_as_empty() {
        let dir = tempfile::tempdir().expect("temp dir");
        let index = SlotIndex::new(dir.path());
        fs::write(index.path(), b"{\"version\": 1, \"slots\": [").expect("write junk");
        assert!(
            index
                .load()
                .expect("a damaged index is not an error")
                .is_empty()
        );
        let aside = dir.path().join("keyring-index.json.corrupt");
        assert!(
            aside.exists(),
            "the damaged file is kept for a person to look at"
        );
        index
            .insert(&slot("sandbox", "key_a"))
            .expect("insert after damage");
        assert_eq!(index.load().expect("load"), vec![slot("sandbox", "key_a")]);
    }
}
