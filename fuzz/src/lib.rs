//! Shared plumbing of the fuzz targets: a scratch directory per target and process, so that
//! parsers whose public entry point takes a directory read the fuzzer's bytes from real files.

use std::path::{Path, PathBuf};

/// A directory `<temp dir>/appfraud-fuzz-<name>-<pid>/<sub>` for each `sub`, created empty.
/// `tools/fuzz.sh` points the temp dir at a directory it removes afterwards.
///
/// # Panics
///
/// When a directory cannot be created: the harness cannot run at all then.
pub fn scratch_dirs<const N: usize>(name: &str, subs: [&str; N]) -> [PathBuf; N] {
    let root = std::env::temp_dir().join(format!("appfraud-fuzz-{name}-{}", std::process::id()));
    subs.map(|sub| {
        let dir = root.join(sub);
        if dir.exists() {
            std::fs::remove_dir_all(&dir).expect("clearing a fuzz scratch directory");
        }
        std::fs::create_dir_all(&dir).expect("creating a fuzz scratch directory");
        dir
    })
}

/// Writes `bytes` to `dir/file`, replacing what was there.
///
/// # Panics
///
/// When the file cannot be written: the harness cannot run at all then.
pub fn put(dir: &Path, file: &str, bytes: &[u8]) {
    std::fs::write(dir.join(file), bytes).expect("writing a fuzz input file");
}
