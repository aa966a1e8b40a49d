//! The model card (`model_card.md`): what the model is for, the data it saw, how well it does
//! with confidence intervals, and its limits. Written from plain values so it can be checked in
//! tests without training anything.

use std::fmt::Write as _;

use chrono::DateTime;

use crate::dataset::{DatasetSummary, Split};
use crate::evaluation::{Evaluation, Thresholds};

/// Everything the card says.
#[derive(Debug, Clone)]
pub struct CardInputs<'a> {
    /// Model name and version, e.g. `appfraud-gbdt 2026-11-22`.
    pub model_id: &'a str,
    /// `gbdt` or `logistic`, with a sentence on what it is.
    pub algorithm: &'a str,
    /// Algorithm description, one sentence.
    pub algorithm_description: &'a str,
    /// How the model came to be when appfraud did not train it (an import), a paragraph.
    pub provenance: Option<&'a str>,
    /// Where the data came from (a data directory or a table path).
    pub data_source: &'a str,
    /// FeatureSet hash and number of features.
    pub feature_set_hash: &'a str,
    /// Number of features.
    pub n_features: usize,
    /// Parameters as (name, value).
    pub parameters: &'a [(String, String)],
    /// Calibration method and where it was fitted (e.g. "Platt scaling (fitted on the
    /// validation split)").
    pub calibration: &'a str,
    /// How the dataset was made.
    pub dataset: &'a DatasetSummary,
    /// Validation thresholds.
    pub thresholds: &'a Thresholds,
    /// Metrics on validation and test.
    pub validation: &'a Evaluation,
    /// Metrics on test.
    pub test: &'a Evaluation,
    /// Top features by importance (name, share of total), largest first.
    pub importance: &'a [(String, f64)],
    /// What the importance measures ("gain" or "|coefficient| × std").
    pub importance_kind: &'a str,
    /// Logistic only: (feature, coefficient of the standardised value, coefficient of its
    /// missing indicator), largest |coefficient| first; empty for trees.
    pub coefficients: &'a [(String, f64, Option<f64>)],
    /// The plots written next to the card (file names).
    pub plots: &'a [(&'a str, &'a str)],
    /// When the packaged model is a deployed fit, the section "How the deployed model was
    /// fitted" (Markdown); its band thresholds were then chosen on the calibration window.
    pub deployment: Option<&'a str>,
    /// A scorecard's section "Scorecard" (Markdown): points scaling, bins and points per
    /// feature, the features left out.
    pub scorecard: Option<&'a str>,
    /// Flags across the groups of a column the user gave (`train --group`), on the held-out
    /// rows: appended as a section.
    pub fairness: Option<&'a crate::FairnessReport>,
}

fn date(t: Option<i64>) -> String {
    t.and_then(DateTime::from_timestamp_micros)
        .map_or_else(|| "n/a".to_owned(), |d| d.format("%Y-%m-%d").to_string())
}

fn ci(i: &crate::bootstrap::Interval) -> String {
    if i.resamples_used == 0 {
        format!("{:.4}", i.estimate)
    } else {
        format!("{:.4} [{:.4}, {:.4}]", i.estimate, i.low, i.high)
    }
}

/// The card as Markdown.
pub fn model_card(c: &CardInputs<'_>) -> String {
    let mut s = String::new();
    let d = c.dataset;
    let _ = writeln!(s, "# Model card: {}\n", c.model_id);
    let _ = writeln!(
        s,
        "## What it is for\n\n\
         This model estimates the probability that a job application is fraudulent: a fake or \
         stolen identity, a hijacked professional profile, or a remote-controlled \"laptop farm\" \
         hire. It scores inconsistencies between what an applicant claimed and what was observed \
         (phone, network, time zone, telemetry, shared entities with earlier applications), \
         never who someone is: nationality, language, fluency, keyboard layout and names are \
         not features.\n\n\
         **A high score routes an application to identity verification or human review, never \
         to automatic rejection.** Bands: `verify` at probability ≥ {:.4} (1 % false-positive \
         rate on {}), `review` at ≥ {:.4} (5 %), `clear` below.\n",
        c.thresholds.fpr_1pct,
        if c.deployment.is_some() {
            "the calibration window"
        } else {
            "validation"
        },
        c.thresholds.fpr_5pct
    );
    let _ = writeln!(s, "## Model\n");
    if let Some(p) = c.provenance {
        let _ = writeln!(s, "{p}\n");
    }
    let _ = writeln!(
        s,
        "- Algorithm: `{}`: {}",
        c.algorithm, c.algorithm_description
    );
    let _ = writeln!(
        s,
        "- Calibration: {}, so the output is a probability",
        c.calibration
    );
    let _ = writeln!(
        s,
        "- Features: {} (FeatureSet hash `{}`)",
        c.n_features, c.feature_set_hash
    );
    if !c.parameters.is_empty() {
        let _ = writeln!(s, "- Parameters:");
        for (k, v) in c.parameters {
            let _ = writeln!(s, "  - `{k}` = {v}");
        }
    }
    let _ = writeln!(s, "\n## Data\n");
    let _ = writeln!(s, "- Source: `{}`", c.data_source);
    if let Some((a, b)) = d.window {
        let _ = writeln!(s, "- Window: {} to {}", date(Some(a)), date(Some(b)));
    }
    if d.counts.iter().all(|(split, _, _)| *split == Split::Valid) {
        let _ = writeln!(
            s,
            "- Split: every labelled row is validation (the model was not trained on this data)"
        );
    } else if d.valid_from.is_some() {
        let _ = writeln!(
            s,
            "- Out-of-time split: training before {}, validation from {}, test from {}",
            date(d.valid_from),
            date(d.valid_from),
            date(d.test_from)
        );
    } else {
        let _ = writeln!(
            s,
            "- Split: 70/15/15 by a hash of the row id (no time column)"
        );
    }
    let _ = writeln!(
        s,
        "- Rows in the input: {}; without a usable label: {}; training rows dropped because \
         their label became known after the validation start (label delay): {}; training rows \
         dropped because their identity cluster reaches the validation or test window: {}",
        d.input_rows, d.unlabeled, d.dropped_label_delay, d.dropped_cluster_overlap
    );
    let _ = writeln!(
        s,
        "\n| split | rows | fraud | fraud share |\n|---|---:|---:|---:|"
    );
    for (split, rows, pos) in &d.counts {
        let _ = writeln!(
            s,
            "| {} | {rows} | {pos} | {:.2} % |",
            split.as_str(),
            100.0 * *pos as f64 / (*rows).max(1) as f64
        );
    }
    if let Some(section) = c.deployment {
        let _ = writeln!(s, "\n{}", section.trim_end());
    }
    let _ = writeln!(
        s,
        "\n## Metrics\n\nPoint estimates with {}-resample stratified bootstrap 95 % intervals. \
         Thresholds are chosen on validation and reported on test.\n",
        c.test.roc_auc.resamples_used
    );
    let _ = writeln!(s, "| metric | validation | test |\n|---|---|---|");
    let rows: [(
        &str,
        &crate::bootstrap::Interval,
        &crate::bootstrap::Interval,
    ); 6] = [
        ("ROC AUC", &c.validation.roc_auc, &c.test.roc_auc),
        (
            "PR AUC (average precision)",
            &c.validation.pr_auc,
            &c.test.pr_auc,
        ),
        (
            "recall at the 1 % FPR threshold",
            &c.validation.recall_at_fpr_1pct,
            &c.test.recall_at_fpr_1pct,
        ),
        (
            "recall at the 5 % FPR threshold",
            &c.validation.recall_at_fpr_5pct,
            &c.test.recall_at_fpr_5pct,
        ),
        (
            "precision at the review budget",
            &c.validation.precision_at_k,
            &c.test.precision_at_k,
        ),
        ("Brier score", &c.validation.brier, &c.test.brier),
    ];
    for (name, v, t) in rows {
        let _ = writeln!(s, "| {name} | {} | {} |", ci(v), ci(t));
    }
    let _ = writeln!(
        s,
        "| FPR observed at the 1 % / 5 % thresholds | {:.4} / {:.4} | {:.4} / {:.4} |",
        c.validation.fpr_at_threshold_1pct,
        c.validation.fpr_at_threshold_5pct,
        c.test.fpr_at_threshold_1pct,
        c.test.fpr_at_threshold_5pct
    );
    let _ = writeln!(
        s,
        "| log loss | {:.4} | {:.4} |\n\nReview budget k = {} (validation) / {} (test).",
        c.validation.log_loss, c.test.log_loss, c.validation.review_budget, c.test.review_budget
    );
    let _ = writeln!(
        s,
        "\n### Reliability (test)\n\n| predicted | rows | mean predicted | observed |\n|---|---:|---:|---:|"
    );
    for b in &c.test.reliability {
        if b.count == 0 {
            continue;
        }
        let _ = writeln!(
            s,
            "| {:.1}–{:.1} | {} | {:.4} | {:.4} |",
            b.lower,
            b.upper,
            b.count,
            b.mean_predicted.unwrap_or(f64::NAN),
            b.observed_rate.unwrap_or(f64::NAN)
        );
    }
    let _ = writeln!(
        s,
        "\n## Most important features ({})\n\n| feature | share |\n|---|---:|",
        c.importance_kind
    );
    for (name, share) in c.importance {
        let _ = writeln!(s, "| `{name}` | {:.3} |", share);
    }
    if !c.coefficients.is_empty() {
        let _ = writeln!(
            s,
            "\n## Coefficients (logistic, per standard deviation)\n\n| feature | coefficient | missing indicator |\n|---|---:|---:|"
        );
        for (name, coef, ind) in c.coefficients {
            let _ = writeln!(
                s,
                "| `{name}` | {coef:+.4} | {} |",
                ind.map_or_else(|| "–".to_owned(), |v| format!("{v:+.4}"))
            );
        }
    }
    if let Some(section) = c.scorecard {
        let _ = writeln!(s, "\n{}", section.trim_end());
    }
    if !c.plots.is_empty() {
        let _ = writeln!(s, "\n## Plots\n");
        for (title, file) in c.plots {
            let _ = writeln!(s, "- [{title}]({file})");
        }
    }
    let _ = writeln!(
        s,
        "\n## Limits\n\n\
         - Labels are investigation outcomes: unlabelled applications are not legitimate ones, \
         and recent fraud is under-labelled (label delay). Metrics on the newest data are \
         optimistic about precision and pessimistic about recall.\n\
         - Fraud adapts (software remote control gives way to hardware KVM, new profiles to \
         hijacked ones). Watch drift (`appfraud drift`, against the reference in this package's \
         manifest) and retrain; a model trained on one period is not evidence about the next.\n\
         - Many legitimate applicants trip one or two signals (VPN users, travellers, people \
         who revive an old profile, satellite links, corporate VDI). The score is a reason to \
         verify, not a finding.\n\
         - Fairness: before use, compare flag rates and false-positive rates across the groups \
         your organisation must protect (`appfraud evaluate --group COL [--groups FILE] --out \
         DIR` reports them with the four-fifths rule and adds a section to a copy of this \
         card); no group attribute is an input of this model.\n\
         - Small splits give wide intervals: read the intervals, not only the point estimates."
    );
    if let Some(f) = c.fairness {
        s.push('\n');
        s.push_str(&crate::fairness_markdown(f));
        s.push_str(
            "- Computed on the held-out rows (the test split; for a deployed fit, its \
             calibration window), each with the label the split knows.\n",
        );
    }
    s
}
