//! Train what you deploy: the model that is packaged is not the one that was evaluated.
//!
//! The **evaluation fit** learns on the training split, early-stops and is calibrated on
//! validation, and is measured on test: every metric of the package is its honest
//! out-of-time estimate. The **deployed fit** then learns on every row submitted before the
//! calibration window (the test split's dates) whose label is known at the data's end, with
//! the evaluation fit's tree count and no early stopping; its calibration and band thresholds
//! are fitted on its own margins on the calibration window, rows it never learned from
//! ([`Dataset::refit`] says which rows, and which were dropped). The deployed model is then at
//! most one window behind its data instead of two.
//!
//! Row weights by age ([`recency_weights`]) apply to both fits alike.

use std::fmt::Write as _;

use chrono::DateTime;

use crate::TrainError;
use crate::calibration::{fit_isotonic, fit_platt};
use crate::dataset::{Dataset, Split};
use crate::evaluation::{BootstrapSettings, Evaluation, Thresholds, evaluate};
use crate::gbdt::{GbdtParams, ValidGbdtParams, train_gbdt_weighted};
use crate::logistic::train_logistic;
use crate::scorecard::train_scorecard;
use crate::trainer::{CalibrationMethod, Model, TrainedModel, ValidTrainConfig};

/// Microseconds in a day.
const DAY_MICROS: f64 = 86_400.0 * 1e6;

/// One step of the fit plan: the rows a step used and the dates they span.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FitStep {
    /// `evaluation train`, `validation`, `test`, `deployed train` or `calibration window`.
    pub step: &'static str,
    /// Time of the first row (µs since the epoch), when the rows have times.
    pub from: Option<i64>,
    /// Time of the last row.
    pub to: Option<i64>,
    /// Rows used.
    pub rows: usize,
    /// Fraud rows among them.
    pub positives: usize,
}

/// Which rows each step of training used.
#[derive(Debug, Clone, PartialEq)]
pub struct FitPlan {
    /// The five steps, in the order evaluation train, validation, test, deployed train,
    /// calibration window.
    pub steps: Vec<FitStep>,
    /// Ids of the rows the deployed model learned from.
    pub deployed_train_ids: Vec<String>,
    /// Ids of the rows its calibration and band thresholds were fitted on.
    pub calibration_ids: Vec<String>,
}

/// How the packaged model was fitted, when it is the deployed fit.
#[derive(Debug, Clone, PartialEq)]
pub struct Deployment {
    /// The rows of every step.
    pub plan: FitPlan,
    /// Trees of the deployed model (the evaluation fit's tree count); `None` for logistic
    /// regression.
    pub trees: Option<usize>,
    /// Whether early stopping on validation chose that count (`early_stopping_rounds > 0`);
    /// otherwise it is `num_trees`, or fewer when a tree found no split.
    pub early_stopped: bool,
    /// Rows before the calibration window left out because their identity cluster reaches it.
    pub dropped_cluster_overlap: usize,
    /// The deployed model on the calibration window, with its own thresholds. The calibrator
    /// and thresholds were fitted on these rows, so this is not a held-out estimate; the
    /// ranking metrics (ROC and PR AUC) are those of a model that did not learn from them.
    pub calibration_window: Evaluation,
    /// The evaluation fit's band thresholds (those the reported metrics used).
    pub evaluation_thresholds: Thresholds,
    /// Half-life of the row weights by age, when weighted.
    pub recency_half_life_days: Option<f64>,
}

/// The weight of each row by its age: `0.5^(age / half_life_days)`, the age in days measured
/// from the latest of `times` (µs since the epoch), so the newest row weighs 1.
pub fn recency_weights(times: &[i64], half_life_days: f64) -> Vec<f64> {
    let Some(latest) = times.iter().max() else {
        return Vec::new();
    };
    times
        .iter()
        .map(|t| {
            let age_days = (latest - t) as f64 / DAY_MICROS;
            0.5_f64.powf(age_days / half_life_days)
        })
        .collect()
}

/// The row weights of a fit on rows with `times`: `None` without recency weighting.
///
/// # Errors
///
/// [`TrainError::Data`] when weighting is asked for and the rows have no times.
pub(crate) fn fit_weights(
    times: Option<&[i64]>,
    config: &ValidTrainConfig,
) -> Result<Option<Vec<f64>>, TrainError> {
    let half_life = config.recency_half_life_days();
    if half_life <= 0.0 {
        return Ok(None);
    }
    let times = times.ok_or_else(|| TrainError::Data {
        reason: "recency_half_life_days weights rows by age and needs a time per row \
                 (train --table ... --time COL)"
            .to_owned(),
    })?;
    Ok(Some(recency_weights(times, half_life)))
}

/// The GBDT parameters of the deployed fit: `params` with `trees` boosting rounds (at least
/// one) and no early stopping.
fn deployed_gbdt_params(
    params: &ValidGbdtParams,
    trees: usize,
) -> Result<ValidGbdtParams, TrainError> {
    let invariant = |e: String| TrainError::Invariant {
        reason: format!("the GBDT parameters cannot be copied: {e}"),
    };
    let value = serde_json::to_value(params).map_err(|e| invariant(e.to_string()))?;
    let copy: GbdtParams = serde_json::from_value(value).map_err(|e| invariant(e.to_string()))?;
    copy.num_trees(trees.max(1))
        .early_stopping_rounds(0)
        .check()
        .map_err(|e| invariant(e.to_string()))
}

/// A step of the plan from rows with `times` and `labels`.
fn step(name: &'static str, times: Option<&[i64]>, labels: &[bool]) -> FitStep {
    FitStep {
        step: name,
        from: times.and_then(|t| t.iter().min().copied()),
        to: times.and_then(|t| t.iter().max().copied()),
        rows: labels.len(),
        positives: labels.iter().filter(|l| **l).count(),
    }
}

/// Replaces the model of `evaluated` (the evaluation fit, as [`crate::train`] made it) by the
/// deployed fit on `dataset`'s [`Dataset::refit`] rows, calibrated and thresholded on the
/// calibration window (the test split). Metrics, history and test curves stay the evaluation
/// fit's; importance becomes the deployed model's. Returns `evaluated` unchanged when the
/// dataset has no deployed-fit rows.
///
/// # Errors
///
/// The fit's errors ([`TrainError::SingleClass`] when the deployed rows hold one class), the
/// calibration's and the metrics'.
pub(crate) fn deploy(
    mut evaluated: TrainedModel,
    dataset: &Dataset,
    config: &ValidTrainConfig,
) -> Result<TrainedModel, TrainError> {
    let Some(refit) = &dataset.refit else {
        return Ok(evaluated);
    };
    let x = refit.rows.matrix()?;
    let y = &refit.rows.labels;
    let weights = fit_weights(refit.times.as_deref(), config)?;
    let (model, trees) = match &evaluated.native.model {
        Model::Gbdt(m) => {
            let trees = m.trees.len();
            let params = deployed_gbdt_params(config.gbdt(), trees)?;
            let t = train_gbdt_weighted(&params, &x, y, weights.as_deref(), None)?;
            (Model::Gbdt(t.model), Some(trees))
        }
        Model::Logistic(_) => (
            Model::Logistic(train_logistic(config.logistic(), &x, y)?),
            None,
        ),
        Model::Scorecard(_) => (
            Model::Scorecard(train_scorecard(
                config.scorecard(),
                &x,
                y,
                &crate::trainer::feature_names(dataset),
            )?),
            None,
        ),
    };
    let calibration_rows = dataset.rows(Split::Test);
    let xc = calibration_rows.matrix()?;
    let margins = model.margins(&xc)?;
    let calibrator = match config.calibration() {
        CalibrationMethod::Platt => fit_platt(&margins, &calibration_rows.labels)?,
        CalibrationMethod::Isotonic => fit_isotonic(&margins, &calibration_rows.labels)?,
    };
    let p: Vec<f64> = margins.iter().map(|m| calibrator.apply(*m)).collect();
    let thresholds = Thresholds::choose(&calibration_rows.labels, &p)?;
    let calibration_window = evaluate(
        &calibration_rows.labels,
        &p,
        &thresholds,
        config.review_budget(),
        BootstrapSettings {
            resamples: 0,
            ..BootstrapSettings::default()
        },
    )?;

    let times = |split: Split| dataset.times_of(split);
    let labels = |split: Split| -> Vec<bool> {
        dataset
            .labels
            .iter()
            .zip(&dataset.splits)
            .filter(|(_, s)| **s == split)
            .map(|(l, _)| *l)
            .collect()
    };
    let train_times = times(Split::Train);
    let valid_times = times(Split::Valid);
    let test_times = times(Split::Test);
    let steps = vec![
        step(
            "evaluation train",
            train_times.as_deref(),
            &labels(Split::Train),
        ),
        step("validation", valid_times.as_deref(), &labels(Split::Valid)),
        step("test", test_times.as_deref(), &labels(Split::Test)),
        step("deployed train", refit.times.as_deref(), y),
        step(
            "calibration window",
            test_times.as_deref(),
            &calibration_rows.labels,
        ),
    ];
    let evaluation_thresholds = evaluated.native.thresholds;
    evaluated.native.model = model;
    evaluated.native.calibrator = calibrator;
    evaluated.native.thresholds = thresholds;
    let mut importance: Vec<(String, f64)> = evaluated
        .native
        .feature_names
        .iter()
        .cloned()
        .zip(evaluated.native.model.importance())
        .collect();
    importance.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    evaluated.importance = importance;
    evaluated.deployment = Some(Deployment {
        plan: FitPlan {
            steps,
            deployed_train_ids: refit.rows.ids.clone(),
            calibration_ids: calibration_rows.ids,
        },
        trees,
        early_stopped: config.gbdt().early_stopping_rounds() > 0,
        dropped_cluster_overlap: refit.dropped_cluster_overlap,
        calibration_window,
        evaluation_thresholds,
        recency_half_life_days: (config.recency_half_life_days() > 0.0)
            .then_some(config.recency_half_life_days()),
    });
    Ok(evaluated)
}

fn date(t: Option<i64>) -> String {
    t.and_then(DateTime::from_timestamp_micros)
        .map_or_else(|| "n/a".to_owned(), |d| d.format("%Y-%m-%d").to_string())
}

/// The card section "How the deployed model was fitted" (Markdown, ending with a blank line);
/// `thresholds` are the package's (the deployed fit's).
pub(crate) fn card_section(d: &Deployment, calibration: &str, thresholds: &Thresholds) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "## How the deployed model was fitted\n\n\
         Two fits. The **evaluation fit** learned on the evaluation training rows, was \
         early-stopped, calibrated and given band thresholds on validation, and was measured \
         on test: every metric in this card (the Metrics section, the reliability table and \
         the ROC, precision-recall and calibration plots) is that fit's out-of-time estimate. \
         The **deployed fit**, the model in this package, then learned on every row submitted \
         before the calibration window whose label was known at the data's end (no \
         label-delay embargo), and its calibration and band thresholds were fitted on the \
         calibration window, rows it did not learn from. So it is at most one window behind \
         its data instead of two, at the price of having no held-out test of its own. Feature \
         importance is the deployed model's.\n"
    );
    let _ = writeln!(
        s,
        "| step | from | to | rows | fraud |\n|---|---|---|---:|---:|"
    );
    for st in &d.plan.steps {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            st.step,
            date(st.from),
            date(st.to),
            st.rows,
            st.positives
        );
    }
    let _ = writeln!(s);
    match d.trees {
        Some(t) if d.early_stopped => {
            let _ = writeln!(
                s,
                "- Trees: {t}, the evaluation fit's tree count after early stopping on \
                 validation; the deployed fit has no early stopping."
            );
        }
        Some(t) => {
            let _ = writeln!(
                s,
                "- Trees: {t}, the evaluation fit's tree count (early stopping was off)."
            );
        }
        None => {
            let _ = writeln!(
                s,
                "- Logistic regression: the deployed fit uses the evaluation fit's parameters."
            );
        }
    }
    let _ = writeln!(
        s,
        "- Rows before the calibration window left out of the deployed fit because their \
         identity cluster reaches the calibration window: {}.",
        d.dropped_cluster_overlap
    );
    if let Some(h) = d.recency_half_life_days {
        let _ = writeln!(
            s,
            "- Rows weighted by age in both fits: 0.5^(age / {h} days), the age from each \
             fit's latest training row."
        );
    }
    let _ = writeln!(
        s,
        "- Calibration: {calibration}. Band thresholds of the package: `verify` ≥ {:.4}, \
         `review` ≥ {:.4} (1 % / 5 % false-positive rate on the calibration window); the \
         evaluation fit's were {:.4} / {:.4}.",
        thresholds.fpr_1pct,
        thresholds.fpr_5pct,
        d.evaluation_thresholds.fpr_1pct,
        d.evaluation_thresholds.fpr_5pct
    );
    let e = &d.calibration_window;
    let _ = writeln!(
        s,
        "- The deployed model on the calibration window ({} rows, {} fraud; it did not learn \
         from them, but its calibration and thresholds were fitted on them, so only the \
         ranking figures are out of sample): ROC AUC {:.4}, PR AUC {:.4}.\n",
        e.rows, e.positives, e.roc_auc.estimate, e.pr_auc.estimate
    );
    s
}

/// The deployment as the `deployed_fit` object of `metrics.json`.
pub(crate) fn metrics_json(d: &Deployment) -> serde_json::Value {
    let steps: Vec<serde_json::Value> = d
        .plan
        .steps
        .iter()
        .map(|s| {
            serde_json::json!({
                "step": s.step,
                "from": date(s.from),
                "to": date(s.to),
                "rows": s.rows,
                "positives": s.positives,
            })
        })
        .collect();
    serde_json::json!({
        "windows": steps,
        "trees": d.trees,
        "early_stopped": d.early_stopped,
        "dropped_cluster_overlap": d.dropped_cluster_overlap,
        "recency_half_life_days": d.recency_half_life_days,
        "evaluation_thresholds": d.evaluation_thresholds,
        "calibration_window": d.calibration_window,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference: the closed form 0.5^k for rows k half-lives older than the newest; tolerance
    /// 1e-15.
    #[test]
    fn recency_weights_halve_every_half_life() {
        let day = 86_400_000_000_i64;
        let times = [
            10 * day + 90 * day,
            10 * day,
            10 * day + 45 * day,
            10 * day + 180 * day,
        ];
        let w = recency_weights(&times, 90.0);
        let expected = [0.5, 0.25, 0.5_f64.powf(1.5), 1.0];
        for (got, want) in w.iter().zip(expected) {
            assert!((got - want).abs() <= 1e-15, "{got} vs {want}");
        }
        assert!(recency_weights(&[], 30.0).is_empty());
    }
}
