//! TreeSHAP throughput of the two exact algorithms on a model package's trees and the rows of
//! a feature table: the quadrature algorithm scoring uses (`shap_values_with`: its AVX2 build
//! when the CPU has AVX2, its portable build, and `shap_values_rows` on batches of
//! `REASON_BATCH` rows as batch scoring calls it) and Algorithm 2 of Lundberg et al. (`shap_values_algorithm2`, the algorithm of `shap` and LightGBM's
//! `pred_contrib`), on one core and on the rayon pool, in the same run. Also prints the
//! Gauss–Legendre rule sizes the trees need, the largest difference between the two
//! algorithms' contributions and the largest additivity error.
//!
//! Each figure is the median of [`REPEATS`] runs over the same rows after one warm-up run.
//!
//! `cargo bench --workspace --bench treeshap -- MODEL_DIR FEATURES [ROWS]` (default 2,000 rows:
//! Algorithm 2 costs milliseconds per row).

use std::path::Path;
use std::time::{Duration, Instant};

use appfraud_serve::{
    Explanation, ModelPackage, Node, REASON_BATCH, ShapKernel, ShapScratch, Tree, TreeEnsemble,
    feature_rows,
};
use rayon::prelude::*;

/// Timed runs per algorithm and thread count.
const REPEATS: usize = 3;

/// Adds the contributions of a call's rows (row-major) into its output rows.
type Algorithm = fn(&TreeEnsemble, &[f32], &mut [f64], &mut ShapScratch);

fn main() {
    if let Err(e) = run() {
        eprintln!("treeshap: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    // `cargo bench` appends `--bench` to the arguments of harness-less benches.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let (model_dir, table, n_rows) = match args.as_slice() {
        [m, t] => (m, t, 2000),
        [m, t, n] => (m, t, n.parse()?),
        _ => return Err("usage: treeshap MODEL_DIR FEATURES [ROWS]".into()),
    };
    let package = ModelPackage::load(Path::new(model_dir))?;
    let Explanation::Trees(trees) = package.explanation() else {
        return Err("the package is not a tree model".into());
    };
    let frame = appfraud_features::read_generic_table(Path::new(table))?;
    let mut rows = feature_rows(&package, &frame, table)?;
    drop(frame);
    let f = package.n_features();
    rows.truncate(n_rows.min(rows.len() / f) * f);
    let n = rows.len() / f;
    if n == 0 {
        return Err("the table has no rows".into());
    }
    let sizes = trees.shap_rule_sizes();
    let mut histogram = std::collections::BTreeMap::new();
    for q in &sizes {
        *histogram.entry(q).or_insert(0usize) += 1;
    }
    println!(
        "{} trees, {} nodes; Gauss-Legendre nodes per tree (count): {histogram:?}; {n} rows x {f} features; {} rayon threads",
        trees.trees().len(),
        trees.trees().iter().map(|t| t.nodes.len()).sum::<usize>(),
        rayon::current_num_threads()
    );

    let avx2: Algorithm = |t, row, out, scratch| {
        t.shap_values_on(ShapKernel::Avx2, row, out, scratch);
    };
    let batch: Algorithm = |t, rows, out, scratch| {
        t.shap_values_rows(rows, out, scratch);
    };
    let portable: Algorithm = |t, row, out, scratch| {
        t.shap_values_on(ShapKernel::Portable, row, out, scratch);
    };
    println!("quadrature kernel on this CPU: {:?}", ShapKernel::detect());
    // FastTreeSHAP v2 precomputes, per tree, a table of 2^D values for each of its L leaves
    // (D its depth): what that would take for this model, in f64.
    let v2_bytes: f64 = trees
        .trees()
        .iter()
        .map(|t| {
            let leaves = t
                .nodes
                .iter()
                .filter(|n| matches!(n, Node::Leaf(_)))
                .count();
            leaves as f64 * 2f64.powi(depth(t, 0) as i32) * 8.0
        })
        .sum();
    let plan_bytes: usize = trees
        .trees()
        .iter()
        .zip(&sizes)
        .map(|(t, q)| t.nodes.len() * 2 * q * 8)
        .sum();
    println!(
        "tables: quadrature {:.2} MiB (two f64 per node and rule node); FastTreeSHAP v2 would need {:.1} GiB (L * 2^D f64 per tree)",
        plan_bytes as f64 / 1048576.0,
        v2_bytes / 1073741824.0
    );
    // Each candidate gets ROWS_PER_CALL rows per call (the batched one REASON_BATCH, as
    // scoring calls it).
    let algorithms: [(&str, Algorithm, usize); 4] = [
        ("quadrature", avx2, 1),
        ("quadrature-batch", batch, REASON_BATCH),
        ("quadrature-portable", portable, 1),
        ("algorithm2", TreeEnsemble::shap_values_algorithm2, 1),
    ];
    let mut outputs = Vec::new();
    for (name, algorithm, rows_per_call) in algorithms {
        for threads in [1, rayon::current_num_threads()] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()?;
            let mut out = vec![0.0; rows.len()];
            let mut run = || {
                pool.install(|| {
                    rows.par_chunks(rows_per_call * f)
                        .zip(out.par_chunks_mut(rows_per_call * f))
                        .for_each_init(ShapScratch::new, |scratch, (rows, out)| {
                            out.fill(0.0);
                            algorithm(trees, rows, out, scratch);
                        })
                });
            };
            run();
            let mut times: Vec<Duration> = (0..REPEATS)
                .map(|_| {
                    let t = Instant::now();
                    run();
                    t.elapsed()
                })
                .collect();
            times.sort();
            let median = times[REPEATS / 2];
            println!(
                "{name}, {threads} thread(s): {:.3} s, {:.0} rows/s, {:.1} us/row/core",
                median.as_secs_f64(),
                n as f64 / median.as_secs_f64(),
                median.as_secs_f64() * 1e6 * threads as f64 / n as f64
            );
            if threads == 1 {
                outputs.push(out);
            }
        }
    }
    for (name, output) in [("batch", &outputs[1]), ("portable", &outputs[2])] {
        if output != &outputs[0] {
            return Err(format!("quadrature-{name} differs from quadrature").into());
        }
    }
    let largest_difference = outputs[0]
        .iter()
        .zip(&outputs[3])
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    let expected = trees.expected_value();
    let largest_additivity_error = rows
        .chunks_exact(f)
        .zip(outputs[0].chunks_exact(f))
        .map(|(row, phi)| (phi.iter().sum::<f64>() + expected - trees.margin(row)).abs())
        .fold(0.0, f64::max);
    println!(
        "largest |quadrature - algorithm2|: {largest_difference:.3e}; largest additivity error of quadrature: {largest_additivity_error:.3e}"
    );
    Ok(())
}

/// The depth of `tree` below `index` (a leaf has depth 0), iteratively.
fn depth(tree: &Tree, index: usize) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(index, 0usize)];
    while let Some((i, d)) = stack.pop() {
        match &tree.nodes[i] {
            Node::Leaf(_) => deepest = deepest.max(d),
            Node::Branch(b) => {
                stack.push((b.left as usize, d + 1));
                stack.push((b.right as usize, d + 1));
            }
        }
    }
    deepest
}
