//! `appfraud demo`: the main job end to end on built-in data: generate fresh applications,
//! compute the built-in sample's point-in-time features, train and export a GBDT package on the
//! sample (with the baseline's config, so it reproduces `models/baseline/`), score the fresh
//! applications with the baseline package (bands and reason codes), evaluate it on their labels,
//! and show that ONNX Runtime and the native evaluator agree.

use std::path::PathBuf;

use anyhow::{Context, Result};
use appfraud_synth::GenerateParams;
use clap::Args;
use polars::prelude::*;

use appfraud_serve::{BatchScorer, EngineChoice, ModelPackage};

use crate::cli::{Reporter, UsageError};

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

pub fn run(args: DemoArgs, report: &Reporter) -> Result<()> {
    if !args.sample.is_dir() {
        return Err(UsageError(format!(
            "built-in sample {} not found: run the demo from the appfraud checkout (./dev demo) or pass --sample DIR",
            args.sample.display()
        ))
        .into());
    }
    let baseline_config = args.baseline.with_extension("toml");
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
    let fresh = appfraud_features::read_data_dir(&data_dir)?;
    summarise(&fresh, report)?;

    // 2. features
    let features_path = args.out.join("features.parquet");
    report.step(format!(
        "2/6 features: the built-in sample {} (validated), point in time, into {}",
        args.sample.display(),
        features_path.display()
    ));
    let sample = appfraud_features::read_data_dir(&args.sample)?;
    summarise(&sample, report)?;
    let refs = appfraud_features::References::from_data_dir(&args.sample)?;
    let mut frame = appfraud_features::build_feature_frame(
        &sample,
        &refs,
        appfraud_features::FeatureOptions::default(),
        &|stage| report.step(format!("   {}", stage.describe())),
    )?;
    appfraud_features::write_feature_frame(&mut frame.frame, &features_path)?;
    report.step(format!(
        "   {} rows x {} features, feature set {}",
        frame.frame.height(),
        frame.feature_set.len(),
        frame.feature_set.hash()
    ));

    // 3. train + export
    let model_dir = args.out.join("model");
    report.step(format!(
        "3/6 train + export: GBDT on the sample with {} into the package {}",
        baseline_config.display(),
        model_dir.display()
    ));
    crate::train_cmd::train(
        crate::train_cmd::TrainArgs::for_data_dir(&args.sample, &model_dir, &baseline_config),
        report,
    )?;
    let trained = ModelPackage::load(&model_dir)?;
    let baseline = ModelPackage::load(&args.baseline)?;
    report.step(format!(
        "   the package just trained is {} the committed baseline {} ({})",
        if trained.manifest().manifest_sha256 == baseline.manifest().manifest_sha256 {
            "identical to"
        } else {
            "DIFFERENT from"
        },
        args.baseline.display(),
        baseline.manifest().model_id
    ));

    // 4. score
    let scores_path = args.out.join("scores.parquet");
    report.step(format!(
        "4/6 score: the fresh applications with the baseline package into {}",
        scores_path.display()
    ));
    crate::score_cmd::score(
        crate::score_cmd::ScoreArgs::for_data_dir(&args.baseline, &data_dir, &scores_path),
        report,
    )?;
    show_flagged(&scores_path, report)?;

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

/// Prints the three highest scores with their reasons (ids only: no personal data in logs).
fn show_flagged(scores: &std::path::Path, report: &Reporter) -> Result<()> {
    let df = LazyFrame::scan_parquet(scores.to_string_lossy().as_ref().into(), Default::default())?
        .filter(col("band").neq(lit("clear")))
        .sort(
            ["probability"],
            SortMultipleOptions::default().with_order_descending(true),
        )
        .limit(3)
        .collect()?;
    let ids = df.column("application_id")?.str()?.clone();
    let p = df.column("probability")?.f32()?.clone();
    let band = df.column("band")?.str()?.clone();
    let reasons = df.column("reasons")?.list()?.clone();
    for i in 0..df.height() {
        let mut why = Vec::new();
        if let Some(list) = reasons.get_as_series(i) {
            let s = list.struct_()?;
            let names = s.field_by_name("feature")?;
            let contributions = s.field_by_name("contribution")?;
            for k in 0..list.len() {
                why.push(format!(
                    "{} ({:+.2})",
                    names.str()?.get(k).unwrap_or("?"),
                    contributions.f64()?.get(k).unwrap_or(f64::NAN)
                ));
            }
        }
        report.step(format!(
            "   {} p={:.3} {}: {}",
            ids.get(i).unwrap_or("?"),
            p.get(i).unwrap_or(f32::NAN),
            band.get(i).unwrap_or("?"),
            why.join(", ")
        ));
    }
    Ok(())
}

/// Prints table sizes and the fraud share among labels per quarter of submission.
fn summarise(frames: &appfraud_features::RawFrames, report: &Reporter) -> Result<()> {
    for line in frames.report.to_string().lines() {
        report.step(format!("   ingest: {line}"));
    }
    let apps = &frames.applications;
    let telemetry_rows = frames.telemetry.as_ref().map_or(0, DataFrame::height);
    let Some(labels) = &frames.labels else {
        report.step(format!(
            "   {} applications, {telemetry_rows} telemetry rows, no labels",
            apps.height()
        ));
        return Ok(());
    };
    let joined = labels
        .clone()
        .lazy()
        .join(
            apps.clone()
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
        .map_err(|e| anyhow::anyhow!("summarising labels: {e}"))?;
    report.step(format!(
        "   {} applications, {telemetry_rows} telemetry rows, {} labels",
        apps.height(),
        labels.height()
    ));
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
