//! `appfraud snapshot build|update`: the point-in-time history of a data directory kept in a
//! file, so a nightly job or a service computes only new applications' features
//! (`features --snapshot`, `score --snapshot`).

use std::path::{Path, PathBuf};

use anyhow::Result;
use appfraud_features::HistorySnapshot;
use clap::{Args, Subcommand};

use crate::report::{self, Reporter};

/// Arguments of `appfraud snapshot`.
#[derive(Debug, Args)]
pub struct SnapshotArgs {
    #[command(subcommand)]
    pub command: SnapshotCommand,
}

/// The snapshot subcommands.
#[derive(Debug, Subcommand)]
pub enum SnapshotCommand {
    /// Index the history of a data directory and write it to a snapshot file.
    Build(BuildArgs),
    /// Add a data directory of new rows (applications, telemetry, labels; any time order) to a
    /// snapshot file, in place and atomically.
    Update(UpdateArgs),
}

/// Arguments of `appfraud snapshot build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Input data directory (docs/input-contract.md: applications, telemetry, labels, reference/).
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// The snapshot file to write (replaced atomically if it exists).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

/// Arguments of `appfraud snapshot update`.
#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// The snapshot file to extend (rewritten atomically; left as it was on any error).
    #[arg(long, value_name = "FILE")]
    pub snapshot: PathBuf,
    /// Data directory of the new rows. Its telemetry and labels may name applications the
    /// snapshot holds; its reference/ files, when present, replace the snapshot's.
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
}

/// Runs `appfraud snapshot`.
pub fn run(args: SnapshotArgs, report: &Reporter) -> Result<()> {
    match args.command {
        SnapshotCommand::Build(args) => build(args, report),
        SnapshotCommand::Update(args) => update(args, report),
    }
}

fn build(args: BuildArgs, report: &Reporter) -> Result<()> {
    report.step(format!("reading {}", args.data.display()));
    let snapshot = HistorySnapshot::from_data_dir_with_progress(&args.data, &|p| {
        report::dir_progress(report, p)
    })?;
    save(&snapshot, &args.out, report)
}

fn update(args: UpdateArgs, report: &Reporter) -> Result<()> {
    let mut snapshot = report::load_snapshot(report, &args.snapshot)?;
    report.step(format!("reading {}", args.data.display()));
    let added = snapshot.extend_from_data_dir(&args.data, &|p| report::dir_progress(report, p))?;
    report.step(format!(
        "added {} applications; {} telemetry rows and {} labels of applications held before",
        added.applications(),
        added.held_telemetry_rows(),
        added.held_labels()
    ));
    save(&snapshot, &args.snapshot, report)
}

fn save(snapshot: &HistorySnapshot, path: &Path, report: &Reporter) -> Result<()> {
    report.step(format!(
        "writing the snapshot of {} applications",
        snapshot.len()
    ));
    let bytes = snapshot.save(path)?;
    report.step(format!(
        "wrote {} ({:.1} MiB)",
        path.display(),
        bytes as f64 / f64::from(1 << 20)
    ));
    Ok(())
}
