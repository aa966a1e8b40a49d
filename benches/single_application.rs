//! Single-application latency: builds a [`HistorySnapshot`] over a data directory, then computes
//! the features of applications one at a time through the single-application path (own
//! signals, history query, feature row) and prints p50 / p90 / p99 / max per call.
//!
//! Usage: `cargo bench --bench single_application -- DATA_DIR [QUERIES]` (see
//! `bench/features.sh`, which generates a 1M-application directory first). The queried
//! applications are spread evenly over the data set; each is computed from its own records and
//! telemetry, with the history before its `submitted_at`, exactly as a new application would be
//! (the snapshot's own-row exclusion is one hash lookup).

use std::path::PathBuf;
use std::time::Instant;

use appfraud_features::{
    HistorySnapshot, References, SnapshotScratch, TelemetryRecord, read_data_dir,
    stored_applications,
};

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let Some(dir) = args.first().map(PathBuf::from) else {
        eprintln!("usage: single_application DATA_DIR [QUERIES]");
        std::process::exit(2);
    };
    let queries: usize = args.get(1).and_then(|q| q.parse().ok()).unwrap_or(20_000);

    let started = Instant::now();
    let raw = read_data_dir(&dir).unwrap_or_else(|e| fail(&e));
    let refs = References::from_data_dir(&dir).unwrap_or_else(|e| fail(&e));
    let stored = stored_applications(&raw).unwrap_or_else(|e| fail(&e));
    let read = started.elapsed();
    let started = Instant::now();
    let snapshot = HistorySnapshot::from_frames(&raw, refs).unwrap_or_else(|e| fail(&e));
    let built = started.elapsed();
    drop(raw);

    let step = (stored.len() / queries.max(1)).max(1);
    let picked: Vec<usize> = (0..stored.len()).step_by(step).take(queries).collect();
    let width = snapshot.feature_set().len();
    let mut out = vec![0f32; width];
    let mut scratch = SnapshotScratch::default();
    // Warm-up: caches, lazily built tables.
    for &i in picked.iter().take(1000) {
        let a = &stored[i];
        let samples: Vec<_> = a.telemetry.iter().map(TelemetryRecord::view).collect();
        snapshot.features_into(&a.application.view(), &samples, &mut scratch, &mut out);
    }
    let mut micros: Vec<f64> = Vec::with_capacity(picked.len());
    let mut checksum = 0f64;
    for &i in &picked {
        let a = &stored[i];
        let t0 = Instant::now();
        let samples: Vec<_> = a.telemetry.iter().map(TelemetryRecord::view).collect();
        snapshot.features_into(&a.application.view(), &samples, &mut scratch, &mut out);
        micros.push(t0.elapsed().as_secs_f64() * 1e6);
        checksum += out
            .iter()
            .filter(|v| v.is_finite())
            .map(|v| f64::from(*v))
            .sum::<f64>();
    }
    micros.sort_unstable_by(f64::total_cmp);
    let q = |p: f64| micros[((micros.len() - 1) as f64 * p).round() as usize];
    let mean = micros.iter().sum::<f64>() / micros.len() as f64;
    println!(
        "snapshot: {} applications ({} features)",
        snapshot.len(),
        width
    );
    println!("read + validate: {:.1} s", read.as_secs_f64());
    println!("snapshot build:  {:.1} s", built.as_secs_f64());
    println!(
        "single application, {} calls on one thread: p50 {:.0} us, p90 {:.0} us, p99 {:.0} us, max {:.0} us, mean {:.0} us",
        micros.len(),
        q(0.50),
        q(0.90),
        q(0.99),
        q(1.0),
        mean
    );
    println!("(checksum {checksum:.3e})");
}

fn fail(e: &dyn std::fmt::Display) -> ! {
    eprintln!("error: {e}");
    std::process::exit(2);
}
