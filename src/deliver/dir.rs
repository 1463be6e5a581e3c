//! `DirStore`: the embedded default's archive, a local folder with the same key
//! layout S3 uses, so a local run shows exactly what production would store.

use super::{ReportStore, StoreError};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

static TEMP_COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

#[derive(Debug, Clone)]
pub struct DirStore {
    root: PathBuf,
}

impl DirStore {
    pub fn new(root: impl Into<PathBuf>) -> DirStore {
        DirStore { root: root.into() }
    }

    fn path(&self, key: &str) -> Result<PathBuf, StoreError> {
        // Keys are built by us, but a key must never climb out of the root.
        if key.split('/').any(|part| part == ".." || part.is_empty()) || key.starts_with('/') {
            return Err(StoreError::Rejected { action: format!("writing {key}"), detail: "invalid key".into() });
        }
        Ok(self.root.join(key))
    }

    async fn prepare(&self, key: &str) -> Result<PathBuf, StoreError> {
        let path = self.path(key)?;
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent).await.map_err(|e| fail("creating", parent, e))?;
        }
        Ok(path)
    }
}

fn fail(action: &str, path: &Path, e: std::io::Error) -> StoreError {
    let action = format!("{action} {}", path.display());
    match e.kind() {
        ErrorKind::PermissionDenied | ErrorKind::InvalidInput => StoreError::Rejected { action, detail: e.to_string() },
        _ => StoreError::Unavailable { action, detail: e.to_string() },
    }
}

impl ReportStore for DirStore {
    async fn put(&self, key: &str, _content_type: &str, bytes: &[u8]) -> Result<(), StoreError> {
        let path = self.prepare(key).await?;
        // Write aside, then rename: a reader never sees half a file.
        // Unique per writer: report.html and report.pdf, or two runs, never share a temporary file.
        let unique = format!(
            "{}.{}.partial",
            std::process::id(),
            TEMP_COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        );
        let tmp =
            path.with_file_name(format!("{}.{unique}", path.file_name().and_then(|n| n.to_str()).unwrap_or("file")));
        tokio::fs::write(&tmp, bytes).await.map_err(|e| fail("writing", &tmp, e))?;
        tokio::fs::rename(&tmp, &path).await.map_err(|e| fail("writing", &path, e))
    }

    async fn put_if_absent(&self, key: &str, _content_type: &str, bytes: &[u8]) -> Result<bool, StoreError> {
        use tokio::io::AsyncWriteExt;
        let path = self.prepare(key).await?;
        let file = tokio::fs::OpenOptions::new().write(true).create_new(true).open(&path).await;
        let mut file = match file {
            Ok(file) => file,
            Err(e) if e.kind() == ErrorKind::AlreadyExists => return Ok(false),
            Err(e) => return Err(fail("creating", &path, e)),
        };
        file.write_all(bytes).await.map_err(|e| fail("writing", &path, e))?;
        file.flush().await.map_err(|e| fail("writing", &path, e))?;
        Ok(true)
    }

    async fn list(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        let mut out = Vec::new();
        let mut stack = vec![self.root.join(prefix.trim_end_matches('/'))];
        while let Some(dir) = stack.pop() {
            let mut entries = match tokio::fs::read_dir(&dir).await {
                Ok(entries) => entries,
                // Nothing there, or a file where a folder would be: nothing under it either.
                Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => continue,
                Err(e) => return Err(fail("listing", &dir, e)),
            };
            while let Some(entry) = entries.next_entry().await.map_err(|e| fail("listing", &dir, e))? {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if let Ok(relative) = path.strip_prefix(&self.root) {
                    let key: Vec<String> =
                        relative.components().map(|c| c.as_os_str().to_string_lossy().into()).collect();
                    out.push(key.join("/"));
                }
            }
        }
        Ok(out)
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let path = self.path(key)?;
        match tokio::fs::read(&path).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(fail("reading", &path, e)),
        }
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        let path = self.path(key)?;
        match tokio::fs::remove_file(&path).await {
            Err(e) if e.kind() != ErrorKind::NotFound => Err(fail("removing", &path, e)),
            _ => Ok(()),
        }
    }

    fn locate(&self, key: &str) -> String {
        self.root.join(key).display().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn put_if_absent_wins_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = DirStore::new(dir.path());
        assert!(store.put_if_absent("a/b.json", "application/json", b"1").await.unwrap());
        assert!(!store.put_if_absent("a/b.json", "application/json", b"2").await.unwrap());
        assert_eq!(store.get("a/b.json").await.unwrap().unwrap(), b"1");
        store.delete("a/b.json").await.unwrap();
        assert_eq!(store.get("a/b.json").await.unwrap(), None);
        store.delete("a/b.json").await.unwrap();
    }

    #[tokio::test]
    async fn keys_cannot_leave_the_root() {
        let store = DirStore::new("/tmp/none");
        assert!(store.put("../etc/x", "text/plain", b"").await.is_err());
    }
}
