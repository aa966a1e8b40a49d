//! Model package loading ([`ModelPackage::load`] on a directory) from the committed baseline
//! package, mutated. A package is sealed (every file's SHA-256 in the manifest, the manifest's
//! own digest in `manifest_sha256`), so mutated bytes are sealed again before loading, or they
//! would all stop at the first digest. The first byte chooses what the rest replaces:
//!
//! - even: `model.onnx`; the manifest records its SHA-256 and is sealed again, so the bytes get
//!   past the checksums into the ONNX decoder and the graph readers;
//! - odd: `manifest.json`, as text with an empty digest field (`"manifest_sha256": ""`), which
//!   is filled in when it occurs exactly once; other bytes are written as they are.
//!
//! The other files of the baseline sit beside them unchanged. A package that loads is then used
//! as scoring uses it: the native evaluator (tree packages) scores rows and reason codes are
//! computed for them. Any error is fine; a panic, hang or abort is a finding.

#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use appfraud_core::{seal_manifest, sha256_hex};
use appfraud_fuzz::{put, scratch_dirs};
use appfraud_serve::{BatchScorer, EngineChoice, Explanation, ModelPackage, ReasonScratch};
use libfuzzer_sys::fuzz_target;

const MANIFEST: &[u8] = include_bytes!("../../models/baseline/manifest.json");
const ONNX: &[u8] = include_bytes!("../../models/baseline/model.onnx");
/// The baseline's other files, written once beside the fuzzed ones.
const OTHER_FILES: [(&str, &[u8]); 7] = [
    (
        "model.json",
        include_bytes!("../../models/baseline/model.json"),
    ),
    (
        "metrics.json",
        include_bytes!("../../models/baseline/metrics.json"),
    ),
    (
        "model_card.md",
        include_bytes!("../../models/baseline/model_card.md"),
    ),
    ("roc.svg", include_bytes!("../../models/baseline/roc.svg")),
    (
        "precision_recall.svg",
        include_bytes!("../../models/baseline/precision_recall.svg"),
    ),
    (
        "calibration.svg",
        include_bytes!("../../models/baseline/calibration.svg"),
    ),
    (
        "importance.svg",
        include_bytes!("../../models/baseline/importance.svg"),
    ),
];

/// The scratch package directory, the baseline manifest with its digest field emptied, and
/// where that text holds `model.onnx`'s SHA-256.
fn setup() -> &'static (PathBuf, Vec<u8>, usize) {
    static SETUP: OnceLock<(PathBuf, Vec<u8>, usize)> = OnceLock::new();
    SETUP.get_or_init(|| {
        let [dir] = scratch_dirs("model_package", ["package"]);
        let text = std::str::from_utf8(MANIFEST).expect("the baseline manifest is UTF-8");
        let key = "\"manifest_sha256\": \"";
        let digest_at = text
            .find(key)
            .expect("the baseline manifest has a digest field")
            + key.len();
        let unsealed = [&MANIFEST[..digest_at], &MANIFEST[digest_at + 64..]].concat();
        let hash = sha256_hex(ONNX);
        let at = unsealed
            .windows(hash.len())
            .position(|w| w == hash.as_bytes())
            .expect("the baseline manifest names its model.onnx's SHA-256");
        // The unmutated package loads, so mutations start from a package that gets through.
        for (name, bytes) in OTHER_FILES {
            put(&dir, name, bytes);
        }
        put(&dir, "manifest.json", MANIFEST);
        put(&dir, "model.onnx", ONNX);
        if let Err(e) = ModelPackage::load(&dir) {
            panic!("the baseline package does not load: {e}");
        }
        (dir, unsealed, at)
    })
}

fuzz_target!(|data: &[u8]| {
    let (dir, unsealed, hash_at) = setup();
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 2 == 0 {
        let mut manifest = unsealed.clone();
        let hash = sha256_hex(rest);
        manifest[*hash_at..*hash_at + hash.len()].copy_from_slice(hash.as_bytes());
        let sealed = seal_manifest(&manifest).expect("the baseline has one digest field");
        put(dir, "manifest.json", &sealed);
        put(dir, "model.onnx", rest);
    } else {
        let manifest = seal_manifest(rest).unwrap_or_else(|| rest.to_vec());
        put(dir, "manifest.json", &manifest);
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
