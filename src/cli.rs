//! The command tree as typed (clap) and its dispatch to the command modules.

use anyhow::Result;
use clap::{Parser, Subcommand};

use crate::commands::{
    demo, drift, evaluate, features, generate, import, score, serve, snapshot, train,
};
use crate::report::Reporter;

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

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a synthetic data directory (docs/input-contract.md) with documented fraud mechanics.
    Generate(generate::GenerateArgs),
    /// Compute the feature frame of a data directory (point in time, one row per application).
    Features(features::FeaturesArgs),
    /// Train, calibrate and evaluate a model (GBDT or logistic) out of time; write it with its card.
    Train(train::TrainArgs),
    /// Package a model trained elsewhere (LightGBM) for scoring, with its card and bands.
    Import(import::ImportArgs),
    /// Recompute a model's metrics on a labelled data directory.
    Evaluate(evaluate::EvaluateArgs),
    /// Score applications with a model package: probability, band and reason codes.
    Score(score::ScoreArgs),
    /// Keep the point-in-time history in a file: build it, or add new rows to it.
    Snapshot(snapshot::SnapshotArgs),
    /// Compare scoring periods with a model's training-time population: PSI per input and for
    /// the score, flag rates per band, a markdown report with plots.
    Drift(drift::DriftArgs),
    /// Serve a model over HTTP to a screening service, one applicant at a time.
    Serve(serve::ServeArgs),
    /// Run the main job end to end on built-in data.
    Demo(demo::DemoArgs),
}

/// Runs the command `cli` names, reporting progress on stderr unless `--quiet`.
pub fn run(cli: Cli) -> Result<()> {
    let report = Reporter::new(cli.quiet);
    match cli.command {
        Command::Generate(args) => generate::run(args, &report),
        Command::Features(args) => features::run(args, &report),
        Command::Train(args) => train::run(args, &report),
        Command::Import(args) => import::run(args, &report),
        Command::Evaluate(args) => evaluate::run(args, &report),
        Command::Score(args) => score::run(args, &report),
        Command::Snapshot(args) => snapshot::run(args, &report),
        Command::Drift(args) => drift::run(args, &report),
        Command::Serve(args) => serve::run(args, &report),
        Command::Demo(args) => demo::run(args, &report),
    }
}
