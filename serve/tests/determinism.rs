//! Where two runs execute the same code on the same numbers, they agree to the bit: the native
//! evaluator on one row at a time or in batches, each engine on 1 or 2 threads and on repeated
//! runs, and TreeSHAP with a fresh or a reused scratch. No tolerance applies: the native
//! evaluator adds each row's leaves in tree order in its own lane whatever block the row falls
//! in, and the batch scorer cuts rows into the same chunks of `CHUNK_ROWS` whatever the number
//! of threads (ONNX Runtime runs each chunk in a session with one intra-op thread).
//!
//! The model is the committed baseline package; the rows put every split feature exactly on its
//! threshold, one float32 step either side and at NaN, on a base row of values that reach
//! varied leaves.

use std::path::PathBuf;

use appfraud_serve::{
    BatchScorer, EngineChoice, Explanation, Kernel, ModelPackage, NativeTrees, Node, ShapScratch,
    TreeEnsemble,
};

fn baseline() -> ModelPackage {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../models/baseline");
    ModelPackage::load(&dir).expect("the committed baseline loads")
}

fn trees(package: &ModelPackage) -> &TreeEnsemble {
    match package.explanation() {
        Explanation::Trees(trees) => trees,
        Explanation::Linear(_) => panic!("the baseline is a tree package"),
    }
}

/// Three times over, for every split of every tree: a base row (cycling over four, shifted each
/// time) with the split feature on the threshold, one float32 step above and below, and NaN.
fn threshold_rows(trees: &TreeEnsemble) -> Vec<f32> {
    let f = trees.n_features();
    let bases: Vec<Vec<f32>> = (0..4)
        .map(|k| {
            (0..f)
                .map(|j| match (j + k) % 4 {
                    0 => f32::NAN,
                    1 => 0.0,
                    2 => 1.0,
                    _ => (j as f32) * 0.37 - 3.0,
                })
                .collect()
        })
        .collect();
    let mut rows = Vec::new();
    for round in 0..3 {
        let mut k = round;
        for tree in trees.trees() {
            for node in &tree.nodes {
                if let Node::Branch(b) = node {
                    let t = b.threshold;
                    for x in [t, t.next_up(), t.next_down(), f32::NAN] {
                        let mut row = bases[k % bases.len()].clone();
                        k += 1;
                        row[b.feature as usize] = x;
                        rows.extend(row);
                    }
                }
            }
        }
    }
    rows
}

fn bits(values: &[f32]) -> Vec<u32> {
    values.iter().map(|v| v.to_bits()).collect()
}

/// `scorer`'s probabilities of `rows` on a pool of `threads` threads.
fn on_threads(scorer: &BatchScorer, rows: &[f32], threads: usize) -> Vec<f32> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("thread pool")
        .install(|| scorer.probabilities(rows, &|_| {}))
        .expect("scores")
}

#[test]
fn the_native_evaluator_runs_the_cpus_best_kernel_on_the_baseline() {
    let package = baseline();
    let native = NativeTrees::compile(trees(&package), package.calibration().clone())
        .expect("the baseline compiles");
    let scorer = BatchScorer::new(&package, EngineChoice::Native).expect("native engine");
    let kernel = native.kernel();
    eprintln!("native evaluator kernel on the baseline: {kernel:?}");
    assert_eq!(scorer.native_kernel(), Some(kernel));
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx512f") {
        assert_eq!(
            kernel,
            Kernel::Avx512,
            "the CPU has AVX-512F but the baseline would run the scalar walk"
        );
    }
}

#[test]
fn native_scores_are_bit_identical_per_row_in_batches_and_on_any_thread_count() {
    let package = baseline();
    let rows = threshold_rows(trees(&package));
    let f = package.n_features();
    let n = rows.len() / f;
    assert!(
        n > 2 * appfraud_serve::CHUNK_ROWS,
        "{n} rows span several chunks"
    );
    let scorer = BatchScorer::new(&package, EngineChoice::Native).expect("native engine");

    let one = on_threads(&scorer, &rows, 1);
    assert_eq!(one.len(), n);
    let two = on_threads(&scorer, &rows, 2);
    assert_eq!(bits(&two), bits(&one), "1 thread vs 2 threads");
    let again = on_threads(&scorer, &rows, 2);
    assert_eq!(bits(&again), bits(&one), "a repeated run");
    for (i, row) in rows.chunks_exact(f).enumerate() {
        let alone = scorer.probabilities_here(row).expect("one row");
        assert_eq!(alone.len(), 1);
        assert_eq!(
            alone[0].to_bits(),
            one[i].to_bits(),
            "row {i} alone vs in a batch"
        );
    }
}

#[test]
fn onnx_runtime_scores_are_bit_identical_on_any_thread_count_and_repeated() {
    let package = baseline();
    let rows = threshold_rows(trees(&package));
    let scorer = BatchScorer::new(&package, EngineChoice::OnnxRuntime)
        .unwrap_or_else(|e| panic!("ONNX Runtime engine (is .ort/ installed? ./dev ort): {e}"));
    assert_eq!(scorer.native_kernel(), None);
    let one = on_threads(&scorer, &rows, 1);
    let two = on_threads(&scorer, &rows, 2);
    assert_eq!(bits(&two), bits(&one), "1 thread vs 2 threads");
    let again = on_threads(&scorer, &rows, 1);
    assert_eq!(bits(&again), bits(&one), "a repeated run");
}

#[test]
fn treeshap_is_bit_identical_with_a_fresh_or_reused_scratch_and_per_reason_call() {
    let package = baseline();
    let trees = trees(&package);
    let rows = threshold_rows(trees);
    let f = package.n_features();
    let mut reused = ShapScratch::new();
    let mut reasons = appfraud_serve::ReasonScratch::default();
    for (i, row) in rows.chunks_exact(f).enumerate().step_by(7) {
        let mut fresh = vec![0.0; f];
        trees.shap_values(row, &mut fresh);
        let mut again = vec![0.0; f];
        trees.shap_values_with(row, &mut again, &mut reused);
        let bits64 = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits64(&again), bits64(&fresh), "row {i}");
        // The package's reason codes are the largest of the same contributions.
        for r in package.reasons(row, 3, &mut reasons) {
            let j = package
                .feature_names()
                .iter()
                .position(|n| *n == r.feature)
                .expect("a model feature");
            assert_eq!(r.contribution.to_bits(), fresh[j].to_bits(), "row {i}");
        }
    }
}
