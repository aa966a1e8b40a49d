//! Arguments as typed (clap) and their conversion to validated library options.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use appfraud_synth::{GenerateParams, SynthError};
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Score job applications for fraud: synthetic data, features, training, export, scoring.
#[derive(Debug, Parser)]
#[command(name = "appfraud", version, about, long_about = None)]
pub struct Cli {
    /// Print nothing but errors.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a synthetic data directory (docs/input-contract.md) with documented fraud mechanics.
    Generate(GenerateArgs),
    /// Compute the feature frame of a data directory (point in time, one row per application).
    Features(FeaturesArgs),
    /// Train, calibrate and evaluate a model (GBDT or logistic) out of time; write it with its card.
    Train(crate::train_cmd::TrainArgs),
    /// Recompute a model's metrics on a labelled data directory.
    Evaluate(crate::train_cmd::EvaluateArgs),
    /// Score applications with a model package: probability, band and reason codes.
    Score(crate::score_cmd::ScoreArgs),
    /// Run the main job end to end on built-in data.
    Demo(crate::demo::DemoArgs),
}

#[derive(Debug, Args)]
pub struct FeaturesArgs {
    /// Input data directory (docs/input-contract.md: applications, telemetry, labels, reference/).
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// Output Parquet file: application_id, submitted_at, then the features in FeatureSet order.
    #[arg(long, value_name = "FILE.parquet")]
    pub out: PathBuf,
    /// Write only applications submitted on or after DATE (YYYY-MM-DD, UTC); earlier rows are
    /// still used as history.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub since: Option<NaiveDate>,
}

#[derive(Debug, Args)]
#[command(after_long_help = generate_parameter_help())]
pub struct GenerateArgs {
    /// Output data directory (created if missing; the data files in it are replaced).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Number of applications (default and range: see --help).
    #[arg(long, value_name = "N")]
    pub applications: Option<usize>,
    /// Random seed: the same seed gives identical files (default: see --help).
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// First day of the data window (YYYY-MM-DD, UTC; default: see --help).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub start: Option<NaiveDate>,
    /// Number of calendar quarters the window spans (default and range: see --help).
    #[arg(long, value_name = "Q")]
    pub quarters: Option<u32>,
    /// Also write the hidden ground truth (scheme, actor, identity per application) to FILE.parquet.
    #[arg(long, value_name = "FILE")]
    pub truth: Option<PathBuf>,
}

pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| format!("{s:?} is not a date of the form YYYY-MM-DD ({e})"))
}

/// A usage error detected after parsing (exit code 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Step reporting on stderr, silent with `--quiet`. On a terminal a spinner shows the step in
/// progress and its elapsed time; in a pipe only the step lines are written.
pub struct Reporter {
    quiet: bool,
    started: Instant,
    spinner: Option<ProgressBar>,
}

impl Reporter {
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

pub fn run(cli: Cli) -> Result<()> {
    let report = Reporter::new(cli.quiet);
    match cli.command {
        Command::Generate(args) => generate(args, &report),
        Command::Features(args) => features(args, &report),
        Command::Train(args) => crate::train_cmd::train(args, &report),
        Command::Evaluate(args) => crate::train_cmd::evaluate(args, &report),
        Command::Score(args) => crate::score_cmd::score(args, &report),
        Command::Demo(args) => crate::demo::run(args, &report),
    }
}

/// Microseconds since the Unix epoch of midnight UTC starting `date`.
pub fn date_micros(date: NaiveDate) -> i64 {
    date.and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp_micros())
        .unwrap_or_default()
}

fn features(args: FeaturesArgs, report: &Reporter) -> Result<()> {
    if args.out.extension().and_then(|e| e.to_str()) != Some("parquet") {
        return Err(UsageError(format!(
            "--out {}: the feature frame is written as Parquet; give a path ending in .parquet",
            args.out.display()
        ))
        .into());
    }
    report.step(format!("reading {}", args.data.display()));
    let raw = appfraud_features::read_data_dir(&args.data)?;
    let refs = appfraud_features::References::from_data_dir(&args.data)?;
    report.step(format!(
        "read {} applications, {} telemetry rows, {} labels",
        raw.applications.height(),
        raw.telemetry.as_ref().map_or(0, |t| t.height()),
        raw.labels.as_ref().map_or(0, |l| l.height()),
    ));
    for line in raw.report.to_string().lines() {
        report.step(format!("  {line}"));
    }
    let options = appfraud_features::FeatureOptions {
        since_micros: args.since.map(date_micros),
    };
    let mut frame = appfraud_features::build_feature_frame(&raw, &refs, options, &|stage| {
        report.step(stage.describe())
    })?;
    report.step(format!(
        "writing {} rows x {} features (feature set {})",
        frame.frame.height(),
        frame.feature_set.len(),
        &frame.feature_set.hash().as_str()[..12]
    ));
    appfraud_features::write_feature_frame(&mut frame.frame, &args.out)?;
    report.step(format!("wrote {}", args.out.display()));
    Ok(())
}

/// The generator's parameters with their defaults and ranges, from their declaration.
fn generate_parameter_help() -> String {
    format!(
        "Parameters (each set with --NAME VALUE):\n\n{}",
        GenerateParams::help()
    )
}

fn generate(args: GenerateArgs, report: &Reporter) -> Result<()> {
    let mut params = GenerateParams::new();
    if let Some(n) = args.applications {
        params = params.applications(n);
    }
    if let Some(seed) = args.seed {
        params = params.seed(seed);
    }
    if let Some(start) = args.start {
        params = params.start(start);
    }
    if let Some(q) = args.quarters {
        params = params.quarters(q);
    }
    let params = params.check().map_err(SynthError::from)?;
    report.step(format!(
        "generating {} applications over {} quarters (seed {})",
        params.applications(),
        params.quarters(),
        params.seed()
    ));
    let data = appfraud_synth::generate(&params);
    report.step(format!(
        "generated {} applications and {} telemetry rows",
        data.applications(),
        data.telemetry_rows()
    ));
    let summary = data
        .write(&args.out)
        .with_context(|| format!("writing {}", args.out.display()))?;
    for (path, rows) in &summary.rows {
        report.step(format!("wrote {} ({rows} rows)", path.display()));
    }
    if let Some(truth) = &args.truth {
        data.write_truth(truth)?;
        report.step(format!("wrote {} (ground truth)", truth.display()));
    }
    Ok(())
}
