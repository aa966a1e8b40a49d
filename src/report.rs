//! Progress and result reporting on stderr, shared by the commands: step lines (with a spinner
//! on a terminal), a progress bar over scored applications, and the summaries several commands
//! print (what ingest read, a dataset's splits, a model's metrics, a scoring run's bands and
//! its top flagged applications with the sentences of their reasons).

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use appfraud_features::RawFrames;
use appfraud_serve::ScoreRun;
use appfraud_train::{Dataset, Evaluation};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use polars::prelude::*;

/// Step reporting on stderr, silent with `--quiet`. On a terminal a spinner shows the step in
/// progress and its elapsed time; in a pipe only the step lines are written.
pub struct Reporter {
    quiet: bool,
    started: Instant,
    spinner: Option<ProgressBar>,
}

impl Reporter {
    /// A reporter that writes nothing when `quiet`.
    pub fn new(quiet: bool) -> Self {
        let spinner = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template("{spinner} {elapsed:>4} {msg}") {
                bar.set_style(style);
            }
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Reporter {
            quiet,
            started: Instant::now(),
            spinner,
        }
    }

    /// Whether progress output is off.
    pub fn is_quiet(&self) -> bool {
        self.quiet
    }

    /// Reports that `msg` starts (or happened).
    pub fn step(&self, msg: impl AsRef<str>) {
        let line = format!(
            "[{:>6.1}s] {}",
            self.started.elapsed().as_secs_f64(),
            msg.as_ref()
        );
        match &self.spinner {
            Some(bar) => {
                bar.println(line);
                bar.set_message(msg.as_ref().trim().to_string());
            }
            None if !self.quiet => eprintln!("{line}"),
            None => {}
        }
    }
}

impl Drop for Reporter {
    fn drop(&mut self) {
        if let Some(bar) = &self.spinner {
            bar.finish_and_clear();
        }
    }
}

/// A progress bar over scored applications, drawn only on a terminal and when not quiet.
#[derive(Default)]
pub struct ProgressSlot(std::sync::OnceLock<ProgressBar>);

impl ProgressSlot {
    /// Starts the bar over `total` applications.
    pub fn start(&self, report: &Reporter, total: usize) {
        if report.is_quiet() || !std::io::stderr().is_terminal() {
            return;
        }
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template(
            "{bar:40} {pos}/{len} applications ({per_sec}, {eta} left)",
        ) {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(200));
        let _ = self.0.set(bar);
    }

    /// Counts `n` more scored applications.
    pub fn advance(&self, n: usize) {
        if let Some(bar) = self.0.get() {
            bar.inc(n as u64);
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = self.0.get() {
            bar.finish_and_clear();
        }
    }
}

/// What ingest read: table sizes, then every line of its report, each prefixed by `indent`.
pub fn ingested(report: &Reporter, raw: &RawFrames, telemetry_rows: usize, indent: &str) {
    report.step(format!(
        "{indent}read {} applications, {telemetry_rows} telemetry rows, {} labels",
        raw.applications.height(),
        raw.labels.as_ref().map_or(0, DataFrame::height),
    ));
    for line in raw.report.to_string().lines() {
        report.step(format!("{indent}  {line}"));
    }
}

/// Reports a data directory run's progress: what ingest read, then each stage.
pub fn dir_progress(report: &Reporter, progress: appfraud_features::DirProgress<'_>) {
    match progress {
        appfraud_features::DirProgress::Ingested {
            frames,
            telemetry_rows,
        } => ingested(report, frames, telemetry_rows, ""),
        appfraud_features::DirProgress::Stage(stage) => self::stage(report, stage),
    }
}

/// Reports the start of a stage of feature computation, once the memory the stage before freed
/// is given back ([`crate::release_freed_memory`]).
pub fn stage(report: &Reporter, stage: appfraud_features::Stage) {
    crate::release_freed_memory();
    report.step(stage.describe());
}

/// A dataset's row accounting and its splits.
pub fn dataset(report: &Reporter, dataset: &Dataset) {
    let s = &dataset.summary;
    report.step(format!(
        "dataset: {} rows in, {} unlabelled, {} dropped for label delay, {} for cluster overlap",
        s.input_rows, s.unlabeled, s.dropped_label_delay, s.dropped_cluster_overlap
    ));
    for (split, rows, pos) in &s.counts {
        report.step(format!(
            "  {:<5} {rows:>8} rows, {pos:>6} fraud",
            split.as_str()
        ));
    }
}

/// A model's metrics on one split, with their intervals.
pub fn metrics(report: &Reporter, split: &str, e: &Evaluation) {
    report.step(format!(
        "{split}: ROC AUC {:.4} [{:.4}, {:.4}], PR AUC {:.4} [{:.4}, {:.4}], recall@1%FPR {:.3} (FPR {:.4}), recall@5%FPR {:.3} (FPR {:.4}), precision@{} {:.3}, Brier {:.5}",
        e.roc_auc.estimate,
        e.roc_auc.low,
        e.roc_auc.high,
        e.pr_auc.estimate,
        e.pr_auc.low,
        e.pr_auc.high,
        e.recall_at_fpr_1pct.estimate,
        e.fpr_at_threshold_1pct,
        e.recall_at_fpr_5pct.estimate,
        e.fpr_at_threshold_5pct,
        e.review_budget,
        e.precision_at_k.estimate,
        e.brier.estimate
    ));
}

/// A scoring run: what ingest found, applications per band, and the unscored ones.
pub fn score_run(report: &Reporter, run: &ScoreRun) {
    for line in run.report.to_string().lines() {
        report.step(format!("  {line}"));
    }
    let [clear, review, verify] = run.bands;
    report.step(format!(
        "bands: {clear} clear, {review} review, {verify} verify ({} engine)",
        run.engine
    ));
    if let Some((row, reason)) = run.unscored.first() {
        report.step(format!(
            "{} applications could not be scored (their rows carry the reason in column error); first: row {row}: {reason}",
            run.unscored.len(),
        ));
    }
}

/// The `n` highest-scoring flagged (`review` or `verify`) applications of a score table, each
/// on one line (id, probability, band) followed by one line per reason: its sentence and its
/// contribution to the log-odds. Application ids and the reasons' fixed text only: no personal
/// data in logs.
///
/// # Errors
///
/// A table operation that fails on a score table (an internal failure).
pub fn top_flagged(
    report: &Reporter,
    scores: &DataFrame,
    n: u32,
    indent: &str,
) -> PolarsResult<()> {
    let df = scores
        .clone()
        .lazy()
        .filter(col("band").neq(lit("clear")))
        .sort(
            ["probability"],
            SortMultipleOptions::default().with_order_descending(true),
        )
        .limit(n)
        .collect()?;
    if df.height() == 0 {
        return Ok(());
    }
    report.step(format!(
        "{indent}top {} flagged applications and why:",
        df.height()
    ));
    let ids = df.column("application_id")?.str()?.clone();
    let p = df.column("probability")?.f32()?.clone();
    let band = df.column("band")?.str()?.clone();
    let reasons = df.column("reasons")?.list()?.clone();
    for i in 0..df.height() {
        report.step(format!(
            "{indent}  {} p={:.3} {}",
            ids.get(i).unwrap_or("?"),
            p.get(i).unwrap_or(f32::NAN),
            band.get(i).unwrap_or("?"),
        ));
        let Some(list) = reasons.get_as_series(i) else {
            continue;
        };
        let s = list.struct_()?;
        let texts = s.field_by_name("text")?;
        let texts = texts.str()?;
        let contributions = s.field_by_name("contribution")?;
        let contributions = contributions.f64()?;
        for (text, contribution) in texts.iter().zip(contributions.iter()) {
            report.step(format!(
                "{indent}    - {} ({:+.2})",
                text.unwrap_or("?"),
                contribution.unwrap_or(f64::NAN)
            ));
        }
    }
    Ok(())
}

/// Loads a history snapshot file, reporting how many applications it holds and the load time.
pub fn load_snapshot(
    report: &Reporter,
    path: &std::path::Path,
) -> Result<appfraud_features::HistorySnapshot, appfraud_features::FeatureError> {
    report.step(format!("loading snapshot {}", path.display()));
    let started = std::time::Instant::now();
    let snapshot = appfraud_features::HistorySnapshot::load(path)?;
    report.step(format!(
        "loaded {} applications in {:.1} s",
        snapshot.len(),
        started.elapsed().as_secs_f64()
    ));
    Ok(snapshot)
}
