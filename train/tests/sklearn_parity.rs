//! Parity with scikit-learn: every expected value is recomputed at test time by
//! `train/tests/reference/sklearn_reference.py` with the scikit-learn and NumPy that `./dev test`
//! installs (see `support/reference.rs`); each test names the call that produces its value.
//! The script also prints the inputs it used, and the tests check that they are ours.
//!
//! Tolerances: rank metrics (ROC, average precision, operating points, precision at k) are
//! ratios of integer counts, so they agree to float rounding: `1e-12` absolute. Brier score, log
//! loss and bin means are sums of floats that NumPy adds in a different order (pairwise
//! summation): `1e-12` absolute as well. Thresholds are scores of the data, compared exactly.
//!
//! The pseudo-random datasets come from Knuth's MMIX LCG, written identically in Python:
//!
//! ```python
//! state = (state * 6364136223846793005 + 1442695040888963407) & (2**64 - 1)
//! unit = (state >> 11) * 2.0**-53
//! ```

#[path = "support/reference.rs"]
mod reference;

use std::sync::Arc;

use appfraud_train::{
    ReliabilityBin, average_precision, brier_score, fpr_at_threshold, log_loss, precision_at_k,
    precision_recall_curve, recall_at_fpr, recall_at_threshold, reliability, roc_auc, roc_curve,
};
use reference::{bools, count, float, floats, get};
use serde_json::Value;

const RANK_TOLERANCE: f64 = 1e-12;
const SUM_TOLERANCE: f64 = 1e-12;

/// The script's output (run once for all tests of this file).
fn sklearn() -> Arc<Value> {
    reference::run("sklearn_reference.py", &[])
}

#[track_caller]
fn assert_close(actual: f64, expected: f64, tolerance: f64) {
    let equal = actual == expected; // also covers matching infinities
    assert!(
        equal || (actual - expected).abs() <= tolerance,
        "got {actual:?}, scikit-learn gives {expected:?} (tolerance {tolerance:e})"
    );
}

#[track_caller]
fn assert_all_close(actual: &[f64], expected: &[f64], tolerance: f64) {
    assert_eq!(
        actual.len(),
        expected.len(),
        "length differs: {actual:?} vs {expected:?}"
    );
    for (i, (&a, &e)) in actual.iter().zip(expected).enumerate() {
        let equal = a == e;
        assert!(
            equal || (a - e).abs() <= tolerance,
            "index {i}: got {a:?}, scikit-learn gives {e:?} (tolerance {tolerance:e})"
        );
    }
}

/// The entries of the list at `key`, each an object.
fn entries<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    get(value, key).as_array().expect("a list")
}

struct Lcg(u64);

impl Lcg {
    fn next_u64(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0
    }

    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / 9007199254740992.0)
    }
}

/// `scored_dataset(seed)` of the Python script: 200 scores on a grid of 41 values (many ties),
/// fraud with probability `0.05 + 0.5 * score^2`.
fn scored_dataset(seed: u64) -> (Vec<bool>, Vec<f64>) {
    let mut rng = Lcg(seed);
    (0..200)
        .map(|_| {
            let score = ((rng.next_u64() >> 33) % 41) as f64 / 40.0;
            (rng.unit() < 0.05 + 0.5 * score * score, score)
        })
        .unzip()
}

/// `probability_dataset(seed)` of the Python script: 200 continuous probabilities `p`, each
/// label drawn with probability `p`.
fn probability_dataset(seed: u64) -> (Vec<bool>, Vec<f64>) {
    let mut rng = Lcg(seed);
    (0..200)
        .map(|_| {
            let p = rng.unit();
            (rng.unit() < p, p)
        })
        .unzip()
}

/// Checks a ROC curve against `roc_curve(y, s, drop_intermediate=False)` as printed under
/// `section/roc`.
#[track_caller]
fn assert_roc_matches(labels: &[bool], scores: &[f64], section: &Value) {
    let curve = roc_curve(labels, scores).expect("valid input");
    assert_all_close(&curve.fpr, &floats(section, "roc/fpr"), RANK_TOLERANCE);
    assert_all_close(&curve.tpr, &floats(section, "roc/tpr"), RANK_TOLERANCE);
    assert_all_close(&curve.thresholds, &floats(section, "roc/thresholds"), 0.0);
}

/// Checks a precision-recall curve against `precision_recall_curve(y, s,
/// drop_intermediate=False)` as printed under `section/pr`.
#[track_caller]
fn assert_pr_matches(labels: &[bool], scores: &[f64], section: &Value) {
    let curve = precision_recall_curve(labels, scores).expect("valid input");
    assert_all_close(
        &curve.precision,
        &floats(section, "pr/precision"),
        RANK_TOLERANCE,
    );
    assert_all_close(&curve.recall, &floats(section, "pr/recall"), RANK_TOLERANCE);
    assert_all_close(&curve.thresholds, &floats(section, "pr/thresholds"), 0.0);
}

/// Checks `recall_at_fpr` against the script's `recall_at_fpr(y, s, m)`: from
/// `fpr, tpr, thr = roc_curve(y, s, drop_intermediate=False)`,
/// `ok = fpr <= m; i = np.flatnonzero(ok & (tpr == tpr[ok].max()))[0]; thr[i], tpr[i], fpr[i]`.
#[track_caller]
fn assert_operating_point_matches(labels: &[bool], scores: &[f64], expected: &Value) {
    let point = recall_at_fpr(labels, scores, float(expected, "max_fpr")).expect("valid input");
    assert_close(point.threshold, float(expected, "threshold"), 0.0);
    assert_close(point.recall, float(expected, "recall"), RANK_TOLERANCE);
    assert_close(point.fpr, float(expected, "fpr"), RANK_TOLERANCE);
}

/// Checks tie-shared precision at k against the script's NumPy formula:
/// `t = np.sort(s)[::-1][k-1]; above, tie = s > t, s == t;
/// (y[above].sum() + (k - above.sum()) * y[tie].mean()) / k`.
#[track_caller]
fn assert_precision_at_k_matches(labels: &[bool], scores: &[f64], expected: &Value) {
    let k = count(expected, "k");
    let precision = precision_at_k(labels, scores, k).expect("valid input");
    assert_close(precision, float(expected, "value"), RANK_TOLERANCE);
}

// ---- small dataset with ties --------------------------------------------------------------

/// `y = [1,0,1,0,1,1,0,0,1,0]`: three tie groups (0.8 mixed, 0.35 mixed, 0.2 mixed).
const SMALL_LABELS: [bool; 10] = [
    true, false, true, false, true, true, false, false, true, false,
];
const SMALL_SCORES: [f64; 10] = [0.8, 0.8, 0.35, 0.1, 0.9, 0.35, 0.35, 0.6, 0.2, 0.2];

/// Every hand-written input of this file is the script's.
#[test]
fn hand_written_inputs_are_the_scripts() {
    let sk = sklearn();
    assert_eq!(bools(&sk, "small/labels"), SMALL_LABELS);
    assert_eq!(floats(&sk, "small/scores"), SMALL_SCORES);
    assert_eq!(bools(&sk, "all_equal/labels"), EQUAL_LABELS);
    assert_eq!(floats(&sk, "all_equal/scores"), EQUAL_SCORES);
    assert_eq!(bools(&sk, "extremes/labels"), EXTREME_LABELS);
    assert_eq!(floats(&sk, "extremes/probabilities"), EXTREME_PROBABILITIES);
    assert_eq!(
        floats(&sk, "extremes/single_class_probabilities"),
        SINGLE_CLASS_PROBABILITIES
    );
}

/// `sklearn.metrics.roc_auc_score(y, s)`.
#[test]
fn roc_auc_small_with_ties_matches_sklearn() {
    let auc = roc_auc(&SMALL_LABELS, &SMALL_SCORES).expect("valid input");
    assert_close(auc, float(&sklearn(), "small/roc_auc"), RANK_TOLERANCE);
}

/// `sklearn.metrics.roc_curve(y, s, drop_intermediate=False)`.
#[test]
fn roc_curve_small_with_ties_matches_sklearn() {
    assert_roc_matches(&SMALL_LABELS, &SMALL_SCORES, get(&sklearn(), "small"));
}

/// `sklearn.metrics.average_precision_score(y, s)`.
#[test]
fn average_precision_small_with_ties_matches_sklearn() {
    let ap = average_precision(&SMALL_LABELS, &SMALL_SCORES).expect("valid input");
    assert_close(
        ap,
        float(&sklearn(), "small/average_precision"),
        RANK_TOLERANCE,
    );
}

/// `sklearn.metrics.precision_recall_curve(y, s, drop_intermediate=False)`.
#[test]
fn precision_recall_curve_small_with_ties_matches_sklearn() {
    assert_pr_matches(&SMALL_LABELS, &SMALL_SCORES, get(&sklearn(), "small"));
}

/// The `roc_curve` rule of [`assert_operating_point_matches`] at m = 0.0, 0.2, 0.4, 1.0. At
/// m = 0.4 the point at 0.6 adds a negative but no positive, so the higher threshold (0.8) wins.
#[test]
fn recall_at_fpr_small_with_ties_matches_sklearn_roc_points() {
    let sk = sklearn();
    let points = entries(&sk, "small/recall_at_fpr");
    assert_eq!(points.len(), 4);
    for expected in points {
        assert_operating_point_matches(&SMALL_LABELS, &SMALL_SCORES, expected);
    }
}

/// Tie-shared precision at k = 1, 2, 3, 6 (NumPy formula of
/// [`assert_precision_at_k_matches`]). Without a tie at the cut-off (k = 1, 3) this is plain
/// precision, which scikit-learn computes too: `precision_score(y, s >= 0.9)` and
/// `precision_score(y, s >= 0.8)`.
#[test]
fn precision_at_k_small_with_ties_matches_reference() {
    let sk = sklearn();
    let cases = entries(&sk, "small/precision_at_k");
    assert_eq!(cases.len(), 4);
    for expected in cases {
        assert_precision_at_k_matches(&SMALL_LABELS, &SMALL_SCORES, expected);
    }
    for (k, key) in [
        (1, "small/precision_score_at_0.9"),
        (3, "small/precision_score_at_0.8"),
    ] {
        let precision = precision_at_k(&SMALL_LABELS, &SMALL_SCORES, k).expect("valid input");
        assert_close(precision, float(&sk, key), RANK_TOLERANCE);
    }
}

// ---- every score equal --------------------------------------------------------------------

const EQUAL_LABELS: [bool; 5] = [true, false, false, true, false];
const EQUAL_SCORES: [f64; 5] = [0.5; 5];

/// `y = [1,0,0,1,0]`, `s = [0.5]*5`: `roc_auc_score`, `average_precision_score`, `roc_curve`
/// and `precision_recall_curve` (`drop_intermediate=False`).
#[test]
fn all_equal_scores_match_sklearn() {
    let sk = sklearn();
    let section = get(&sk, "all_equal");
    let auc = roc_auc(&EQUAL_LABELS, &EQUAL_SCORES).expect("valid input");
    assert_close(auc, float(section, "roc_auc"), RANK_TOLERANCE);
    let ap = average_precision(&EQUAL_LABELS, &EQUAL_SCORES).expect("valid input");
    assert_close(ap, float(section, "average_precision"), RANK_TOLERANCE);
    assert_roc_matches(&EQUAL_LABELS, &EQUAL_SCORES, section);
    assert_pr_matches(&EQUAL_LABELS, &EQUAL_SCORES, section);
}

/// With every score equal the only thresholds flag all rows or none: the operating point at
/// m = 0.5 (the `roc_curve` rule) flags none (threshold `inf`); tie-shared precision at k = 2
/// is the positive rate.
#[test]
fn all_equal_scores_operating_points_match_reference() {
    let sk = sklearn();
    let point = &entries(&sk, "all_equal/recall_at_fpr")[0];
    assert_eq!(float(point, "threshold"), f64::INFINITY);
    assert_operating_point_matches(&EQUAL_LABELS, &EQUAL_SCORES, point);
    let precision = &entries(&sk, "all_equal/precision_at_k")[0];
    assert_precision_at_k_matches(&EQUAL_LABELS, &EQUAL_SCORES, precision);
}

// ---- 200 pseudo-random rows, 41 score values ----------------------------------------------

/// Guards the datasets themselves: if they differ, the LCG or the formula drifted from the
/// Python script and every comparison below is meaningless. `scored_dataset(7)` (validation)
/// and `scored_dataset(8)` (test), every label and score.
#[test]
fn lcg_scored_dataset_matches_python() {
    let sk = sklearn();
    let (labels, scores) = scored_dataset(7);
    assert_eq!(labels, bools(&sk, "scored/labels"));
    assert_eq!(scores, floats(&sk, "scored/scores"));
    let (test_labels, test_scores) = scored_dataset(8);
    assert_eq!(test_labels, bools(&sk, "scored/test_labels"));
    assert_eq!(test_scores, floats(&sk, "scored/test_scores"));
}

/// `VY, VS = scored_dataset(7)`: `sklearn.metrics.roc_auc_score(VY, VS)` and
/// `sklearn.metrics.average_precision_score(VY, VS)`.
#[test]
fn lcg_roc_auc_and_average_precision_match_sklearn() {
    let sk = sklearn();
    let (labels, scores) = scored_dataset(7);
    let auc = roc_auc(&labels, &scores).expect("valid input");
    assert_close(auc, float(&sk, "scored/roc_auc"), RANK_TOLERANCE);
    let ap = average_precision(&labels, &scores).expect("valid input");
    assert_close(ap, float(&sk, "scored/average_precision"), RANK_TOLERANCE);
}

/// `sklearn.metrics.roc_curve(VY, VS, drop_intermediate=False)` on `scored_dataset(7)`.
#[test]
fn lcg_roc_curve_matches_sklearn() {
    let (labels, scores) = scored_dataset(7);
    assert_roc_matches(&labels, &scores, get(&sklearn(), "scored"));
}

/// `sklearn.metrics.precision_recall_curve(VY, VS, drop_intermediate=False)` on
/// `scored_dataset(7)`.
#[test]
fn lcg_precision_recall_curve_matches_sklearn() {
    let (labels, scores) = scored_dataset(7);
    assert_pr_matches(&labels, &scores, get(&sklearn(), "scored"));
}

/// Threshold chosen on validation (`scored_dataset(7)`) with the `roc_curve` rule at
/// max_fpr = 0.01, 0.05, 0.2, reported on test (`TY, TS = scored_dataset(8)`) with
/// `sklearn.metrics.recall_score(TY, TS >= t)` and
/// `tn, fp, fn, tp = sklearn.metrics.confusion_matrix(TY, TS >= t).ravel(); fp / (fp + tn)`.
#[test]
fn lcg_threshold_chosen_on_validation_reported_on_test_matches_sklearn() {
    let sk = sklearn();
    let (validation_labels, validation_scores) = scored_dataset(7);
    let (test_labels, test_scores) = scored_dataset(8);
    let cases = entries(&sk, "scored/operating_points");
    assert_eq!(cases.len(), 3);
    for expected in cases {
        assert_operating_point_matches(&validation_labels, &validation_scores, expected);
        let threshold = float(expected, "threshold");
        let reported_recall =
            recall_at_threshold(&test_labels, &test_scores, threshold).expect("valid input");
        assert_close(
            reported_recall,
            float(expected, "test_recall"),
            RANK_TOLERANCE,
        );
        let reported_fpr =
            fpr_at_threshold(&test_labels, &test_scores, threshold).expect("valid input");
        assert_close(reported_fpr, float(expected, "test_fpr"), RANK_TOLERANCE);
    }
}

/// Tie-shared precision at k = 10, 20, 50, 200 on `scored_dataset(7)` (NumPy formula of
/// [`assert_precision_at_k_matches`]); every cut-off falls inside a tie group, which the
/// script counts, so the tie sharing is exercised.
#[test]
fn lcg_precision_at_k_matches_reference() {
    let sk = sklearn();
    let (labels, scores) = scored_dataset(7);
    let cases = entries(&sk, "scored/precision_at_k");
    assert_eq!(cases.len(), 4);
    for expected in cases {
        assert!(count(expected, "tie_size") > 1, "{expected}");
        assert_precision_at_k_matches(&labels, &scores, expected);
    }
}

// ---- probabilities ------------------------------------------------------------------------

/// `PY, PP = probability_dataset(11)`, every label and probability.
#[test]
fn lcg_probability_dataset_matches_python() {
    let sk = sklearn();
    let (labels, probabilities) = probability_dataset(11);
    assert_eq!(labels, bools(&sk, "probabilities/labels"));
    assert_eq!(probabilities, floats(&sk, "probabilities/probabilities"));
}

/// `sklearn.metrics.brier_score_loss(PY, PP)` and `sklearn.metrics.log_loss(PY, PP)` on
/// `probability_dataset(11)`.
#[test]
fn lcg_brier_score_and_log_loss_match_sklearn() {
    let sk = sklearn();
    let (labels, probabilities) = probability_dataset(11);
    let brier = brier_score(&labels, &probabilities).expect("valid input");
    assert_close(
        brier,
        float(&sk, "probabilities/brier_score_loss"),
        SUM_TOLERANCE,
    );
    let loss = log_loss(&labels, &probabilities).expect("valid input");
    assert_close(loss, float(&sk, "probabilities/log_loss"), SUM_TOLERANCE);
}

const EXTREME_LABELS: [bool; 8] = [true, false, true, false, true, false, false, true];
const EXTREME_PROBABILITIES: [f64; 8] = [0.0, 1.0, 1.0, 0.0, 0.3, 0.3, 0.5, 0.7];
const SINGLE_CLASS_PROBABILITIES: [f64; 3] = [0.9, 0.5, 1.0];

/// `y = [1,0,1,0,1,0,0,1]`, `p = [0.0, 1.0, 1.0, 0.0, 0.3, 0.3, 0.5, 0.7]` (two confident
/// mistakes, clipped): `brier_score_loss(y, p)`, `log_loss(y, p)`. A single class:
/// `log_loss([1,1,1], [0.9,0.5,1.0], labels=[False, True])`,
/// `brier_score_loss([1,1,1], [0.9,0.5,1.0], pos_label=True)`.
#[test]
fn extreme_probabilities_and_single_class_match_sklearn() {
    let sk = sklearn();
    let section = get(&sk, "extremes");
    let brier = brier_score(&EXTREME_LABELS, &EXTREME_PROBABILITIES).expect("valid input");
    assert_close(brier, float(section, "brier_score_loss"), SUM_TOLERANCE);
    let loss = log_loss(&EXTREME_LABELS, &EXTREME_PROBABILITIES).expect("valid input");
    assert_close(loss, float(section, "log_loss"), SUM_TOLERANCE);

    let single = [true; 3];
    let loss = log_loss(&single, &SINGLE_CLASS_PROBABILITIES).expect("valid input");
    assert_close(loss, float(section, "single_class_log_loss"), SUM_TOLERANCE);
    let brier = brier_score(&single, &SINGLE_CLASS_PROBABILITIES).expect("valid input");
    assert_close(
        brier,
        float(section, "single_class_brier_score_loss"),
        SUM_TOLERANCE,
    );
}

/// Checks a reliability table against `calibration_curve(y, p, n_bins=n, strategy="uniform")`
/// (non-empty bins only) and the counts of
/// `np.bincount(np.searchsorted(np.linspace(0, 1, n + 1)[1:-1], p), minlength=n)`.
#[track_caller]
fn assert_reliability_matches(bins: &[ReliabilityBin], expected: &Value) {
    let actual_counts: Vec<usize> = bins.iter().map(|bin| bin.count).collect();
    assert_eq!(actual_counts, reference::counts(expected, "counts"));
    let observed: Vec<f64> = bins.iter().filter_map(|bin| bin.observed_rate).collect();
    let predicted: Vec<f64> = bins.iter().filter_map(|bin| bin.mean_predicted).collect();
    assert_all_close(&observed, &floats(expected, "prob_true"), SUM_TOLERANCE);
    assert_all_close(&predicted, &floats(expected, "prob_pred"), SUM_TOLERANCE);
    for bin in bins {
        assert_eq!(bin.observed_rate.is_some(), bin.count > 0);
        assert_eq!(bin.mean_predicted.is_some(), bin.count > 0);
    }
}

/// `calibration_curve` on `probability_dataset(11)` with n = 10 and n = 7.
#[test]
fn lcg_reliability_matches_sklearn_calibration_curve() {
    let sk = sklearn();
    let (labels, probabilities) = probability_dataset(11);
    let tables = entries(&sk, "probabilities/reliability");
    assert_eq!(tables.len(), 2);
    for expected in tables {
        let n_bins = count(expected, "n_bins");
        let bins = reliability(&labels, &probabilities, n_bins).expect("valid input");
        assert_reliability_matches(&bins, expected);
        assert_eq!(bins[0].lower, 0.0);
        assert_eq!(bins[n_bins - 1].upper, 1.0);
    }
}

/// Values on bin edges go to the lower bin, with edges as `np.linspace(0, 1, 11)` computes them
/// (0.3 < 0.30000000000000004 lands in bin 2, 0.5 in bin 4, 0.7 < 0.7000000000000001 in bin 6):
/// `calibration_curve(y, p, n_bins=10)` with `y`, `p` of
/// `extreme_probabilities_and_single_class_match_sklearn`. By hand: bin 2 holds the two rows at
/// 0.3, one of them positive; bin 3's upper edge is `linspace`'s 0.4.
#[test]
fn reliability_bin_edges_match_sklearn_calibration_curve() {
    let sk = sklearn();
    let bins = reliability(&EXTREME_LABELS, &EXTREME_PROBABILITIES, 10).expect("valid input");
    assert_reliability_matches(&bins, get(&sk, "extremes/reliability"));
    assert_eq!((bins[2].count, bins[2].positives), (2, 1));
    assert_eq!(bins[3].upper, 0.4);
}
