//! Latency of the embedded [`Scorer`] for one application against a history: features (step
//! one, history queries), model and reasons, as a screening service calls it. Prints p50, p90,
//! p99 and max per call, on one thread, for:
//!
//! - `score` with reasons for flagged applications (the default), and for every application;
//! - `score` while another thread observes new applications (readers against the writer);
//! - `observe` (its write-lock section included), in submission order and out of it (each
//!   application older than the newest held, which undoes and redoes the component links
//!   made after its time).
//!
//! The queried applications are those of NEW_DIR, which the history does not hold (the
//! night's directory of `bench/nightly.sh`): each is scored as a new applicant would be.
//!
//! `cargo bench --workspace --bench scorer_latency -- MODEL_DIR SNAPSHOT NEW_DIR [QUERIES]`
//! (default 5,000 queries; `bench/serve.sh` builds the 1M-application snapshot first).

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use appfraud_features::{HistorySnapshot, StoredApplication, read_data_dir, stored_applications};
use appfraud_serve::{HistorySource, ModelPackage, ReasonScope, Scorer, ScorerOptions};

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(2);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let [model, snapshot, new, rest @ ..] = args.as_slice() else {
        return Err("usage: scorer_latency MODEL_DIR SNAPSHOT NEW_DIR [QUERIES]".into());
    };
    let queries: usize = rest.first().map_or(Ok(5000), |q| q.parse())?;
    let raw = read_data_dir(Path::new(new))?;
    let mut apps = stored_applications(&raw)?;
    apps.truncate(queries);
    let (half, rest) = apps.split_at(apps.len() / 2);

    for (label, reasons_for) in [
        ("reasons for flagged", ReasonScope::Flagged),
        ("reasons for all", ReasonScope::All),
    ] {
        let scorer = scorer(model, snapshot, reasons_for)?;
        warm(&scorer, &apps);
        let micros = time_each(&apps, |a| {
            scorer.score(&a.application, &a.telemetry).map(|_| ())
        })?;
        report(&format!("score, {label}"), &scorer, micros);
        if reasons_for == ReasonScope::Flagged {
            // Readers while a writer observes the other half of the new applications.
            let writing = AtomicBool::new(true);
            let (micros, observe) = std::thread::scope(|s| {
                let writer = s.spawn(|| {
                    let t = time_each(rest, |a| {
                        scorer.observe(&a.application, &a.telemetry).map(|_| ())
                    });
                    writing.store(false, Ordering::Relaxed);
                    t
                });
                let mut micros = Vec::new();
                while writing.load(Ordering::Relaxed) || micros.len() < half.len() {
                    let a = &half[micros.len() % half.len()];
                    let t0 = Instant::now();
                    scorer.score(&a.application, &a.telemetry)?;
                    micros.push(t0.elapsed().as_secs_f64() * 1e6);
                }
                Ok::<_, Box<dyn std::error::Error>>((micros, writer.join().expect("writer")?))
            })?;
            report("score, while another thread observes", &scorer, micros);
            report("observe (write lock included)", &scorer, observe);
            // Out of submission order: each observed application is older than the one before
            // (the first half of the directory, newest first), so each undoes and redoes the
            // component links made after its time.
            let mut older: Vec<&StoredApplication> = half.iter().take(20).collect();
            older.sort_by_key(|a| std::cmp::Reverse(a.application.submitted_at));
            let mut micros = Vec::new();
            for a in older {
                let t0 = Instant::now();
                scorer.observe(&a.application, &a.telemetry)?;
                micros.push(t0.elapsed().as_secs_f64() * 1e6);
            }
            report("observe, each older than the newest held", &scorer, micros);
        }
    }
    Ok(())
}

fn scorer(
    model: &str,
    snapshot: &str,
    reasons_for: ReasonScope,
) -> Result<Scorer, Box<dyn std::error::Error>> {
    let started = Instant::now();
    let history = HistorySnapshot::load(Path::new(snapshot))?;
    let loaded = started.elapsed();
    let scorer = Scorer::new(
        ModelPackage::load(Path::new(model))?,
        HistorySource::InMemory(Box::new(history)),
        ScorerOptions {
            reasons_for,
            ..ScorerOptions::default()
        },
    )?;
    println!(
        "history: {} applications, loaded in {:.2} s; model {} ({} engine)",
        scorer.history_len(),
        loaded.as_secs_f64(),
        scorer.model_id(),
        scorer.engine_name()
    );
    Ok(scorer)
}

/// Caches and lazily built tables: one pass over a few hundred applications.
fn warm(scorer: &Scorer, apps: &[StoredApplication]) {
    for a in apps.iter().take(500) {
        let _ = scorer.score(&a.application, &a.telemetry);
    }
}

fn time_each<E>(
    apps: &[StoredApplication],
    mut call: impl FnMut(&StoredApplication) -> Result<(), E>,
) -> Result<Vec<f64>, E> {
    let mut micros = Vec::with_capacity(apps.len());
    for a in apps {
        let t0 = Instant::now();
        call(a)?;
        micros.push(t0.elapsed().as_secs_f64() * 1e6);
    }
    Ok(micros)
}

fn report(label: &str, scorer: &Scorer, mut micros: Vec<f64>) {
    micros.sort_unstable_by(f64::total_cmp);
    let q = |p: f64| micros[((micros.len() - 1) as f64 * p).round() as usize];
    println!(
        "{label}: {} calls, p50 {:.0} us, p90 {:.0} us, p99 {:.0} us, max {:.0} us (history {})",
        micros.len(),
        q(0.50),
        q(0.90),
        q(0.99),
        q(1.0),
        scorer.history_len()
    );
}
