//! Invalid parameters and invalid data are refused with a typed error before any compute.

use appfraud_train::{ColumnMatrix, GbdtParams, TrainError, ValidGbdtParams, train_gbdt};

fn invalid_parameter(params: GbdtParams) -> (&'static str, String) {
    match params.check().map_err(TrainError::from) {
        Err(TrainError::InvalidParameter(e)) => (e.name, e.value),
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
}

#[test]
fn bad_parameters_are_refused_by_check() {
    let base = GbdtParams::default;
    assert_eq!(
        invalid_parameter(base().learning_rate(-0.1)),
        ("learning_rate", "-0.1".to_string())
    );
    assert_eq!(
        invalid_parameter(base().max_leaves(1)),
        ("max_leaves", "1".to_string())
    );
    assert_eq!(
        invalid_parameter(base().bagging_fraction(0.0)),
        ("bagging_fraction", "0.0".to_string())
    );
    assert_eq!(
        invalid_parameter(base().monotone_constraints(vec![1, -2])),
        ("monotone_constraints", "[1, -2]".to_string())
    );
    let message = base().max_bins(300).check().unwrap_err().to_string();
    assert_eq!(
        message,
        "parameter max_bins = 300 is invalid; expected an integer in 2..=255"
    );
}

fn params() -> ValidGbdtParams {
    GbdtParams::default().num_trees(3).check().unwrap()
}

const X: [f32; 6] = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
const Y: [bool; 6] = [false, true, false, true, true, false];

#[test]
fn monotone_constraints_must_have_one_entry_per_feature() {
    let params = GbdtParams::default()
        .monotone_constraints(vec![1, 0])
        .check()
        .unwrap();
    let x = ColumnMatrix::new(vec![&X]).unwrap();
    assert_eq!(
        train_gbdt(&params, &x, &Y, None),
        Err(TrainError::FeatureCountMismatch {
            what: "monotone_constraints",
            expected: 1,
            found: 2
        })
    );
}

#[test]
fn single_class_labels_are_refused() {
    let x = ColumnMatrix::new(vec![&X]).unwrap();
    assert_eq!(
        train_gbdt(&params(), &x, &[true; 6], None),
        Err(TrainError::SingleClass {
            metric: "train_gbdt",
            positives: 6,
            negatives: 0
        })
    );
    assert!(matches!(
        train_gbdt(&params(), &x, &[false; 6], None),
        Err(TrainError::SingleClass { positives: 0, .. })
    ));
}

#[test]
fn infinite_features_are_refused_nan_is_missing() {
    let with_inf = [1.0, 2.0, f32::NEG_INFINITY, 4.0, 5.0, 6.0];
    let x = ColumnMatrix::new(vec![&X, &with_inf]).unwrap();
    assert_eq!(
        train_gbdt(&params(), &x, &Y, None),
        Err(TrainError::NonFiniteFeature {
            what: "training features",
            feature: 1,
            row: 2,
            value: f32::NEG_INFINITY
        })
    );
    let with_nan = [1.0, f32::NAN, 3.0, f32::NAN, 5.0, 6.0];
    let x = ColumnMatrix::new(vec![&X, &with_nan]).unwrap();
    assert!(train_gbdt(&params(), &x, &Y, None).is_ok());
}

#[test]
fn shapes_are_checked() {
    let x = ColumnMatrix::new(vec![&X]).unwrap();
    assert_eq!(
        train_gbdt(&params(), &x, &Y[..5], None),
        Err(TrainError::LengthMismatch {
            what: "training features",
            expected: 5,
            found: 6
        })
    );
    let empty: [f32; 0] = [];
    let x0 = ColumnMatrix::new(vec![&empty]).unwrap();
    assert_eq!(
        train_gbdt(&params(), &x0, &[], None),
        Err(TrainError::EmptyInput {
            what: "training features"
        })
    );
    let two = ColumnMatrix::new(vec![&X, &X]).unwrap();
    assert_eq!(
        train_gbdt(&params(), &x, &Y, Some((&two, &Y))),
        Err(TrainError::FeatureCountMismatch {
            what: "validation features",
            expected: 1,
            found: 2
        })
    );
    let inf = [f32::INFINITY; 6];
    let valid = ColumnMatrix::new(vec![&inf]).unwrap();
    assert!(matches!(
        train_gbdt(&params(), &x, &Y, Some((&valid, &Y))),
        Err(TrainError::NonFiniteFeature {
            what: "validation features",
            ..
        })
    ));
    let model = train_gbdt(&params(), &x, &Y, None).unwrap().model;
    assert!(matches!(
        model.predict_margins(&two),
        Err(TrainError::FeatureCountMismatch { .. })
    ));
}
