//! Model package loading ([`ModelPackage::load`] on a directory) from the committed baseline
//! package, mutated. The first byte chooses what the rest replaces:
//!
//! - even: `model.onnx`, with the baseline manifest's SHA-256 of it patched to match, so the
//!   bytes get past the checksum into the ONNX decoder and the graph readers;
//! - odd: `manifest.json`, next to the baseline `model.onnx`.
//!
//! A package that loads is then used as scoring uses it: the native evaluator (tree packages)
//! scores rows and reason codes are computed for them. Any error is fine; a panic, hang or
//! abort is a finding.

#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use appfraud_core::sha256_hex;
use appfraud_fuzz::{put, scratch_dirs};
use appfraud_serve::{BatchScorer, EngineChoice, Explanation, ModelPackage, ReasonScratch};
use libfuzzer_sys::fuzz_target;

const MANIFEST: &[u8] = include_bytes!("../../models/baseline/manifest.json");
const ONNX: &[u8] = include_bytes!("../../models/baseline/model.onnx");

/// The scratch package directory and where the baseline manifest holds `model.onnx`'s hash.
fn setup() -> &'static (PathBuf, usize) {
    static SETUP: OnceLock<(PathBuf, usize)> = OnceLock::new();
    SETUP.get_or_init(|| {
        let [dir] = scratch_dirs("model_package", ["package"]);
        let hash = sha256_hex(ONNX);
        let at = MANIFEST
            .windows(hash.len())
            .position(|w| w == hash.as_bytes())
            .expect("the baseline manifest names its model.onnx's SHA-256");
        // The unmutated package loads, so mutations start from a package that gets through.
        put(&dir, "manifest.json", MANIFEST);
        put(&dir, "model.onnx", ONNX);
        if let Err(e) = ModelPackage::load(&dir) {
            panic!("the baseline package does not load: {e}");
        }
        (dir, at)
    })
}

fuzz_target!(|data: &[u8]| {
    let (dir, hash_at) = setup();
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 2 == 0 {
        let mut manifest = MANIFEST.to_vec();
        let hash = sha256_hex(rest);
        manifest[*hash_at..*hash_at + hash.len()].copy_from_slice(hash.as_bytes());
        put(dir, "manifest.json", &manifest);
        put(dir, "model.onnx", rest);
    } else {
        put(dir, "manifest.json", rest);
        put(dir, "model.onnx", ONNX);
    }
    let Ok(package) = ModelPackage::load(dir) else {
        return;
    };
    let n = package.n_features();
    // Rows as scoring meets them: typical values, missing values, extremes.
    let mut rows = Vec::with_capacity(4 * n);
    rows.extend(std::iter::repeat_n(0.0f32, n));
    rows.extend(std::iter::repeat_n(f32::NAN, n));
    rows.extend((0..n).map(|j| if j % 2 == 0 { f32::MAX } else { f32::MIN }));
    rows.extend((0..n).map(|j| j as f32 * 0.37 - 3.0));
    if matches!(package.explanation(), Explanation::Trees(_))
        && let Ok(scorer) = BatchScorer::new(&package, EngineChoice::Native)
        && let Ok(probabilities) = scorer.probabilities_here(&rows)
    {
        assert_eq!(probabilities.len(), 4);
    }
    let mut scratch = ReasonScratch::default();
    for row in rows.chunks_exact(n.max(1)) {
        if row.len() == n {
            let _ = package.reasons(row, 3, &mut scratch);
        }
    }
});
