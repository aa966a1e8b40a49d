//! Every typed error of the metrics, one test per case: invalid input returns a `TrainError`
//! naming the input, the row and the value, and never panics.

use appfraud_train::{
    TrainError, average_precision, brier_score, fpr_at_threshold, log_loss, precision_at_k,
    precision_recall_curve, recall_at_fpr, recall_at_threshold, reliability, roc_auc, roc_curve,
};

const LABELS: [bool; 4] = [true, false, true, false];
const SCORES: [f64; 4] = [0.9, 0.2, 0.6, 0.4];

/// Every metric that takes `(labels, values)` alone or with a valid extra argument, so one input
/// can be checked against all of them.
fn all_metrics(labels: &[bool], values: &[f64]) -> Vec<(&'static str, Result<(), TrainError>)> {
    vec![
        ("roc_auc", roc_auc(labels, values).map(drop)),
        ("roc_curve", roc_curve(labels, values).map(drop)),
        (
            "average_precision",
            average_precision(labels, values).map(drop),
        ),
        (
            "precision_recall_curve",
            precision_recall_curve(labels, values).map(drop),
        ),
        (
            "recall_at_fpr",
            recall_at_fpr(labels, values, 0.1).map(drop),
        ),
        (
            "recall_at_threshold",
            recall_at_threshold(labels, values, 0.5).map(drop),
        ),
        (
            "fpr_at_threshold",
            fpr_at_threshold(labels, values, 0.5).map(drop),
        ),
        (
            "precision_at_k",
            precision_at_k(labels, values, 1).map(drop),
        ),
        ("brier_score", brier_score(labels, values).map(drop)),
        ("log_loss", log_loss(labels, values).map(drop)),
        ("reliability", reliability(labels, values, 10).map(drop)),
    ]
}

fn what_of_values(metric: &str) -> &'static str {
    match metric {
        "brier_score" | "log_loss" | "reliability" => "probabilities",
        _ => "scores",
    }
}

#[test]
fn empty_input_is_rejected_by_every_metric() {
    for (metric, result) in all_metrics(&[], &[]) {
        assert_eq!(
            result,
            Err(TrainError::EmptyInput { what: "labels" }),
            "{metric}"
        );
    }
}

#[test]
fn length_mismatch_is_rejected_by_every_metric() {
    for (metric, result) in all_metrics(&LABELS, &SCORES[..3]) {
        assert_eq!(
            result,
            Err(TrainError::LengthMismatch {
                what: what_of_values(metric),
                expected: 4,
                found: 3,
            }),
            "{metric}"
        );
    }
}

#[test]
fn nan_value_is_rejected_by_every_metric() {
    let values = [0.9, 0.2, f64::NAN, 0.4];
    for (metric, result) in all_metrics(&LABELS, &values) {
        match result {
            Err(TrainError::NonFinite { what, index, value }) => {
                assert_eq!((what, index), (what_of_values(metric), 2), "{metric}");
                assert!(value.is_nan(), "{metric}");
            }
            other => panic!("{metric}: expected NonFinite, got {other:?}"),
        }
    }
}

#[test]
fn infinite_value_is_rejected_by_every_metric() {
    for infinity in [f64::INFINITY, f64::NEG_INFINITY] {
        let values = [0.9, infinity, 0.6, 0.4];
        for (metric, result) in all_metrics(&LABELS, &values) {
            assert_eq!(
                result,
                Err(TrainError::NonFinite {
                    what: what_of_values(metric),
                    index: 1,
                    value: infinity,
                }),
                "{metric}"
            );
        }
    }
}

#[test]
fn probability_outside_unit_interval_is_rejected() {
    for value in [-0.01, 1.01] {
        let probabilities = [0.9, 0.2, 0.6, value];
        let expected = Err(TrainError::NotAProbability {
            what: "probabilities",
            index: 3,
            value,
        });
        assert_eq!(brier_score(&LABELS, &probabilities).map(drop), expected);
        assert_eq!(log_loss(&LABELS, &probabilities).map(drop), expected);
        assert_eq!(reliability(&LABELS, &probabilities, 10).map(drop), expected);
    }
}

#[test]
fn scores_outside_unit_interval_are_fine_for_rank_metrics() {
    let scores = [3.5, -2.0, 1.0, 0.0];
    assert_eq!(roc_auc(&LABELS, &scores), Ok(1.0));
    assert_eq!(average_precision(&LABELS, &scores), Ok(1.0));
}

fn single_class(metric: &'static str, positives: usize, negatives: usize) -> TrainError {
    TrainError::SingleClass {
        metric,
        positives,
        negatives,
    }
}

#[test]
fn single_class_is_rejected_where_both_classes_are_needed() {
    for labels in [[true; 4], [false; 4]] {
        let positives = labels.iter().filter(|&&label| label).count();
        let negatives = 4 - positives;
        assert_eq!(
            roc_auc(&labels, &SCORES),
            Err(single_class("roc_auc", positives, negatives))
        );
        assert_eq!(
            roc_curve(&labels, &SCORES).map(drop),
            Err(single_class("roc_curve", positives, negatives))
        );
        assert_eq!(
            recall_at_fpr(&labels, &SCORES, 0.1).map(drop),
            Err(single_class("recall_at_fpr", positives, negatives))
        );
    }
}

#[test]
fn no_positive_is_rejected_by_recall_based_metrics() {
    let labels = [false; 4];
    assert_eq!(
        average_precision(&labels, &SCORES),
        Err(single_class("average_precision", 0, 4))
    );
    assert_eq!(
        precision_recall_curve(&labels, &SCORES).map(drop),
        Err(single_class("precision_recall_curve", 0, 4))
    );
    assert_eq!(
        recall_at_threshold(&labels, &SCORES, 0.5),
        Err(single_class("recall_at_threshold", 0, 4))
    );
    assert_eq!(fpr_at_threshold(&labels, &SCORES, 0.5), Ok(0.5));
}

#[test]
fn no_negative_is_rejected_by_fpr_at_threshold_only() {
    let labels = [true; 4];
    assert_eq!(
        fpr_at_threshold(&labels, &SCORES, 0.5),
        Err(single_class("fpr_at_threshold", 4, 0))
    );
    assert_eq!(recall_at_threshold(&labels, &SCORES, 0.5), Ok(0.5));
    assert_eq!(average_precision(&labels, &SCORES), Ok(1.0));
}

#[test]
fn single_class_is_fine_for_precision_at_k_and_probability_metrics() {
    let labels = [false; 4];
    assert_eq!(precision_at_k(&labels, &SCORES, 2), Ok(0.0));
    assert!(brier_score(&labels, &SCORES).is_ok());
    assert!(log_loss(&labels, &SCORES).is_ok());
    assert!(reliability(&labels, &SCORES, 5).is_ok());
}

#[test]
fn k_zero_or_above_row_count_is_rejected() {
    for k in [0, 5, usize::MAX] {
        assert_eq!(
            precision_at_k(&LABELS, &SCORES, k),
            Err(TrainError::InvalidArgument {
                name: "k",
                value: k.to_string(),
                expected: "an integer in 1..=4".to_owned(),
            })
        );
    }
    assert_eq!(precision_at_k(&LABELS, &SCORES, 4), Ok(0.5));
}

#[test]
fn max_fpr_outside_unit_interval_is_rejected() {
    for max_fpr in [-0.1, 1.5, f64::NAN, f64::INFINITY] {
        match recall_at_fpr(&LABELS, &SCORES, max_fpr) {
            Err(TrainError::InvalidArgument { name, .. }) => assert_eq!(name, "max_fpr"),
            other => panic!("max_fpr = {max_fpr}: expected InvalidArgument, got {other:?}"),
        }
    }
    for max_fpr in [0.0, 1.0] {
        assert!(recall_at_fpr(&LABELS, &SCORES, max_fpr).is_ok());
    }
}

#[test]
fn nan_threshold_is_rejected_and_infinite_thresholds_are_allowed() {
    for result in [
        recall_at_threshold(&LABELS, &SCORES, f64::NAN),
        fpr_at_threshold(&LABELS, &SCORES, f64::NAN),
    ] {
        match result {
            Err(TrainError::InvalidArgument { name, .. }) => assert_eq!(name, "threshold"),
            other => panic!("expected InvalidArgument, got {other:?}"),
        }
    }
    assert_eq!(
        recall_at_threshold(&LABELS, &SCORES, f64::INFINITY),
        Ok(0.0)
    );
    assert_eq!(
        fpr_at_threshold(&LABELS, &SCORES, f64::NEG_INFINITY),
        Ok(1.0)
    );
}

#[test]
fn n_bins_out_of_range_is_rejected() {
    for n_bins in [0, 10_001] {
        assert_eq!(
            reliability(&LABELS, &SCORES, n_bins).map(drop),
            Err(TrainError::InvalidArgument {
                name: "n_bins",
                value: n_bins.to_string(),
                expected: "an integer in 1..=10000".to_owned(),
            })
        );
    }
}

#[test]
fn errors_read_as_one_sentence_naming_the_input() {
    let message = roc_auc(&LABELS, &[0.9, f64::NAN, 0.6, 0.4])
        .expect_err("NaN score")
        .to_string();
    assert_eq!(message, "scores[1] is NaN; a finite number is required");
    let message = roc_auc(&[true; 2], &[0.1, 0.2])
        .expect_err("one class")
        .to_string();
    assert_eq!(
        message,
        "roc_auc is undefined when the labels hold a single class (2 positives, 0 negatives)"
    );
}
