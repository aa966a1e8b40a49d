//! `appfraud demo`: the main job end to end on built-in data: generate fresh applications,
//! compute the built-in sample's point-in-time features, train and export a GBDT package on the
//! sample with the baseline's configuration and check that it reproduces `models/baseline/`
//! file for file (failing when it does not), score the fresh applications with the baseline
//! package (bands and reason codes), evaluate it on their labels, and show that ONNX Runtime
//! and the native evaluator agree.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use appfraud_features::{DirProgress, FeatureOptions, RawFrames};
use appfraud_serve::{
    BatchScorer, EngineChoice, ModelPackage, ReasonScope, ScoreOptions, ScoreProgress,
};
use appfraud_synth::GenerateParams;
use appfraud_train::{Dataset, SplitSpec};
use clap::Args;
use polars::prelude::*;

use crate::args::UsageError;
use crate::report::{self, Reporter};
use crate::training::{read_config, source_name, train_package};

/// Arguments of `appfraud demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Working directory for the demo's outputs.
    #[arg(long, value_name = "DIR", default_value = "demo-out")]
    pub out: PathBuf,
    /// The built-in sample data directory.
    #[arg(long, value_name = "DIR", default_value = "notebooks-data/sample")]
    pub sample: PathBuf,
    /// The baseline model package; its training config is the .toml file next to it.
    #[arg(long, value_name = "DIR", default_value = "models/baseline")]
    pub baseline: PathBuf,
}

/// The package trained from the baseline's data and configuration is not the committed
/// baseline: either the baseline is stale or training is not reproducible (exit code 1).
#[derive(Debug, thiserror::Error)]
#[error(
    "the package just trained ({}) differs from the committed baseline {}: {}; either the baseline is stale (retrain it with ./dev baseline and commit the result) or training is not reproducible",
    trained.display(),
    baseline.display(),
    differences.join(", ")
)]
pub struct BaselineMismatch {
    /// The package just trained.
    pub trained: PathBuf,
    /// The committed baseline package.
    pub baseline: PathBuf,
    /// Each differing file, with how it differs.
    pub differences: Vec<String>,
}

/// Runs `appfraud demo`.
pub fn run(args: DemoArgs, report: &Reporter) -> Result<()> {
    if !args.sample.is_dir() {
        return Err(UsageError(format!(
            "built-in sample {} not found: run the demo from the appfraud checkout (./dev demo) or pass --sample DIR",
            args.sample.display()
        ))
        .into());
    }
    let baseline_config = args.baseline.with_extension("toml");
    // The configuration is checked before anything is computed.
    let config = read_config(&baseline_config)?.check()?;
    let baseline = ModelPackage::load(&args.baseline)?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;

    // 1. generate
    let data_dir = args.out.join("data");
    let params = GenerateParams::new().applications(5_000).seed(7).check()?;
    report.step(format!(
        "1/6 generate: 5000 fresh applications (seed 7) into {}",
        data_dir.display()
    ));
    let data = appfraud_synth::generate(&params);
    data.write(&data_dir)
        .with_context(|| format!("writing {}", data_dir.display()))?;
    let frames = appfraud_features::read_data_dir(&data_dir)?;
    let telemetry_rows = frames.telemetry.as_ref().map_or(0, DataFrame::height);
    summarise(&frames, telemetry_rows, report)?;

    // 2. features
    let features_path = args.out.join("features.parquet");
    report.step(format!(
        "2/6 features: the built-in sample {} (validated), point in time, into {}",
        args.sample.display(),
        features_path.display()
    ));
    let summary_failure = RefCell::new(None);
    let mut frame =
        appfraud_features::features_from_data_dir(&args.sample, FeatureOptions::default(), &|p| {
            match p {
                DirProgress::Ingested {
                    frames,
                    telemetry_rows,
                } => {
                    if let Err(e) = summarise(frames, telemetry_rows, report) {
                        summary_failure.borrow_mut().get_or_insert(e);
                    }
                }
                DirProgress::Stage(stage) => report.step(format!("   {}", stage.describe())),
            }
        })?;
    if let Some(e) = summary_failure.into_inner() {
        return Err(e);
    }
    appfraud_features::write_feature_frame(&mut frame.frame, &features_path)?;
    report.step(format!(
        "   {} rows x {} features, feature set {}",
        frame.frame.height(),
        frame.feature_set.len(),
        frame.feature_set.hash()
    ));

    // 3. train + export, then the package must be the committed baseline
    let model_dir = args.out.join("model");
    report.step(format!(
        "3/6 train + export: GBDT on the sample with {} into the package {}",
        baseline_config.display(),
        model_dir.display()
    ));
    let dataset = Dataset::from_data_dir(&args.sample, SplitSpec::default())?;
    report::dataset(report, &dataset);
    train_package(
        &dataset,
        &config,
        &model_dir,
        &source_name(&args.sample),
        None,
        report,
    )?;
    drop(dataset);
    let differences = package_differences(&model_dir, &args.baseline)?;
    if !differences.is_empty() {
        return Err(BaselineMismatch {
            trained: model_dir,
            baseline: args.baseline,
            differences,
        }
        .into());
    }
    report.step(format!(
        "   the package just trained is identical to the committed baseline {} ({}), file for file",
        args.baseline.display(),
        baseline.manifest().model_id
    ));

    // 4. score
    let scores_path = args.out.join("scores.parquet");
    report.step(format!(
        "4/6 score: the fresh applications with the baseline package into {}",
        scores_path.display()
    ));
    let options = ScoreOptions {
        since_micros: None,
        reasons: 3,
        reasons_for: ReasonScope::Flagged,
        engine: EngineChoice::Auto,
    };
    let mut run = appfraud_serve::score_data_dir(&baseline, &data_dir, options, &|p| match p {
        ScoreProgress::Features(stage) => report.step(format!("   {}", stage.describe())),
        ScoreProgress::ScoringStarted { total, engine } => {
            report.step(format!("   scoring {total} applications ({engine} engine)"));
        }
        ScoreProgress::Scored { .. } => {}
    })?;
    report::score_run(report, &run);
    appfraud_serve::write_scores(&mut run.frame, &scores_path)?;
    report::top_flagged(report, &run.frame, 3, "   ")?;

    // 5. evaluate on the fresh labels
    report.step("5/6 evaluate: the baseline on the fresh applications' labels");
    let native = appfraud_train::NativeModel::read(&args.baseline)?;
    let e = appfraud_train::evaluate_on_data_dir(&native, &data_dir, None, 100)?;
    report.step(format!(
        "   ROC AUC {:.4} [{:.4}, {:.4}], PR AUC {:.4}, recall {:.3} in verify (FPR {:.4}), {:.3} in review or verify (FPR {:.4})",
        e.roc_auc.estimate,
        e.roc_auc.low,
        e.roc_auc.high,
        e.pr_auc.estimate,
        e.recall_at_fpr_1pct.estimate,
        e.fpr_at_threshold_1pct,
        e.recall_at_fpr_5pct.estimate,
        e.fpr_at_threshold_5pct
    ));

    // 6. runtimes agree
    report.step("6/6 runtimes: ONNX Runtime self-check, then native vs ONNX Runtime on the sample");
    let check = appfraud_serve::self_check()?;
    report.step(format!(
        "   ONNX Runtime from {}: {} rows, max |difference| {:.2e} (tolerance {:.0e})",
        check.library.display(),
        check.rows,
        check.max_abs_diff,
        check.tolerance
    ));
    let rows = appfraud_serve::feature_rows(&baseline, &frame.frame, "the sample's features")?;
    let native_p =
        BatchScorer::new(&baseline, EngineChoice::Native)?.probabilities(&rows, &|_| {})?;
    let ort_p =
        BatchScorer::new(&baseline, EngineChoice::OnnxRuntime)?.probabilities(&rows, &|_| {})?;
    let max_diff = native_p
        .iter()
        .zip(&ort_p)
        .map(|(a, b)| (f64::from(*a) - f64::from(*b)).abs())
        .fold(0.0, f64::max);
    report.step(format!(
        "   {} sample rows: max |native - ONNX Runtime| = {max_diff:.2e}",
        native_p.len()
    ));
    report.step(format!(
        "demo finished: outputs in {} (scores.parquet, model/, features.parquet, data/)",
        args.out.display()
    ));
    Ok(())
}

/// How the package directories `trained` and `baseline` differ, file by file and in name
/// order: every file one of them lacks and every file whose bytes differ. Empty when they hold
/// the same files with the same bytes.
fn package_differences(trained: &Path, baseline: &Path) -> Result<Vec<String>> {
    let trained_files = package_files(trained)?;
    let baseline_files = package_files(baseline)?;
    let names: BTreeSet<&String> = trained_files.keys().chain(baseline_files.keys()).collect();
    Ok(names
        .into_iter()
        .filter_map(
            |name| match (trained_files.get(name), baseline_files.get(name)) {
                (Some(a), Some(b)) if a == b => None,
                (Some(_), Some(_)) => Some(format!("{name} (contents differ)")),
                (Some(_), None) => Some(format!("{name} (not in the baseline)")),
                (None, _) => Some(format!("{name} (not in the package just trained)")),
            },
        )
        .collect())
}

/// Every entry of package directory `dir` by name: a file with its bytes, a subdirectory with
/// none (packages are flat; a subdirectory is compared by name only).
fn package_files(dir: &Path) -> Result<BTreeMap<String, Option<Vec<u8>>>> {
    let mut files = BTreeMap::new();
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("reading the package {}", dir.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("reading the package {}", dir.display()))?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let bytes = if path.is_dir() {
            None
        } else {
            Some(std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?)
        };
        files.insert(name, bytes);
    }
    Ok(files)
}

/// Prints what ingest read, then the fraud share among labels per quarter of submission.
fn summarise(frames: &RawFrames, telemetry_rows: usize, report: &Reporter) -> Result<()> {
    report::ingested(report, frames, telemetry_rows, "   ");
    let Some(labels) = &frames.labels else {
        return Ok(());
    };
    let joined = labels
        .clone()
        .lazy()
        .join(
            frames
                .applications
                .clone()
                .lazy()
                .select([col("application_id"), col("submitted_at")]),
            [col("application_id")],
            [col("application_id")],
            JoinArgs::new(JoinType::Inner),
        )
        .with_column(col("submitted_at").dt().year().alias("year"))
        .with_column(
            ((col("submitted_at").dt().month() - lit(1)) / lit(3) + lit(1)).alias("quarter"),
        )
        .group_by([col("year"), col("quarter")])
        .agg([
            len().alias("labels"),
            col("is_fraud")
                .cast(DataType::Float64)
                .mean()
                .alias("fraud_share"),
        ])
        .sort(["year", "quarter"], Default::default())
        .collect()
        .map_err(|e| anyhow::Error::new(e).context("summarising labels"))?;
    let (years, quarters, counts, shares) = (
        joined.column("year")?.i32()?.clone(),
        joined
            .column("quarter")?
            .cast(&DataType::Int32)?
            .i32()?
            .clone(),
        joined
            .column("labels")?
            .cast(&DataType::UInt64)?
            .u64()?
            .clone(),
        joined.column("fraud_share")?.f64()?.clone(),
    );
    for i in 0..joined.height() {
        report.step(format!(
            "   {}Q{}: {:>6} labels, fraud share {:>5.1}%",
            years.get(i).unwrap_or_default(),
            quarters.get(i).unwrap_or_default(),
            counts.get(i).unwrap_or_default(),
            100.0 * shares.get(i).unwrap_or_default()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package(files: &[(&str, &[u8])]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        for (name, bytes) in files {
            std::fs::write(dir.path().join(name), bytes).expect("write");
        }
        dir
    }

    #[test]
    fn identical_packages_have_no_differences() {
        let files: &[(&str, &[u8])] = &[("model.onnx", b"\x08\x07"), ("roc.svg", b"<svg/>")];
        let (a, b) = (package(files), package(files));
        assert_eq!(
            package_differences(a.path(), b.path()).unwrap(),
            Vec::<String>::new()
        );
    }

    #[test]
    fn every_differing_missing_or_extra_file_is_named() {
        let trained = package(&[
            ("manifest.json", b"{}"),
            ("model.onnx", b"\x08\x07"),
            ("roc.svg", b"<svg/>"),
        ]);
        let baseline = package(&[
            ("manifest.json", b"{}"),
            ("model.onnx", b"\x08\x08"),
            ("model_card.md", b"# card"),
        ]);
        assert_eq!(
            package_differences(trained.path(), baseline.path()).unwrap(),
            [
                "model.onnx (contents differ)",
                "model_card.md (not in the package just trained)",
                "roc.svg (not in the baseline)",
            ]
        );
    }

    #[test]
    fn a_missing_package_is_an_error_naming_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let missing = dir.path().join("baseline");
        let err = package_differences(dir.path(), &missing).unwrap_err();
        assert!(format!("{err:#}").contains("baseline"), "{err:#}");
    }
}
