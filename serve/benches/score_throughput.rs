//! Batch scoring throughput of the model part alone (features excluded): a model package's
//! probabilities for every row of a feature table, on the rayon pool (all cores), with each
//! engine behind [`BatchScorer`]: the native tree evaluator and ONNX Runtime (one session per
//! worker, one intra-op thread each). `bench/score_throughput.sh` runs it beside Python
//! onnxruntime on the same `model.onnx` and the same rows.
//!
//! Each engine scores all rows [`REPEATS`] times after one warm-up chunk; the printed figure is
//! the median run. The rows are read and arranged before any timing.
//!
//! Files written to `OUT_DIR` for `bench/score_onnxruntime.py` (numpy only):
//!
//! - `meta.json`: `{"rows": n, "features": f}`;
//! - `rows.f32`: the feature rows, row-major little-endian `f32`, `NaN` = missing;
//! - `native.f32`: the native engine's probabilities, little-endian `f32`;
//! - `prefix.parquet`, when `PREFIX_ROWS` is given: the first `PREFIX_ROWS` rows of the feature
//!   table, every column kept, for timing `appfraud score --table` with reasons for all rows on
//!   fewer rows.
//!
//! `cargo bench --workspace --bench score_throughput -- MODEL_DIR FEATURES OUT_DIR [PREFIX_ROWS]`

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use appfraud_serve::{BatchScorer, CHUNK_ROWS, EngineChoice, ModelPackage, feature_rows};

/// Timed runs per engine.
const REPEATS: usize = 3;

fn main() {
    if let Err(e) = run() {
        eprintln!("score_throughput: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    // `cargo bench` appends `--bench` to the arguments of harness-less benches.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let (model_dir, table, out_dir, prefix_rows) = match args.as_slice() {
        [model, table, out] => (model, table, out, None),
        [model, table, out, rows] => (model, table, out, Some(rows.parse::<usize>()?)),
        _ => return Err("usage: score_throughput MODEL_DIR FEATURES OUT_DIR [PREFIX_ROWS]".into()),
    };
    let out_dir = PathBuf::from(out_dir);
    std::fs::create_dir_all(&out_dir)?;

    let package = ModelPackage::load(Path::new(model_dir))?;
    let started = Instant::now();
    let frame = appfraud_features::read_generic_table(Path::new(table))?;
    let rows = feature_rows(&package, &frame, table)?;
    if let Some(prefix_rows) = prefix_rows {
        let mut prefix = frame.slice(0, prefix_rows);
        appfraud_features::write_parquet_atomically(&mut prefix, &out_dir.join("prefix.parquet"))?;
    }
    drop(frame);
    let f = package.n_features();
    let n = rows.len() / f;
    println!(
        "rows: {n} x {f} features, read in {:.1?}; {} rayon threads",
        started.elapsed(),
        rayon::current_num_threads()
    );
    write_f32(&out_dir.join("rows.f32"), &rows)?;
    std::fs::write(
        out_dir.join("meta.json"),
        format!("{{\"rows\": {n}, \"features\": {f}}}\n"),
    )?;

    let mut results: Vec<(&str, Vec<f32>)> = Vec::new();
    for (name, choice) in [
        ("native", EngineChoice::Native),
        ("onnxruntime-rust", EngineChoice::OnnxRuntime),
    ] {
        let scorer = BatchScorer::new(&package, choice)?;
        if let Some(kernel) = scorer.native_kernel() {
            println!("{name} kernel: {kernel:?}");
        }
        // Warm-up: sessions are created on each worker's first chunk.
        let warm = (2 * rayon::current_num_threads() * CHUNK_ROWS).min(n) * f;
        scorer.probabilities(&rows[..warm], &|_| {})?;
        let mut times: Vec<Duration> = Vec::with_capacity(REPEATS);
        let mut p = Vec::new();
        for _ in 0..REPEATS {
            let t = Instant::now();
            p = scorer.probabilities(&rows, &|_| {})?;
            times.push(t.elapsed());
        }
        times.sort();
        let median = times[REPEATS / 2].as_secs_f64();
        println!(
            "{name}: {n} rows in {median:.3} s (median of {REPEATS}; runs {}), {:.0} rows/s",
            times
                .iter()
                .map(|t| format!("{:.3}", t.as_secs_f64()))
                .collect::<Vec<_>>()
                .join(" "),
            n as f64 / median
        );
        results.push((name, p));
    }
    let max_diff = results[0]
        .1
        .iter()
        .zip(&results[1].1)
        .map(|(a, b)| (f64::from(*a) - f64::from(*b)).abs())
        .fold(0.0, f64::max);
    println!("max |native - onnxruntime-rust| = {max_diff:.2e}");
    write_f32(&out_dir.join("native.f32"), &results[0].1)?;
    Ok(())
}

fn write_f32(path: &Path, values: &[f32]) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    for v in values {
        out.write_all(&v.to_le_bytes())?;
    }
    out.flush()
}
