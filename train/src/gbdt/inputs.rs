//! The checks [`train_gbdt`](crate::train_gbdt) runs on its data before any compute. Each
//! returns the first problem found as a [`TrainError`].

use super::params::ValidGbdtParams;
use crate::{ColumnMatrix, TrainError};

/// Labels are `bool`, so they cannot be `NaN`; what is checked is their number and classes.
pub(crate) fn check_training_data(
    params: &ValidGbdtParams,
    x: &ColumnMatrix<'_>,
    y: &[bool],
    valid: Option<(&ColumnMatrix<'_>, &[bool])>,
) -> Result<(), TrainError> {
    check_matrix("training features", x, y)?;
    let monotone = params.monotone_constraints();
    if !monotone.is_empty() && monotone.len() != x.n_features() {
        return Err(TrainError::FeatureCountMismatch {
            what: "monotone_constraints",
            expected: x.n_features(),
            found: monotone.len(),
        });
    }
    let positives = y.iter().filter(|&&label| label).count();
    if positives == 0 || positives == y.len() {
        return Err(TrainError::SingleClass {
            metric: "train_gbdt",
            positives,
            negatives: y.len() - positives,
        });
    }
    if let Some((valid_x, valid_y)) = valid {
        if valid_x.n_features() != x.n_features() {
            return Err(TrainError::FeatureCountMismatch {
                what: "validation features",
                expected: x.n_features(),
                found: valid_x.n_features(),
            });
        }
        check_matrix("validation features", valid_x, valid_y)?;
    }
    Ok(())
}

/// Row weights: one per training row, each finite and `≥ 0`, and each class with a positive
/// total (the base score is the log-odds of the weighted base rate).
pub(crate) fn check_weights(weights: &[f64], y: &[bool]) -> Result<(), TrainError> {
    if weights.len() != y.len() {
        return Err(TrainError::LengthMismatch {
            what: "weights",
            expected: y.len(),
            found: weights.len(),
        });
    }
    if let Some(index) = weights.iter().position(|w| !w.is_finite()) {
        return Err(TrainError::NonFinite {
            what: "weights",
            index,
            value: weights[index],
        });
    }
    if let Some(index) = weights.iter().position(|w| *w < 0.0) {
        return Err(TrainError::NegativeWeight {
            index,
            value: weights[index],
        });
    }
    for (class, label) in [("positive", true), ("negative", false)] {
        let total: f64 = weights
            .iter()
            .zip(y)
            .filter(|(_, l)| **l == label)
            .map(|(w, _)| *w)
            .sum();
        if total <= 0.0 {
            return Err(TrainError::WeightlessClass { class });
        }
    }
    Ok(())
}

/// One label per row, at least one row, row indices fit in `u32`, no infinite value.
fn check_matrix(what: &'static str, x: &ColumnMatrix<'_>, y: &[bool]) -> Result<(), TrainError> {
    if x.n_rows() != y.len() {
        return Err(TrainError::LengthMismatch {
            what,
            expected: y.len(),
            found: x.n_rows(),
        });
    }
    if x.n_rows() == 0 {
        return Err(TrainError::EmptyInput { what });
    }
    let max = u32::MAX as usize;
    if x.n_rows() > max {
        return Err(TrainError::TooManyRows {
            what,
            found: x.n_rows(),
            max,
        });
    }
    for (feature, column) in x.columns().iter().enumerate() {
        if let Some(row) = column.iter().position(|v| v.is_infinite()) {
            return Err(TrainError::NonFiniteFeature {
                what,
                feature,
                row,
                value: column[row],
            });
        }
    }
    Ok(())
}
