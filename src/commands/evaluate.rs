//! `appfraud evaluate`: a model's metrics recomputed on a labelled data directory, and with
//! `--group`, how its flags fall across the groups of a column.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use appfraud_train::{Evaluation, FairnessReport, NativeModel};
use chrono::NaiveDate;
use clap::Args;
use serde::Serialize;

use crate::args::{applications_file, date_micros, parse_date};
use crate::report::{self, Reporter};

/// Confidence level of the fairness intervals.
const FAIRNESS_LEVEL: f64 = 0.95;

/// Arguments of `appfraud evaluate`.
#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// Model directory written by `appfraud train`.
    #[arg(long, value_name = "MODEL_DIR")]
    pub model: PathBuf,
    /// Data directory (docs/input-contract.md) with labels.
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// Evaluate only applications submitted on or after DATE (YYYY-MM-DD); earlier rows are
    /// history for the features.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub since: Option<NaiveDate>,
    /// Precision is reported among this many highest scores.
    #[arg(long, value_name = "K", default_value_t = 100)]
    pub review_budget: usize,
    /// Report flag rates, false- and true-positive rates and their ratios across the groups of
    /// this column: a column of the applications table, or of the --groups table. Used for
    /// this report only, never as a model input.
    #[arg(long, value_name = "COL")]
    pub group: Option<String>,
    /// A side table (Parquet or CSV) with `application_id` and the --group column, for group
    /// attributes kept apart from the applications.
    #[arg(long, value_name = "FILE", requires = "group")]
    pub groups: Option<PathBuf>,
    /// Also write the report into this directory: evaluation.json and, with --group,
    /// fairness.md and model_card.md (the package's card with a section on the groups; the
    /// package itself is sealed and stays as it is).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// What `evaluate` prints on stdout: the metrics, and the fairness report when asked for.
#[derive(Serialize)]
struct Output<'a> {
    #[serde(flatten)]
    evaluation: &'a Evaluation,
    #[serde(skip_serializing_if = "Option::is_none")]
    fairness: Option<&'a FairnessReport>,
}

/// Runs `appfraud evaluate`: the metrics on stderr, then as JSON on stdout.
pub fn run(args: EvaluateArgs, report: &Reporter) -> Result<()> {
    // The package is verified as a whole (every file's checksum) before its model.json is used.
    let package = appfraud_serve::ModelPackage::load(&args.model)?;
    let model = NativeModel::read(&args.model)?;
    report.step(format!(
        "model {} ({} features)",
        model.model_id,
        model.feature_names.len()
    ));
    // The group table is read first, so that a wrong column name fails before the features.
    let groups = match &args.group {
        Some(column) => {
            let path = match &args.groups {
                Some(file) => file.clone(),
                None => applications_file(&args.data)?,
            };
            Some((column, appfraud_train::read_groups(&path, column)?))
        }
        None => None,
    };
    let since = args.since.map(date_micros);
    let scored = appfraud_train::score_labelled_data_dir(&model, &args.data, since)?;
    let e = scored.evaluate(&model, args.review_budget)?;
    report::metrics(report, "evaluation", &e);
    let fairness = match groups {
        Some((column, groups)) => {
            let f = appfraud_train::fairness(
                column,
                &appfraud_train::groups_of(&scored.ids, &groups),
                &scored.labels,
                &scored.probabilities,
                package.manifest().bands.review,
                FAIRNESS_LEVEL,
            )?;
            report_fairness(report, &f);
            Some(f)
        }
        None => None,
    };
    let json = serde_json::to_string_pretty(&Output {
        evaluation: &e,
        fairness: fairness.as_ref(),
    })
    .context("printing the evaluation")?;
    if let Some(out) = &args.out {
        write_report(out, &json, fairness.as_ref(), &args.model)?;
        report.step(format!("report in {}", out.display()));
    }
    println!("{json}");
    Ok(())
}

/// One line per group on stderr, then the four-fifths findings.
fn report_fairness(report: &Reporter, f: &FairnessReport) {
    report.step(format!(
        "fairness across `{}` (flagged = review or verify; {} applications of unknown group)",
        f.column, f.unknown_group
    ));
    for g in &f.groups {
        report.step(format!(
            "  {}: {} applications, flag rate {:.1} %, FPR {}, impact ratio {:.3}{}",
            g.group,
            g.rows,
            100.0 * g.flag_rate.estimate,
            g.false_positive_rate.map_or_else(
                || "–".to_owned(),
                |r| format!("{:.1} %", 100.0 * r.estimate)
            ),
            g.impact_ratio.estimate,
            if g.impact_ratio.clearly_below_four_fifths {
                " (below 4/5, interval too)"
            } else if g.impact_ratio.below_four_fifths {
                " (below 4/5, not significant)"
            } else {
                ""
            }
        ));
    }
}

/// Writes `evaluation.json`, and with a fairness report `fairness.md` and `model_card.md` (the
/// package's card followed by the fairness section), into `dir`.
fn write_report(
    dir: &Path,
    json: &str,
    fairness: Option<&FairnessReport>,
    model_dir: &Path,
) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut files = vec![("evaluation.json", json.to_owned())];
    if let Some(f) = fairness {
        let section = appfraud_train::fairness_markdown(f);
        let card_path = model_dir.join("model_card.md");
        let card = std::fs::read_to_string(&card_path)
            .with_context(|| format!("reading {}", card_path.display()))?;
        files.push(("fairness.md", section.clone()));
        files.push(("model_card.md", format!("{}\n\n{section}", card.trim_end())));
    }
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}
