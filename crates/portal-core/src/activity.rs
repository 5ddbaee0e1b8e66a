//! The local action log: an append-only record of what was done in the app (a key created,
//! copied, revealed, verified, rotated, revoked...), for the person at this computer.
//!
//! One JSON object per line in `<data_dir>/actions.jsonl` ([`LOG_FILE`]), owner-only on unix.
//! Entries hold a time, an [`Action`], and optionally a key id, a request id, an environment and a
//! short note: **never a secret**. No field can hold a [`Secret`](crate::Secret) (they are plain
//! strings and ids, and `Secret` has no `Serialize`); as a last guard, [`ActionLog::append`] drops
//! a note that looks like a key or token and cuts notes to [`NOTE_MAX_CHARS`].
//!
//! The caller passes the time in (`ActionEntry::at`); nothing here reads the clock. Reading is
//! tolerant: a line that does not parse (a torn last line after a crash, a hand edit) is skipped
//! with a warning, and an action this version does not know reads as [`Action::Unknown`].
//!
//! The calls do small blocking file I/O; async callers may run them on the blocking pool.

use std::fs::{self, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{Environment, KeyId, Timestamp};

/// The log's file name inside the data directory.
pub const LOG_FILE: &str = "actions.jsonl";

/// Longest note kept, in characters; longer notes are cut.
pub const NOTE_MAX_CHARS: usize = 200;

/// What was done. Serialized in `snake_case`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// A key was created on the server.
    Created,
    /// An existing key was added to the app by pasting it.
    Added,
    /// A key's secret was copied to the clipboard.
    Copied,
    /// A key's secret was shown on screen.
    Revealed,
    /// A key was checked against the server.
    Verified,
    /// A key was rotated (a new secret; the old one expires later).
    Rotated,
    /// A key was revoked.
    Revoked,
    /// A key was marked as leaked.
    Leaked,
    /// A key's secret was saved in the OS keyring.
    Stored,
    /// A key's secret was removed from the OS keyring.
    RemovedFromKeyring,
    /// The admin signed in to the portal.
    SignedIn,
    /// The admin signed out of the portal.
    SignedOut,
    /// Forwarding was set on domains with a key.
    ForwardingSet,
    /// An action written by a newer version of the app.
    #[serde(other)]
    Unknown,
}

/// One line of the log. Holds no secret (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ActionEntry {
    /// When it happened (passed in by the caller).
    pub at: Timestamp,
    /// What happened.
    pub action: Action,
    /// The key it concerned, if any.
    pub key_id: Option<KeyId>,
    /// The server's `Peeker-Request-Id` of the request that did it, if any.
    pub request_id: Option<String>,
    /// The key's environment, if it concerned a key.
    pub environment: Option<Environment>,
    /// A short free text such as "old key expires in 1 h". Never a secret.
    pub note: Option<String>,
}

impl ActionEntry {
    /// An entry with no key, request, environment or note.
    pub fn new(at: Timestamp, action: Action) -> Self {
        Self {
            at,
            action,
            key_id: None,
            request_id: None,
            environment: None,
            note: None,
        }
    }

    /// Names the key (and its environment) the action concerned.
    pub fn with_key(mut self, key_id: KeyId, environment: Environment) -> Self {
        self.key_id = Some(key_id);
        self.environment = Some(environment);
        self
    }

    /// Records the request id of the server's answer.
    pub fn with_request_id(mut self, request_id: Option<String>) -> Self {
        self.request_id = request_id;
        self
    }

    /// Adds a short note (never a secret).
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }
}

/// The log file of one data directory. Cheap to clone; clones share one writer lock.
#[derive(Debug, Clone)]
pub struct ActionLog {
    path: PathBuf,
    writing: Arc<Mutex<()>>,
}

impl ActionLog {
    /// The log in `data_dir` (the directory and file are created on the first append).
    pub fn new(data_dir: &Path) -> Self {
        Self {
            path: data_dir.join(LOG_FILE),
            writing: Arc::new(Mutex::new(())),
        }
    }

    /// The log file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one entry as one line and flushes it.
    ///
    /// A note longer than [`NOTE_MAX_CHARS`] is cut; a note that looks like a key or token is
    /// dropped with a warning. Errors: [`Error::Internal`] when the file cannot be written.
    pub fn append(&self, entry: &ActionEntry) -> Result<()> {
        let mut entry = entry.clone();
        entry.note = entry.note.take().and_then(clean_note);
        let mut line = serde_json::to_vec(&entry)
            .map_err(|e| Error::Internal(format!("Could not encode an action: {e}")))?;
        line.push(b'\n');
        let _writing = self.writing.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(dir) = self.path.parent() {
            fs::create_dir_all(dir).map_err(|e| self.io_error("create the directory of", &e))?;
        }
        let mut options = OpenOptions::new();
        options.create(true).append(true).read(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options
            .open(&self.path)
            .map_err(|e| self.io_error("open", &e))?;
        // A torn last line (a crash mid-write) is closed first, so this entry starts a line.
        if !ends_a_line(&mut file).map_err(|e| self.io_error("read", &e))? {
            line.insert(0, b'\n');
        }
        // One write call per line, so concurrent appenders cannot interleave inside a line.
        file.write_all(&line)
            .and_then(|()| file.flush())
            .map_err(|e| self.io_error("write", &e))
    }

    /// Up to `limit` entries, newest (last written) first, only those of `key_id` when given.
    /// A missing file is an empty log; lines that do not parse are skipped with a warning.
    ///
    /// Errors: [`Error::Internal`] when the file exists but cannot be read.
    pub fn read(&self, key_id: Option<&KeyId>, limit: usize) -> Result<Vec<ActionEntry>> {
        let bytes = match fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(self.io_error("read", &e)),
        };
        let mut entries = Vec::new();
        let lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
        for (number, line) in lines.into_iter().enumerate().rev() {
            if entries.len() == limit {
                break;
            }
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match serde_json::from_slice::<ActionEntry>(line) {
                Ok(entry) if key_id.is_none_or(|id| entry.key_id.as_ref() == Some(id)) => {
                    entries.push(entry);
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(
                    path = %self.path.display(),
                    line = number + 1,
                    error = %e,
                    "skipped an unreadable line of the action log"
                ),
            }
        }
        Ok(entries)
    }

    fn io_error(&self, what: &str, error: &io::Error) -> Error {
        Error::Internal(format!(
            "Could not {what} the action log {}: {error}",
            self.path.display()
        ))
    }
}

/// Whether the file is empty or its last byte ends a line.
fn ends_a_line(file: &mut fs::File) -> io::Result<bool> {
    if file.metadata()?.len() == 0 {
        return Ok(true);
    }
    let mut last = [0u8; 1];
    file.seek(SeekFrom::End(-1))?;
    file.read_exact(&mut last)?;
    Ok(last[0] == b'\n')
}

/// The note as it may be stored: cut to [`NOTE_MAX_CHARS`], or `None` when it looks like a
/// secret (an API key prefix, or a long run of hex digits such as a session token).
fn clean_note(note: String) -> Option<String> {
    let hex_run = note
        .split(|c: char| !c.is_ascii_hexdigit())
        .any(|run| run.len() >= 32);
    if hex_run || note.contains("pk_live_") || note.contains("pk_test_") {
        tracing::warn!("dropped an action note that looked like a secret");
        return None;
    }
    Some(note.chars().take(NOTE_MAX_CHARS).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: u8) -> Timestamp {
        let text = format!("\"2026-11-01T12:{minute:02}:00Z\"");
        serde_json::from_str(&text).expect("valid time")
    }

    fn entry(minute: u8, action: Action, key: &str) -> ActionEntry {
        ActionEntry::new(at(minute), action).with_key(KeyId::new(key), Environment::Test)
    }

    #[test]
    fn reads_newest_first_with_a_filter_and_a_limit() {
        let dir = tempfile::tempdir().expect("temp dir");
        let log = ActionLog::new(&dir.path().join("data"));
        assert!(log.read(None, 10).expect("no file yet").is_empty());
        log.append(&entry(1, Action::Created, "key_a"))
            .expect("append");
        log.append(&entry(2, Action::Copied, "key_b"))
            .expect("append");
        let rotated = entry(3, Action::Rotated, "key_a")
            .with_request_id(Some("req_01".into()))
            .with_note("old key expires in 1 h");
        log.append(&rotated).expect("append");
        let all = log.read(None, 10).expect("read");
        let actions: Vec<_> = all.iter().map(|e| e.action).collect();
        assert_eq!(actions, [Action::Rotated, Action::Copied, Action::Created]);
        assert_eq!(all[0], rotated, "an entry reads back as written");
        let of_a = log.read(Some(&KeyId::new("key_a")), 10).expect("read");
        assert_eq!(of_a.len(), 2, "only key_a's entries");
        assert_eq!(log.read(None, 1).expect("read"), vec![rotated]);
    }

    #[test]
    fn a_torn_line_and_unknown_actions_do_not_stop_reading() {
        let dir = tempfile::tempdir().expect("temp dir");
        let log = ActionLog::new(dir.path());
        log.append(&entry(1, Action::Verified, "key_a"))
            .expect("append");
        let mut file = OpenOptions::new()
            .append(true)
            .open(log.path())
            .expect("open");
        file.write_all(b"{\"at\":\"2026-11-01T12:02:00Z\",\"action\":\"frozen\"}\n")
            .expect("write a newer version's line");
        file.write_all(b"{\"at\":\"2026-11-01T12:0")
            .expect("write a torn line");
        drop(file);
        let read = log.read(None, 10).expect("read");
        let actions: Vec<_> = read.iter().map(|e| e.action).collect();
        assert_eq!(
            actions,
            [Action::Unknown, Action::Verified],
            "torn line skipped"
        );
        log.append(&entry(4, Action::Revoked, "key_a"))
            .expect("append after a torn line");
        let newest = log.read(None, 1).expect("read");
        assert_eq!(newest.first().map(|e| e.action), Some(Action::Revoked));
    }

    #[test]
    fn entries_carry_exactly_the_documented_fields() {
        let line = serde_json::to_value(entry(5, Action::RemovedFromKeyring, "key_a"))
            .expect("serializes");
        let mut fields: Vec<_> = line
            .as_object()
            .expect("an object")
            .keys()
            .cloned()
            .collect();
        fields.sort();
        assert_eq!(
            fields,
            [
                "action",
                "at",
                "environment",
                "key_id",
                "note",
                "request_id"
            ],
            "no other field, and none for a secret"
        );
        assert_eq!(line["action"], "removed_from_keyring");
    }

    #[test]
    fn notes_that_look_like_secrets_are_dropped_and_long_ones_cut() {
        let dir = tempfile::tempdir().expect("temp dir");
        let log = ActionLog::new(dir.path());
        let key = format!("pasted pk_test_{}", "ab".repeat(32));
        let token = format!("token {}", "0f".repeat(32));
        for note in [key, token] {
            log.append(&entry(1, Action::Added, "key_a").with_note(note))
                .expect("append");
        }
        log.append(&entry(2, Action::Added, "key_a").with_note("x".repeat(500)))
            .expect("append");
        let text = fs::read_to_string(log.path()).expect("read");
        assert!(
            !text.contains("pk_test_") && !text.contains("0f0f0f"),
            "{text}"
        );
        let read = log.read(None, 10).expect("read");
        assert_eq!(read[0].note.as_ref().map(String::len), Some(NOTE_MAX_CHARS));
        assert_eq!(read[1].note, None);
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let log = ActionLog::new(dir.path());
        log.append(&entry(1, Action::SignedIn, "key_a"))
            .expect("append");
        let mode = fs::metadata(log.path()).expect("stat").permissions().mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "the log must not be readable by others"
        );
    }
}
