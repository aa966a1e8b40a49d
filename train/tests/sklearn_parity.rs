//! Parity with scikit-learn: every expected value below was computed with
//! **scikit-learn 1.9.1** (NumPy 2.4.6, Python 3.11.7). `train/tests/reference/sklearn_reference.py`
//! recomputes all of them; each test also quotes the call that produced its value.
//!
//! Tolerances: rank metrics (ROC, average precision, operating points, precision at k) are
//! ratios of integer counts, so they agree to float rounding: `1e-12` absolute. Brier score, log
//! loss and bin means are sums of floats that NumPy adds in a different order (pairwise
//! summation): `1e-12` absolute as well.
//!
//! The pseudo-random datasets come from Knuth's MMIX LCG, written identically in Python:
//!
//! ```python
//! state = (state * 6364136223846793005 + 1442695040888963407) & (2**64 - 1)
//! unit = (state >> 11) * 2.0**-53
//! ```

use appfraud_train::{
    ReliabilityBin, average_precision, brier_score, fpr_at_threshold, log_loss, precision_at_k,
    precision_recall_curve, recall_at_fpr, recall_at_threshold, reliability, roc_auc, roc_curve,
};

const RANK_TOLERANCE: f64 = 1e-12;
const SUM_TOLERANCE: f64 = 1e-12;

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

// ---- small dataset with ties --------------------------------------------------------------

/// `y = [1,0,1,0,1,1,0,0,1,0]`: three tie groups (0.8 mixed, 0.35 mixed, 0.2 mixed).
const SMALL_LABELS: [bool; 10] = [
    true, false, true, false, true, true, false, false, true, false,
];
const SMALL_SCORES: [f64; 10] = [0.8, 0.8, 0.35, 0.1, 0.9, 0.35, 0.35, 0.6, 0.2, 0.2];

/// `sklearn.metrics.roc_auc_score(y, s)` = 0.64.
#[test]
fn roc_auc_small_with_ties_matches_sklearn() {
    let auc = roc_auc(&SMALL_LABELS, &SMALL_SCORES).expect("valid input");
    assert_close(auc, 0.64, RANK_TOLERANCE);
}

/// `sklearn.metrics.roc_curve(y, s, drop_intermediate=False)`.
#[test]
fn roc_curve_small_with_ties_matches_sklearn() {
    let curve = roc_curve(&SMALL_LABELS, &SMALL_SCORES).expect("valid input");
    assert_all_close(
        &curve.fpr,
        &[0.0, 0.0, 0.2, 0.4, 0.6, 0.8, 1.0],
        RANK_TOLERANCE,
    );
    assert_all_close(
        &curve.tpr,
        &[0.0, 0.2, 0.4, 0.4, 0.8, 1.0, 1.0],
        RANK_TOLERANCE,
    );
    assert_all_close(
        &curve.thresholds,
        &[f64::INFINITY, 0.9, 0.8, 0.6, 0.35, 0.2, 0.1],
        0.0,
    );
}

/// `sklearn.metrics.average_precision_score(y, s)` = 0.6730158730158731.
#[test]
fn average_precision_small_with_ties_matches_sklearn() {
    let ap = average_precision(&SMALL_LABELS, &SMALL_SCORES).expect("valid input");
    assert_close(ap, 0.6730158730158731, RANK_TOLERANCE);
}

/// `sklearn.metrics.precision_recall_curve(y, s, drop_intermediate=False)`.
#[test]
fn precision_recall_curve_small_with_ties_matches_sklearn() {
    let curve = precision_recall_curve(&SMALL_LABELS, &SMALL_SCORES).expect("valid input");
    assert_all_close(
        &curve.precision,
        &[
            0.5,
            0.5555555555555556,
            0.5714285714285714,
            0.5,
            0.6666666666666666,
            1.0,
            1.0,
        ],
        RANK_TOLERANCE,
    );
    assert_all_close(
        &curve.recall,
        &[1.0, 1.0, 0.8, 0.4, 0.4, 0.2, 0.0],
        RANK_TOLERANCE,
    );
    assert_all_close(&curve.thresholds, &[0.1, 0.2, 0.35, 0.6, 0.8, 0.9], 0.0);
}

/// From `fpr, tpr, thr = sklearn.metrics.roc_curve(y, s, drop_intermediate=False)`:
/// `ok = fpr <= m; i = np.flatnonzero(ok & (tpr == tpr[ok].max()))[0]; thr[i], tpr[i], fpr[i]`.
/// m = 0.0 → (0.9, 0.2, 0.0); m = 0.2 → (0.8, 0.4, 0.2); m = 0.4 → (0.8, 0.4, 0.2) (0.6 adds a
/// negative but no positive, so the higher threshold wins); m = 1.0 → (0.2, 1.0, 0.8).
#[test]
fn recall_at_fpr_small_with_ties_matches_sklearn_roc_points() {
    let cases = [
        (0.0, 0.9, 0.2, 0.0),
        (0.2, 0.8, 0.4, 0.2),
        (0.4, 0.8, 0.4, 0.2),
        (1.0, 0.2, 1.0, 0.8),
    ];
    for (max_fpr, threshold, recall, fpr) in cases {
        let point = recall_at_fpr(&SMALL_LABELS, &SMALL_SCORES, max_fpr).expect("valid input");
        assert_close(point.threshold, threshold, 0.0);
        assert_close(point.recall, recall, RANK_TOLERANCE);
        assert_close(point.fpr, fpr, RANK_TOLERANCE);
    }
}

/// Tie-shared precision at k, NumPy 2.4.6 (scikit-learn has no precision-at-k for binary
/// labels): `t = np.sort(s)[::-1][k-1]; above, tie = s > t, s == t;
/// (y[above].sum() + (k - above.sum()) * y[tie].mean()) / k`.
/// k = 1 → 1.0, k = 2 → 0.75 (half of the 0.8 tie), k = 3 → 0.6666666666666666,
/// k = 6 → 0.5555555555555555. Without a tie at the cut-off (k = 1, 3) this is plain precision:
/// `sklearn.metrics.precision_score(y, s >= 0.9)` = 1.0, `precision_score(y, s >= 0.8)` =
/// 0.6666666666666666.
#[test]
fn precision_at_k_small_with_ties_matches_reference() {
    for (k, expected) in [
        (1, 1.0),
        (2, 0.75),
        (3, 0.6666666666666666),
        (6, 0.5555555555555555),
    ] {
        let precision = precision_at_k(&SMALL_LABELS, &SMALL_SCORES, k).expect("valid input");
        assert_close(precision, expected, RANK_TOLERANCE);
    }
}

// ---- every score equal --------------------------------------------------------------------

const EQUAL_LABELS: [bool; 5] = [true, false, false, true, false];
const EQUAL_SCORES: [f64; 5] = [0.5; 5];

/// `y = [1,0,0,1,0]`, `s = [0.5]*5`: `roc_auc_score` = 0.5, `average_precision_score` = 0.4,
/// `roc_curve(..., drop_intermediate=False)` = ([0, 1], [0, 1], [inf, 0.5]),
/// `precision_recall_curve(..., drop_intermediate=False)` = ([0.4, 1], [1, 0], [0.5]).
#[test]
fn all_equal_scores_match_sklearn() {
    let auc = roc_auc(&EQUAL_LABELS, &EQUAL_SCORES).expect("valid input");
    assert_close(auc, 0.5, RANK_TOLERANCE);
    let ap = average_precision(&EQUAL_LABELS, &EQUAL_SCORES).expect("valid input");
    assert_close(ap, 0.4, RANK_TOLERANCE);

    let roc = roc_curve(&EQUAL_LABELS, &EQUAL_SCORES).expect("valid input");
    assert_all_close(&roc.fpr, &[0.0, 1.0], RANK_TOLERANCE);
    assert_all_close(&roc.tpr, &[0.0, 1.0], RANK_TOLERANCE);
    assert_all_close(&roc.thresholds, &[f64::INFINITY, 0.5], 0.0);

    let pr = precision_recall_curve(&EQUAL_LABELS, &EQUAL_SCORES).expect("valid input");
    assert_all_close(&pr.precision, &[0.4, 1.0], RANK_TOLERANCE);
    assert_all_close(&pr.recall, &[1.0, 0.0], RANK_TOLERANCE);
    assert_all_close(&pr.thresholds, &[0.5], 0.0);
}

/// With every score equal the only thresholds flag all rows or none. From `roc_curve` as in
/// `recall_at_fpr_small_with_ties_matches_sklearn_roc_points`, m = 0.5 → (inf, 0.0, 0.0);
/// tie-shared precision at k = 2 (NumPy formula above) → 0.4, the positive rate.
#[test]
fn all_equal_scores_operating_points_match_reference() {
    let point = recall_at_fpr(&EQUAL_LABELS, &EQUAL_SCORES, 0.5).expect("valid input");
    assert_eq!(point.threshold, f64::INFINITY);
    assert_close(point.recall, 0.0, 0.0);
    assert_close(point.fpr, 0.0, 0.0);
    let precision = precision_at_k(&EQUAL_LABELS, &EQUAL_SCORES, 2).expect("valid input");
    assert_close(precision, 0.4, RANK_TOLERANCE);
}

// ---- 200 pseudo-random rows, 41 score values ----------------------------------------------

/// Guards the dataset itself: if these differ, the LCG or the formula drifted from the Python
/// script and every value below is meaningless. `VY, VS = scored_dataset(7)`:
/// `VY[:5]` = [0, 0, 0, 1, 0], `VS[:5]` = [0.475, 0.05, 0.375, 0.825, 0.725], `VY.sum()` = 44.
#[test]
fn lcg_scored_dataset_matches_python() {
    let (labels, scores) = scored_dataset(7);
    assert_eq!(labels[..5], [false, false, false, true, false]);
    assert_eq!(scores[..5], [0.475, 0.05, 0.375, 0.825, 0.725]);
    assert_eq!(labels.iter().filter(|&&label| label).count(), 44);
}

/// `VY, VS = scored_dataset(7)`: `sklearn.metrics.roc_auc_score(VY, VS)` = 0.7751311188811189,
/// `sklearn.metrics.average_precision_score(VY, VS)` = 0.4918377278712605.
#[test]
fn lcg_roc_auc_and_average_precision_match_sklearn() {
    let (labels, scores) = scored_dataset(7);
    let auc = roc_auc(&labels, &scores).expect("valid input");
    assert_close(auc, 0.7751311188811189, RANK_TOLERANCE);
    let ap = average_precision(&labels, &scores).expect("valid input");
    assert_close(ap, 0.4918377278712605, RANK_TOLERANCE);
}

/// `sklearn.metrics.roc_curve(VY, VS, drop_intermediate=False)` on `scored_dataset(7)`.
#[test]
fn lcg_roc_curve_matches_sklearn() {
    let (labels, scores) = scored_dataset(7);
    let curve = roc_curve(&labels, &scores).expect("valid input");
    assert_all_close(
        &curve.fpr,
        &[
            0.0,
            0.01282051282051282,
            0.02564102564102564,
            0.03205128205128205,
            0.05128205128205128,
            0.07692307692307693,
            0.08974358974358974,
            0.10256410256410256,
            0.1282051282051282,
            0.16025641025641027,
            0.1794871794871795,
            0.21794871794871795,
            0.24358974358974358,
            0.26282051282051283,
            0.2948717948717949,
            0.32051282051282054,
            0.34615384615384615,
            0.358974358974359,
            0.38461538461538464,
            0.3974358974358974,
            0.41025641025641024,
            0.4230769230769231,
            0.4423076923076923,
            0.4551282051282051,
            0.48717948717948717,
            0.5,
            0.5384615384615384,
            0.5705128205128205,
            0.6025641025641025,
            0.6282051282051282,
            0.6794871794871795,
            0.7115384615384616,
            0.7307692307692307,
            0.7628205128205128,
            0.7884615384615384,
            0.8269230769230769,
            0.8589743589743589,
            0.8653846153846154,
            0.8910256410256411,
            0.9230769230769231,
            0.9551282051282052,
            1.0,
        ],
        RANK_TOLERANCE,
    );
    assert_all_close(
        &curve.tpr,
        &[
            0.0,
            0.09090909090909091,
            0.18181818181818182,
            0.25,
            0.29545454545454547,
            0.36363636363636365,
            0.36363636363636365,
            0.38636363636363635,
            0.5,
            0.5454545454545454,
            0.5909090909090909,
            0.5909090909090909,
            0.5909090909090909,
            0.6136363636363636,
            0.6136363636363636,
            0.6818181818181818,
            0.6818181818181818,
            0.75,
            0.7954545454545454,
            0.8181818181818182,
            0.8409090909090909,
            0.8409090909090909,
            0.8636363636363636,
            0.8636363636363636,
            0.8863636363636364,
            0.9090909090909091,
            0.9090909090909091,
            0.9318181818181818,
            0.9318181818181818,
            0.9318181818181818,
            0.9318181818181818,
            0.9318181818181818,
            0.9545454545454546,
            0.9545454545454546,
            0.9772727272727273,
            0.9772727272727273,
            0.9772727272727273,
            0.9772727272727273,
            0.9772727272727273,
            1.0,
            1.0,
            1.0,
        ],
        RANK_TOLERANCE,
    );
    assert_all_close(
        &curve.thresholds,
        &[
            f64::INFINITY,
            1.0,
            0.975,
            0.95,
            0.925,
            0.9,
            0.875,
            0.85,
            0.825,
            0.8,
            0.775,
            0.75,
            0.725,
            0.7,
            0.675,
            0.65,
            0.625,
            0.6,
            0.575,
            0.55,
            0.525,
            0.5,
            0.475,
            0.45,
            0.425,
            0.4,
            0.375,
            0.35,
            0.325,
            0.3,
            0.275,
            0.25,
            0.225,
            0.2,
            0.175,
            0.15,
            0.125,
            0.1,
            0.075,
            0.05,
            0.025,
            0.0,
        ],
        0.0,
    );
}

/// `sklearn.metrics.precision_recall_curve(VY, VS, drop_intermediate=False)` on
/// `scored_dataset(7)`.
#[test]
fn lcg_precision_recall_curve_matches_sklearn() {
    let (labels, scores) = scored_dataset(7);
    let curve = precision_recall_curve(&labels, &scores).expect("valid input");
    assert_all_close(
        &curve.precision,
        &[
            0.22,
            0.22797927461139897,
            0.23404255319148937,
            0.23626373626373626,
            0.24157303370786518,
            0.24293785310734464,
            0.25,
            0.25903614457831325,
            0.2608695652173913,
            0.2692307692307692,
            0.26973684210526316,
            0.2789115646258503,
            0.2949640287769784,
            0.3037037037037037,
            0.3153846153846154,
            0.3225806451612903,
            0.3389830508474576,
            0.3391304347826087,
            0.3486238532110092,
            0.35514018691588783,
            0.3592233009708738,
            0.36633663366336633,
            0.3673469387755102,
            0.3684210526315789,
            0.3707865168539326,
            0.35714285714285715,
            0.375,
            0.3698630136986301,
            0.39705882352941174,
            0.40625,
            0.43333333333333335,
            0.48148148148148145,
            0.4897959183673469,
            0.5238095238095238,
            0.5151515151515151,
            0.5333333333333333,
            0.5714285714285714,
            0.6190476190476191,
            0.6875,
            0.6666666666666666,
            0.6666666666666666,
            1.0,
        ],
        RANK_TOLERANCE,
    );
    assert_all_close(
        &curve.recall,
        &[
            1.0,
            1.0,
            1.0,
            0.9772727272727273,
            0.9772727272727273,
            0.9772727272727273,
            0.9772727272727273,
            0.9772727272727273,
            0.9545454545454546,
            0.9545454545454546,
            0.9318181818181818,
            0.9318181818181818,
            0.9318181818181818,
            0.9318181818181818,
            0.9318181818181818,
            0.9090909090909091,
            0.9090909090909091,
            0.8863636363636364,
            0.8636363636363636,
            0.8636363636363636,
            0.8409090909090909,
            0.8409090909090909,
            0.8181818181818182,
            0.7954545454545454,
            0.75,
            0.6818181818181818,
            0.6818181818181818,
            0.6136363636363636,
            0.6136363636363636,
            0.5909090909090909,
            0.5909090909090909,
            0.5909090909090909,
            0.5454545454545454,
            0.5,
            0.38636363636363635,
            0.36363636363636365,
            0.36363636363636365,
            0.29545454545454547,
            0.25,
            0.18181818181818182,
            0.09090909090909091,
            0.0,
        ],
        RANK_TOLERANCE,
    );
    assert_all_close(
        &curve.thresholds,
        &[
            0.0, 0.025, 0.05, 0.075, 0.1, 0.125, 0.15, 0.175, 0.2, 0.225, 0.25, 0.275, 0.3, 0.325,
            0.35, 0.375, 0.4, 0.425, 0.45, 0.475, 0.5, 0.525, 0.55, 0.575, 0.6, 0.625, 0.65, 0.675,
            0.7, 0.725, 0.75, 0.775, 0.8, 0.825, 0.85, 0.875, 0.9, 0.925, 0.95, 0.975, 1.0,
        ],
        0.0,
    );
}

/// Threshold chosen on validation (`scored_dataset(7)`) with the `roc_curve` rule quoted in
/// `recall_at_fpr_small_with_ties_matches_sklearn_roc_points`, reported on test
/// (`TY, TS = scored_dataset(8)`) with `sklearn.metrics.recall_score(TY, TS >= t)` and
/// `tn, fp, fn, tp = sklearn.metrics.confusion_matrix(TY, TS >= t).ravel(); fp / (fp + tn)`.
///
/// | max_fpr | t | validation recall | validation fpr | test recall | test fpr |
/// |---|---|---|---|---|---|
/// | 0.01 | inf | 0.0 | 0.0 | 0.0 | 0.0 |
/// | 0.05 | 0.95 | 0.25 | 0.03205128205128205 | 0.17391304347826086 | 0.025974025974025976 |
/// | 0.2 | 0.775 | 0.5909090909090909 | 0.1794871794871795 | 0.5 | 0.12337662337662338 |
#[test]
fn lcg_threshold_chosen_on_validation_reported_on_test_matches_sklearn() {
    let (validation_labels, validation_scores) = scored_dataset(7);
    let (test_labels, test_scores) = scored_dataset(8);
    let cases = [
        (0.01, f64::INFINITY, 0.0, 0.0, 0.0, 0.0),
        (
            0.05,
            0.95,
            0.25,
            0.03205128205128205,
            0.17391304347826086,
            0.025974025974025976,
        ),
        (
            0.2,
            0.775,
            0.5909090909090909,
            0.1794871794871795,
            0.5,
            0.12337662337662338,
        ),
    ];
    for (max_fpr, threshold, recall, fpr, test_recall, test_fpr) in cases {
        let point =
            recall_at_fpr(&validation_labels, &validation_scores, max_fpr).expect("valid input");
        assert_close(point.threshold, threshold, 0.0);
        assert_close(point.recall, recall, RANK_TOLERANCE);
        assert_close(point.fpr, fpr, RANK_TOLERANCE);

        let reported_recall =
            recall_at_threshold(&test_labels, &test_scores, point.threshold).expect("valid input");
        assert_close(reported_recall, test_recall, RANK_TOLERANCE);
        let reported_fpr =
            fpr_at_threshold(&test_labels, &test_scores, point.threshold).expect("valid input");
        assert_close(reported_fpr, test_fpr, RANK_TOLERANCE);
    }
}

/// Tie-shared precision at k on `scored_dataset(7)` with the NumPy 2.4.6 formula quoted in
/// `precision_at_k_small_with_ties_matches_reference`; every cut-off here falls inside a tie
/// (groups of 6, 5, 5 and 7 rows). k = 10 → 0.6666666666666666, k = 20 → 0.63, k = 50 → 0.488,
/// k = 200 → 0.22 (the positive rate).
#[test]
fn lcg_precision_at_k_matches_reference() {
    let (labels, scores) = scored_dataset(7);
    for (k, expected) in [
        (10, 0.6666666666666666),
        (20, 0.63),
        (50, 0.488),
        (200, 0.22),
    ] {
        let precision = precision_at_k(&labels, &scores, k).expect("valid input");
        assert_close(precision, expected, RANK_TOLERANCE);
    }
}

// ---- probabilities ------------------------------------------------------------------------

/// `PY, PP = probability_dataset(11)`: `PY[:5]` = [1, 0, 1, 1, 0], `PP[:5]` as below.
#[test]
fn lcg_probability_dataset_matches_python() {
    let (labels, probabilities) = probability_dataset(11);
    assert_eq!(labels[..5], [true, false, true, true, false]);
    assert_eq!(
        probabilities[..5],
        [
            0.873214330816907,
            0.07872010734540158,
            0.913667275592211,
            0.3021854691172081,
            0.40905165505204677
        ]
    );
}

/// `sklearn.metrics.brier_score_loss(PY, PP)` = 0.1638727812249573,
/// `sklearn.metrics.log_loss(PY, PP)` = 0.49148321087284347 on `probability_dataset(11)`.
#[test]
fn lcg_brier_score_and_log_loss_match_sklearn() {
    let (labels, probabilities) = probability_dataset(11);
    let brier = brier_score(&labels, &probabilities).expect("valid input");
    assert_close(brier, 0.1638727812249573, SUM_TOLERANCE);
    let loss = log_loss(&labels, &probabilities).expect("valid input");
    assert_close(loss, 0.49148321087284347, SUM_TOLERANCE);
}

/// `y = [1,0,1,0,1,0,0,1]`, `p = [0.0, 1.0, 1.0, 0.0, 0.3, 0.3, 0.5, 0.7]` (two confident
/// mistakes, clipped): `sklearn.metrics.brier_score_loss(y, p)` = 0.365,
/// `sklearn.metrics.log_loss(y, p)` = 9.337222081374707. A single class:
/// `log_loss([1,1,1], [0.9,0.5,1.0], labels=[False, True])` = 0.2661692320725906,
/// `brier_score_loss([1,1,1], [0.9,0.5,1.0], pos_label=True)` = 0.08666666666666667.
#[test]
fn extreme_probabilities_and_single_class_match_sklearn() {
    let brier = brier_score(&EXTREME_LABELS, &EXTREME_PROBABILITIES).expect("valid input");
    assert_close(brier, 0.365, SUM_TOLERANCE);
    let loss = log_loss(&EXTREME_LABELS, &EXTREME_PROBABILITIES).expect("valid input");
    assert_close(loss, 9.337222081374707, SUM_TOLERANCE);

    let single = [true; 3];
    let probabilities = [0.9, 0.5, 1.0];
    let loss = log_loss(&single, &probabilities).expect("valid input");
    assert_close(loss, 0.2661692320725906, SUM_TOLERANCE);
    let brier = brier_score(&single, &probabilities).expect("valid input");
    assert_close(brier, 0.08666666666666667, SUM_TOLERANCE);
}

const EXTREME_LABELS: [bool; 8] = [true, false, true, false, true, false, false, true];
const EXTREME_PROBABILITIES: [f64; 8] = [0.0, 1.0, 1.0, 0.0, 0.3, 0.3, 0.5, 0.7];

#[track_caller]
fn assert_reliability_matches(
    bins: &[ReliabilityBin],
    counts: &[usize],
    prob_true: &[f64],
    prob_pred: &[f64],
) {
    let actual_counts: Vec<usize> = bins.iter().map(|bin| bin.count).collect();
    assert_eq!(actual_counts, counts);
    let observed: Vec<f64> = bins.iter().filter_map(|bin| bin.observed_rate).collect();
    let predicted: Vec<f64> = bins.iter().filter_map(|bin| bin.mean_predicted).collect();
    assert_all_close(&observed, prob_true, SUM_TOLERANCE);
    assert_all_close(&predicted, prob_pred, SUM_TOLERANCE);
    for bin in bins {
        assert_eq!(bin.observed_rate.is_some(), bin.count > 0);
        assert_eq!(bin.mean_predicted.is_some(), bin.count > 0);
    }
}

/// `prob_true, prob_pred = sklearn.calibration.calibration_curve(PY, PP, n_bins=n,
/// strategy="uniform")` (non-empty bins only) and counts from
/// `np.bincount(np.searchsorted(np.linspace(0, 1, n + 1)[1:-1], PP), minlength=n)`, on
/// `probability_dataset(11)` with n = 10 and n = 7.
#[test]
fn lcg_reliability_matches_sklearn_calibration_curve() {
    let (labels, probabilities) = probability_dataset(11);

    let bins = reliability(&labels, &probabilities, 10).expect("valid input");
    assert_reliability_matches(
        &bins,
        &[22, 26, 20, 18, 18, 23, 15, 22, 17, 19],
        &[
            0.09090909090909091,
            0.15384615384615385,
            0.35,
            0.3888888888888889,
            0.3888888888888889,
            0.43478260869565216,
            0.8,
            0.7727272727272727,
            0.8823529411764706,
            1.0,
        ],
        &[
            0.05321907188282608,
            0.142793520312591,
            0.2508029343610826,
            0.35054277891713853,
            0.4412636244204961,
            0.5390363619077196,
            0.6575416959369634,
            0.7492707414552484,
            0.8553676366552551,
            0.9511993296524015,
        ],
    );

    let bins = reliability(&labels, &probabilities, 7).expect("valid input");
    assert_reliability_matches(
        &bins,
        &[38, 27, 29, 29, 20, 31, 26],
        &[
            0.13157894736842105,
            0.25925925925925924,
            0.41379310344827586,
            0.3448275862068966,
            0.75,
            0.8064516129032258,
            1.0,
        ],
        &[
            0.08126083143271398,
            0.2199640645281366,
            0.3620976500494376,
            0.5062522614234045,
            0.645794591826591,
            0.7804111821110375,
            0.9305097294977625,
        ],
    );
    assert_eq!(bins[0].lower, 0.0);
    assert_eq!(bins[6].upper, 1.0);
}

/// Values on bin edges go to the lower bin, with edges as `np.linspace(0, 1, 11)` computes them
/// (0.3 < 0.30000000000000004 lands in bin 2, 0.5 in bin 4, 0.7 < 0.7000000000000001 in bin 6).
/// `calibration_curve(y, p, n_bins=10)` with `y`, `p` of
/// `extreme_probabilities_and_single_class_match_sklearn`: prob_true = [0.5, 0.5, 0.0, 1.0, 0.5],
/// prob_pred = [0.0, 0.3, 0.5, 0.7, 1.0]; counts = [2, 0, 2, 0, 1, 0, 1, 0, 0, 2].
#[test]
fn reliability_bin_edges_match_sklearn_calibration_curve() {
    let bins = reliability(&EXTREME_LABELS, &EXTREME_PROBABILITIES, 10).expect("valid input");
    assert_reliability_matches(
        &bins,
        &[2, 0, 2, 0, 1, 0, 1, 0, 0, 2],
        &[0.5, 0.5, 0.0, 1.0, 0.5],
        &[0.0, 0.3, 0.5, 0.7, 1.0],
    );
    assert_eq!(bins[2].positives, 1);
    assert_eq!(bins[3].upper, 0.4);
}
