//! `appfraud demo`: the main job end to end on built-in data. Today the loop is: read the
//! built-in sample through validated ingest and summarise it, compute its point-in-time feature
//! frame, generate a fresh data set and read it back, and prove that ONNX Runtime loads and
//! computes correctly. Training, export and scoring join it as they are built.

use std::path::PathBuf;

use anyhow::{Context, Result};
use appfraud_synth::GenerateParams;
use clap::Args;
use polars::prelude::*;

use crate::cli::{Reporter, UsageError};

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Working directory for the demo's outputs.
    #[arg(long, value_name = "DIR", default_value = "demo-out")]
    pub out: PathBuf,
    /// The built-in sample data directory.
    #[arg(long, value_name = "DIR", default_value = "notebooks-data/sample")]
    pub sample: PathBuf,
}

pub fn run(args: DemoArgs, report: &Reporter) -> Result<()> {
    if !args.sample.is_dir() {
        return Err(UsageError(format!(
            "built-in sample {} not found: run the demo from the appfraud checkout (./dev demo) or pass --sample DIR",
            args.sample.display()
        ))
        .into());
    }

    report.step(format!(
        "1/4 reading and validating the built-in sample {}",
        args.sample.display()
    ));
    let sample = appfraud_features::read_data_dir(&args.sample)?;
    summarise(&sample, report)?;

    let features_path = args.out.join("features.parquet");
    report.step(format!(
        "2/4 computing the sample's point-in-time features into {}",
        features_path.display()
    ));
    let refs = appfraud_features::References::from_data_dir(&args.sample)?;
    let mut frame = appfraud_features::build_feature_frame(
        &sample,
        &refs,
        appfraud_features::FeatureOptions::default(),
        &|stage| report.step(format!("   {}", stage.describe())),
    )?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    appfraud_features::write_feature_frame(&mut frame.frame, &features_path)?;
    report.step(format!(
        "   {} rows x {} features, feature set {}",
        frame.frame.height(),
        frame.feature_set.len(),
        frame.feature_set.hash()
    ));

    let data_dir = args.out.join("data");
    let params = GenerateParams::new().applications(5_000).seed(7).check()?;
    report.step(format!(
        "3/4 generating 5000 fresh applications into {}",
        data_dir.display()
    ));
    let data = appfraud_synth::generate(&params);
    data.write(&data_dir)
        .with_context(|| format!("writing {}", data_dir.display()))?;
    let fresh = appfraud_features::read_data_dir(&data_dir)?;
    summarise(&fresh, report)?;

    report.step(
        "4/4 ONNX Runtime self-check (hand-made logistic model vs. the same arithmetic in Rust)",
    );
    let check = appfraud_serve::self_check()?;
    report.step(format!(
        "ONNX Runtime from {}: {} rows, max |difference| {:.2e} (tolerance {:.0e})",
        check.library.display(),
        check.rows,
        check.max_abs_diff,
        check.tolerance
    ));
    report.step("demo finished");
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
