//! Out-of-time quality of the deployed model: how well packages trained "as of" a date score
//! the quarter after it, on labels none of them saw. `--variants refit` (the default) compares
//! the GBDT with and without the refit and with recency weights of several half-lives;
//! `--variants algorithms` compares the GBDT, the logistic baseline and the scorecard.
//!
//! For each seed: `appfraud generate` writes `--quarters` quarters from `--start`; the data as
//! it stood at the start of the second-to-last quarter (the cutoff) is cut out of it
//! (applications, telemetry and labels before the cutoff); each variant trains a package on
//! that cut; `appfraud evaluate --since CUTOFF` scores the quarter after the cutoff against
//! every label the full directory holds for it (labels that came in up to a quarter later).
//! Prints ROC AUC, PR AUC, recall at the package's 1 % FPR threshold (chosen before the
//! cutoff, so its false-positive rate on the scored quarter varies), log loss, Brier score and
//! the wall time of `appfraud train` (features included) per (seed, variant), then their means
//! over the seeds.
//!
//! Usage: `cargo bench --workspace --bench refit_out_of_time -- [--applications N]
//! [--seeds 1,2,3] [--quarters Q] [--start YYYY-MM-DD] [--config train.toml]
//! [--variants refit|algorithms]`
//! (`bench/refit_out_of_time.sh` builds the release binary and runs it).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use chrono::{Datelike, NaiveDate};

#[path = "../tests/as_of/mod.rs"]
mod as_of;

const BIN: &str = env!("CARGO_BIN_EXE_appfraud");

/// A way of training: its name and the extra `train` arguments.
type Variant = (&'static str, &'static [&'static str]);

/// The three algorithms, each with its defaults (refit included).
const ALGORITHMS: [Variant; 3] = [
    ("gbdt", &["--algo", "gbdt"]),
    ("logistic", &["--algo", "logistic"]),
    ("scorecard", &["--algo", "scorecard"]),
];

/// The GBDT with and without the refit and recency weights.
const REFIT_VARIANTS: [Variant; 6] = [
    ("no refit", &["--no-refit"]),
    (
        "no refit, half-life 180 d",
        &["--no-refit", "--recency-half-life-days", "180"],
    ),
    (
        "no refit, half-life 90 d",
        &["--no-refit", "--recency-half-life-days", "90"],
    ),
    ("refit", &[]),
    (
        "refit, half-life 180 d",
        &["--recency-half-life-days", "180"],
    ),
    ("refit, half-life 90 d", &["--recency-half-life-days", "90"]),
];

struct Options {
    applications: usize,
    seeds: Vec<u64>,
    quarters: u32,
    start: NaiveDate,
    config: Option<PathBuf>,
    variants: &'static [Variant],
}

fn options() -> Options {
    let mut o = Options {
        applications: 40_000,
        seeds: vec![1, 2, 3],
        quarters: 7,
        start: NaiveDate::from_ymd_opt(2024, 1, 1).expect("a date"),
        config: None,
        variants: &REFIT_VARIANTS,
    };
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it
            .next()
            .unwrap_or_else(|| usage(&format!("{flag} needs a value")));
        match flag.as_str() {
            "--applications" => o.applications = value.parse().unwrap_or_else(|_| usage(value)),
            "--seeds" => {
                o.seeds = value
                    .split(',')
                    .map(|s| s.trim().parse().unwrap_or_else(|_| usage(value)))
                    .collect();
            }
            "--quarters" => o.quarters = value.parse().unwrap_or_else(|_| usage(value)),
            "--start" => {
                o.start =
                    NaiveDate::parse_from_str(value, "%Y-%m-%d").unwrap_or_else(|_| usage(value));
            }
            "--config" => o.config = Some(PathBuf::from(value)),
            "--variants" => {
                o.variants = match value.as_str() {
                    "refit" => &REFIT_VARIANTS,
                    "algorithms" => &ALGORITHMS,
                    _ => usage(value),
                }
            }
            other => usage(other),
        }
    }
    if o.quarters < 4 || o.start.day() != 1 || !o.start.month0().is_multiple_of(3) {
        usage("--quarters must be at least 4 and --start the first day of a quarter");
    }
    o
}

fn usage(what: &str) -> ! {
    eprintln!(
        "refit_out_of_time: bad argument {what}\nusage: refit_out_of_time [--applications N] \
         [--seeds 1,2,3] [--quarters Q] [--start YYYY-MM-DD] [--config train.toml] \
         [--variants refit|algorithms]"
    );
    std::process::exit(2);
}

/// The first day of the quarter `k` quarters after `start`.
fn quarter(start: NaiveDate, k: u32) -> NaiveDate {
    let months = start.month0() + 3 * k;
    NaiveDate::from_ymd_opt(start.year() + (months / 12) as i32, months % 12 + 1, 1)
        .expect("a quarter start")
}

fn run(args: &[&str]) -> String {
    let out = Command::new(BIN)
        .args(args)
        .output()
        .expect("the appfraud binary runs");
    if !out.status.success() {
        eprintln!(
            "appfraud {} failed:\n{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
        std::process::exit(1);
    }
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

fn main() {
    let o = options();
    let cutoff = quarter(o.start, o.quarters - 2);
    let end = quarter(o.start, o.quarters - 1);
    let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    println!(
        "{} applications over {} quarters from {}; trained as of {}; scored: applications of \
         [{}, {}) with the labels known by {}{}",
        o.applications,
        o.quarters,
        day(o.start),
        day(cutoff),
        day(cutoff),
        day(end),
        day(quarter(o.start, o.quarters)),
        o.config
            .as_ref()
            .map_or_else(String::new, |c| format!("; config {}", c.display()))
    );
    println!(
        "{:>5} {:<26} {:>7} {:>7} {:>7} {:>8} {:>7} {:>6} {:>6} {:>7}",
        "seed",
        "variant",
        "ROC AUC",
        "PR AUC",
        "R@1%FPR",
        "log loss",
        "Brier",
        "rows",
        "fraud",
        "train s"
    );
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let mut sums = vec![[0.0; 6]; o.variants.len()];
    for &seed in &o.seeds {
        let full = tmp.path().join(format!("full-{seed}"));
        let (train_dir, eval_dir) = (
            tmp.path().join(format!("as-of-{seed}")),
            tmp.path().join(format!("scored-{seed}")),
        );
        run(&[
            "--quiet",
            "generate",
            "--out",
            path(&full),
            "--applications",
            &o.applications.to_string(),
            "--seed",
            &seed.to_string(),
            "--start",
            &day(o.start),
            "--quarters",
            &o.quarters.to_string(),
        ]);
        let micros = |d: NaiveDate| as_of::day_micros(&day(d));
        as_of::as_of(&full, micros(cutoff), &train_dir);
        as_of::with_later_labels(&full, micros(end), &eval_dir);
        for (k, (name, extra)) in o.variants.iter().enumerate() {
            let model = tmp.path().join(format!("model-{seed}-{k}"));
            let mut args = vec!["--quiet", "train", "--data", path(&train_dir)];
            args.extend(["--out", path(&model)]);
            if let Some(c) = &o.config {
                args.extend(["--config", path(c)]);
            }
            args.extend(extra.iter());
            let started = Instant::now();
            run(&args);
            let seconds = started.elapsed().as_secs_f64();
            let evaluation = run(&[
                "--quiet",
                "evaluate",
                "--model",
                path(&model),
                "--data",
                path(&eval_dir),
                "--since",
                &day(cutoff),
            ]);
            let e: serde_json::Value =
                serde_json::from_str(&evaluation).expect("evaluate prints JSON");
            let metric = |name: &str| e[name]["estimate"].as_f64().unwrap_or(f64::NAN);
            let figures = [
                metric("roc_auc"),
                metric("pr_auc"),
                metric("recall_at_fpr_1pct"),
                e["log_loss"].as_f64().unwrap_or(f64::NAN),
                metric("brier"),
                seconds,
            ];
            for (sum, f) in sums[k].iter_mut().zip(figures) {
                *sum += f;
            }
            let [roc, pr, recall, log_loss, brier, _] = figures;
            println!(
                "{seed:>5} {name:<26} {roc:>7.4} {pr:>7.4} {recall:>7.4} {log_loss:>8.5} \
                 {brier:>7.5} {:>6} {:>6} {seconds:>7.1}",
                e["rows"].as_u64().unwrap_or_default(),
                e["positives"].as_u64().unwrap_or_default()
            );
        }
    }
    let n = o.seeds.len() as f64;
    println!("mean over {} seeds:", o.seeds.len());
    for ((name, _), [roc, pr, recall, log_loss, brier, seconds]) in o.variants.iter().zip(&sums) {
        println!(
            "{:>5} {name:<26} {:>7.4} {:>7.4} {:>7.4} {:>8.5} {:>7.5} {:>6} {:>6} {:>7.1}",
            "",
            roc / n,
            pr / n,
            recall / n,
            log_loss / n,
            brier / n,
            "",
            "",
            seconds / n
        );
    }
}
