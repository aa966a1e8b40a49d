//! Runs the reference scripts of `train/tests/reference/` and reads what they print: one JSON
//! object on stdout, with non-finite floats written as the strings `"inf"`, `"-inf"`, `"nan"`.
//!
//! The interpreter is `APPFRAUD_PYTHON` when set, else the checkout's `.venv-ref/bin/python`,
//! which `./dev test` installs with the pinned LightGBM, scikit-learn, SciPy, optbinning and
//! NumPy. Without it the calling test fails and says so: a reference is never skipped. Each
//! script reports the versions it ran with, and every one that `./dev` pins (`pyref_packages`)
//! must be the pinned one.
//!
//! Each script runs once per test binary and set of arguments; the tests of a binary share its
//! output (and wait for each other rather than run the same script twice).
#![allow(dead_code)] // each test binary uses part of this module

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;

/// The workspace root (the parent of this crate's manifest directory).
fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the train crate sits in the workspace")
}

/// The Python interpreter of the reference environment.
pub fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("APPFRAUD_PYTHON") {
        return PathBuf::from(p);
    }
    let venv = workspace().join(".venv-ref/bin/python");
    assert!(
        venv.is_file(),
        "the Python reference environment is missing: run ./dev test (it installs .venv-ref/ \
         with the pinned LightGBM, scikit-learn, optbinning and NumPy) or set APPFRAUD_PYTHON"
    );
    venv
}

/// The JSON that `train/tests/reference/<script> <args…>` prints, run at most once per process.
pub fn run(script: &str, args: &[&str]) -> Arc<Value> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<Value>>>> = OnceLock::new();
    let key = std::iter::once(script)
        .chain(args.iter().copied())
        .collect::<Vec<_>>()
        .join(" ");
    // A panicking test may poison the lock; the map itself is still consistent.
    let mut cache = CACHE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(value) = cache.get(&key) {
        return Arc::clone(value);
    }
    let path = workspace().join("train/tests/reference").join(script);
    let python = python();
    let output = Command::new(&python)
        .arg(&path)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run the reference Python {} ({e}): run ./dev test (it installs \
                 .venv-ref/) or point APPFRAUD_PYTHON at an interpreter with the packages \
                 pinned in ./dev",
                python.display()
            )
        });
    assert!(
        output.status.success(),
        "reference script `{key}` failed ({}); if a module is missing, ./dev test reinstalls \
         .venv-ref/ with the pinned packages (LightGBM also needs the system's OpenMP runtime, \
         libgomp.so.1):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let value: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("reference script `{key}` printed no valid JSON: {e}"));
    check_pins(&key, &value);
    let value = Arc::new(value);
    cache.insert(key, Arc::clone(&value));
    value
}

/// The `name==version` pins of the reference environment, from `pyref_packages` in `./dev`
/// (the one place they are written).
fn pins() -> Vec<(String, String)> {
    let dev = std::fs::read_to_string(workspace().join("dev")).expect("read ./dev");
    let line = dev
        .lines()
        .find_map(|line| line.strip_prefix("pyref_packages=\""))
        .expect("./dev sets pyref_packages");
    line.trim_end_matches('"')
        .split_whitespace()
        .filter_map(|pin| pin.split_once("=="))
        .map(|(name, version)| (name.to_string(), version.to_string()))
        .collect()
}

/// Every library version a script reports that `./dev` pins must be the pinned one: the
/// expected values are those of the pinned libraries.
fn check_pins(key: &str, value: &Value) {
    let pins = pins();
    let Some(versions) = value.get("versions").and_then(Value::as_object) else {
        panic!("reference script `{key}` reports no library versions");
    };
    for (name, version) in versions {
        let version = version.as_str().unwrap_or("?");
        if let Some((_, pinned)) = pins.iter().find(|(pin, _)| pin == name) {
            assert!(
                version == pinned,
                "reference script `{key}` ran with {name} {version}, ./dev pins {pinned}: run \
                 ./dev test (it reinstalls .venv-ref/ when the pins change)"
            );
        }
    }
}

/// The value at `path` in `value`: keys separated by `/` (`"small/roc/fpr"`), each of which
/// must exist.
#[track_caller]
pub fn get<'a>(value: &'a Value, path: &str) -> &'a Value {
    path.split('/').fold(value, |v, key| {
        v.get(key)
            .unwrap_or_else(|| panic!("the reference output has no `{path}`"))
    })
}

/// A float written by a reference script: a JSON number, or `"inf"`, `"-inf"`, `"nan"`.
#[track_caller]
pub fn f64_of(value: &Value) -> f64 {
    match value {
        Value::Number(n) => n.as_f64().expect("a JSON number is a float"),
        Value::String(s) => match s.as_str() {
            "inf" => f64::INFINITY,
            "-inf" => f64::NEG_INFINITY,
            "nan" => f64::NAN,
            other => panic!("not a float: {other:?}"),
        },
        other => panic!("not a float: {other}"),
    }
}

/// The float at `key` (a path, as for [`get`]).
#[track_caller]
pub fn float(value: &Value, key: &str) -> f64 {
    f64_of(get(value, key))
}

/// The list of floats at `key` (a path, as for [`get`]).
#[track_caller]
pub fn floats(value: &Value, key: &str) -> Vec<f64> {
    floats_of(get(value, key))
}

/// A list of floats written by a reference script.
#[track_caller]
pub fn floats_of(value: &Value) -> Vec<f64> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {value}"))
        .iter()
        .map(f64_of)
        .collect()
}

/// The non-negative integer at `key` (a path, as for [`get`]).
#[track_caller]
pub fn count(value: &Value, key: &str) -> usize {
    get(value, key)
        .as_u64()
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or_else(|| panic!("`{key}` is not a count"))
}

/// The list of non-negative integers at `key` (a path, as for [`get`]).
#[track_caller]
pub fn counts(value: &Value, key: &str) -> Vec<usize> {
    counts_of(get(value, key))
}

/// A list of non-negative integers.
#[track_caller]
pub fn counts_of(value: &Value) -> Vec<usize> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {value}"))
        .iter()
        .map(|v| {
            v.as_u64()
                .and_then(|n| usize::try_from(n).ok())
                .unwrap_or_else(|| panic!("{v} is not a count"))
        })
        .collect()
}

/// The library versions a script reports, for messages: `name version, …`.
pub fn versions(value: &Value) -> String {
    get(value, "versions")
        .as_object()
        .map(|o| {
            o.iter()
                .map(|(k, v)| format!("{k} {}", v.as_str().unwrap_or("?")))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

/// The list of booleans at `key` (a path, as for [`get`]).
#[track_caller]
pub fn bools(value: &Value, key: &str) -> Vec<bool> {
    get(value, key)
        .as_array()
        .unwrap_or_else(|| panic!("`{key}` is not a list"))
        .iter()
        .map(|v| {
            v.as_bool()
                .unwrap_or_else(|| panic!("`{key}` holds {v}, not a boolean"))
        })
        .collect()
}
