//! Helpers shared by the end-to-end tests: running the `appfraud` binary, checking its exit,
//! locating the workspace's files and reading Parquet output. Each test binary uses a part of
//! them.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use polars::prelude::*;

/// The Python of the reference environment (`.venv-ref/`, installed by `./dev test`), or
/// `APPFRAUD_PYTHON` when set.
pub fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("APPFRAUD_PYTHON") {
        return PathBuf::from(p);
    }
    let venv = workspace().join(".venv-ref/bin/python");
    assert!(
        venv.is_file(),
        "the Python reference environment is missing: run ./dev test (it installs .venv-ref/) or set APPFRAUD_PYTHON"
    );
    venv
}

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_appfraud");

/// Runs `appfraud ARGS` to completion.
pub fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .output()
        .expect("the appfraud binary runs")
}

/// Asserts success (showing stderr otherwise) and returns stdout.
pub fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Asserts success (showing stderr otherwise) and returns stderr, where progress goes.
pub fn ok_stderr(out: &Output) -> String {
    ok(out);
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts exit code 2 (a user error) and returns stderr.
pub fn usage_error(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    stderr
}

/// The workspace root (the repository).
pub fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The built-in sample data directory.
pub fn sample() -> PathBuf {
    workspace().join("notebooks-data/sample")
}

/// The committed baseline model package.
pub fn baseline() -> PathBuf {
    workspace().join("models/baseline")
}

/// A path as a command-line argument.
pub fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// A Parquet file as a frame.
pub fn read(path: &Path) -> DataFrame {
    ParquetReader::new(std::fs::File::open(path).expect("open"))
        .finish()
        .expect("parquet")
}
