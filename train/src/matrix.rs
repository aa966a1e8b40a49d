//! The feature matrix every model in this crate trains on and predicts from.

use crate::TrainError;

/// A column-major matrix of `f32` features: `column(j)[i]` is feature `j` of row `i`. `NaN` is
/// a missing value; ±∞ is refused by the models that cannot use it. Columns are borrowed, so a
/// polars frame, an Arrow buffer or a plain `Vec` can be passed without a copy.
#[derive(Debug, Clone)]
pub struct ColumnMatrix<'a> {
    columns: Vec<&'a [f32]>,
    n_rows: usize,
}

impl<'a> ColumnMatrix<'a> {
    /// A matrix of `columns`, which must all have the same length. At least one column.
    pub fn new(columns: Vec<&'a [f32]>) -> Result<Self, TrainError> {
        let Some(first) = columns.first() else {
            return Err(TrainError::EmptyInput { what: "features" });
        };
        let n_rows = first.len();
        for c in &columns {
            if c.len() != n_rows {
                return Err(TrainError::LengthMismatch {
                    what: "feature column",
                    expected: n_rows,
                    found: c.len(),
                });
            }
        }
        Ok(ColumnMatrix { columns, n_rows })
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    /// Number of features (columns).
    pub fn n_features(&self) -> usize {
        self.columns.len()
    }

    /// Feature `j` of every row.
    pub fn column(&self, j: usize) -> &'a [f32] {
        self.columns[j]
    }

    /// All columns.
    pub fn columns(&self) -> &[&'a [f32]] {
        &self.columns
    }

    /// Row `i` written into `out` (length = number of features).
    pub fn row_into(&self, i: usize, out: &mut [f32]) {
        for (o, c) in out.iter_mut().zip(&self.columns) {
            *o = c[i];
        }
    }
}

/// Refuses ±∞ anywhere in `x` (named `what` in the error), reporting the first one column by
/// column; `NaN` (missing) is fine.
pub(crate) fn check_finite_or_missing(
    what: &'static str,
    x: &ColumnMatrix,
) -> Result<(), TrainError> {
    for (feature, values) in x.columns().iter().enumerate() {
        if let Some((row, &value)) = values.iter().enumerate().find(|(_, v)| v.is_infinite()) {
            return Err(TrainError::NonFiniteFeature {
                what,
                feature,
                row,
                value,
            });
        }
    }
    Ok(())
}

/// Refuses a row of another length than `n_features` or holding ±∞ (`what: "row"`, `row: 0`).
pub(crate) fn check_row(row: &[f32], n_features: usize) -> Result<(), TrainError> {
    if row.len() != n_features {
        return Err(TrainError::FeatureCountMismatch {
            what: "row",
            expected: n_features,
            found: row.len(),
        });
    }
    if let Some((feature, &value)) = row.iter().enumerate().find(|(_, x)| x.is_infinite()) {
        return Err(TrainError::NonFiniteFeature {
            what: "row",
            feature,
            row: 0,
            value,
        });
    }
    Ok(())
}

/// The checks every fit makes before any compute, in this order:
/// [`TrainError::LengthMismatch`] when `x` has another number of rows than `y`,
/// [`TrainError::EmptyInput`] without rows, [`TrainError::NonFiniteFeature`] for a ±∞ value,
/// [`TrainError::SingleClass`] (naming `fit`) when `y` holds one class only.
pub(crate) fn check_training_inputs(
    x: &ColumnMatrix,
    y: &[bool],
    fit: &'static str,
) -> Result<(), TrainError> {
    if x.n_rows() != y.len() {
        return Err(TrainError::LengthMismatch {
            what: "features",
            expected: y.len(),
            found: x.n_rows(),
        });
    }
    if y.is_empty() {
        return Err(TrainError::EmptyInput { what: "labels" });
    }
    check_finite_or_missing("training features", x)?;
    let positives = y.iter().filter(|&&label| label).count();
    if positives == 0 || positives == y.len() {
        return Err(TrainError::SingleClass {
            metric: fit,
            positives,
            negatives: y.len() - positives,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_is_checked() {
        let a = [1.0, 2.0];
        let b = [3.0];
        assert!(matches!(
            ColumnMatrix::new(vec![&a, &b]),
            Err(TrainError::LengthMismatch {
                expected: 2,
                found: 1,
                ..
            })
        ));
        assert!(matches!(
            ColumnMatrix::new(vec![]),
            Err(TrainError::EmptyInput { .. })
        ));
        let m = ColumnMatrix::new(vec![&a, &a]).unwrap();
        let mut row = [0.0; 2];
        m.row_into(1, &mut row);
        assert_eq!(row, [2.0, 2.0]);
        assert_eq!((m.n_rows(), m.n_features()), (2, 2));
    }
}
