//! The walkthrough notebook `notebooks-data/appfraud_walkthrough.ipynb` runs headless, every
//! cell, against the binary under test: nbclient (`tests/reference/run_notebook.py`) in the
//! Python reference environment (`.venv-ref/` or `APPFRAUD_PYTHON`), with `notebooks-data/` as
//! the working directory, `APPFRAUD_BIN` set to this build's `appfraud` and `APPFRAUD_WORK` to a
//! temporary directory. A cell that raises (the notebook's own checks among them: ONNX Runtime's
//! probabilities within 1e-6 of `appfraud score`'s, the same bands) or runs past the per-cell
//! timeout fails the test, which shows that cell's source and error.
//!
//! The committed notebook carries no outputs, so that it diffs cleanly; that is checked too.

use std::process::Command;
use std::time::Instant;

mod common;
use common::{BIN, python, workspace};

/// Seconds each cell may take (a debug build computes the sample's features twice).
const CELL_TIMEOUT_SECONDS: u32 = 600;

#[test]
fn the_walkthrough_notebook_runs_headless() {
    let dir = workspace().join("notebooks-data");
    let notebook = dir.join("appfraud_walkthrough.ipynb");
    let work = tempfile::tempdir().expect("temp dir");
    let started = Instant::now();
    let out = Command::new(python())
        .arg(workspace().join("tests/reference/run_notebook.py"))
        .arg(&notebook)
        .arg("--cwd")
        .arg(&dir)
        .arg("--timeout")
        .arg(CELL_TIMEOUT_SECONDS.to_string())
        .current_dir(&dir)
        .env("APPFRAUD_BIN", BIN)
        .env("APPFRAUD_WORK", work.path())
        // The notebook's defaults, not a caller's overrides.
        .env_remove("APPFRAUD_SAMPLE")
        .env_remove("APPFRAUD_MODEL")
        .output()
        .expect("the reference Python runs");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(
        out.status.success(),
        "the notebook failed (exit {:?}):\n{stdout}\n{stderr}",
        out.status.code()
    );
    eprintln!(
        "{stdout}notebook ran in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    // It wrote its outputs into APPFRAUD_WORK.
    for file in ["features.parquet", "scores.parquet"] {
        assert!(work.path().join(file).is_file(), "{file} was not written");
    }
}

#[test]
fn the_committed_notebook_has_no_outputs() {
    let path = workspace().join("notebooks-data/appfraud_walkthrough.ipynb");
    let text = std::fs::read_to_string(&path).expect("the notebook");
    let nb: serde_json::Value = serde_json::from_str(&text).expect("the notebook is JSON");
    let cells = nb["cells"].as_array().expect("cells");
    assert!(!cells.is_empty());
    for (i, cell) in cells.iter().enumerate() {
        if cell["cell_type"] == "code" {
            assert_eq!(
                cell["outputs"],
                serde_json::json!([]),
                "cell {i} has outputs: clear them before committing"
            );
            assert!(
                cell["execution_count"].is_null(),
                "cell {i} has an execution count: clear outputs before committing"
            );
        }
    }
}
