//! Finding the scenarios `interp test` runs, and splitting them into CI partitions.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Why the scenarios could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error("{}: no such file or directory", .0.display())]
    NotFound(PathBuf),
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
}

/// Every `*.scn` and `*.toml` file under `paths`: directories are walked recursively in
/// name order, skipping hidden entries (`.git`, `.cache`) and symlinked directories
/// (which could loop); a path that is a file is taken as given. Roots keep their order;
/// a file reached twice is listed once.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, DiscoverError> {
    let mut found = Vec::new();
    for root in paths {
        let meta = fs::metadata(root).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => DiscoverError::NotFound(root.clone()),
            _ => DiscoverError::Io {
                path: root.clone(),
                source: e,
            },
        })?;
        if meta.is_dir() {
            walk(root, &mut found)?;
        } else {
            found.push(root.clone());
        }
    }
    let mut seen = std::collections::HashSet::new();
    found.retain(|p| seen.insert(p.clone()));
    Ok(found)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> Result<(), DiscoverError> {
    let io_err = |source| DiscoverError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut entries = fs::read_dir(dir)
        .map_err(io_err)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(io_err)?;
    entries.sort();
    for path in entries {
        let hidden = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        let meta = fs::symlink_metadata(&path).map_err(|source| DiscoverError::Io {
            path: path.clone(),
            source,
        })?;
        if meta.is_dir() {
            walk(&path, found)?;
        } else if is_scenario(&path) && fs::metadata(&path).is_ok_and(|m| m.is_file()) {
            found.push(path);
        }
    }
    Ok(())
}

fn is_scenario(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("scn" | "toml")
    )
}

/// `--partition i/n`: this invocation runs the scenarios `k` (0-based, in discovery
/// order) with `k mod n + 1 == i`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Partition {
    /// 1-based.
    pub index: usize,
    pub count: usize,
}

impl Partition {
    /// Parses `i/n` with `1 <= i <= n`.
    pub fn parse(spec: &str) -> Result<Partition, String> {
        let bad = || format!("invalid partition {spec:?}: expected i/n with 1 <= i <= n");
        let (i, n) = spec.split_once('/').ok_or_else(bad)?;
        let index: usize = i.trim().parse().map_err(|_| bad())?;
        let count: usize = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Partition { index, count })
    }

    /// Whether scenario `k` (0-based) belongs to this partition.
    pub fn contains(self, k: usize) -> bool {
        k % self.count + 1 == self.index
    }

    /// The items of this partition, in order.
    pub fn select<T>(self, items: Vec<T>) -> Vec<T> {
        items
            .into_iter()
            .enumerate()
            .filter(|(k, _)| self.contains(*k))
            .map(|(_, t)| t)
            .collect()
    }
}
