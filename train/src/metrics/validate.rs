//! Input checks shared by every metric. Each returns the first problem found as a
//! [`TrainError`]; checks run in the order: lengths, emptiness, values, classes.

use crate::TrainError;

/// How many rows of each class the labels hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ClassCounts {
    pub positives: usize,
    pub negatives: usize,
}

impl ClassCounts {
    fn of(labels: &[bool]) -> Self {
        let positives = labels.iter().filter(|&&label| label).count();
        Self {
            positives,
            negatives: labels.len() - positives,
        }
    }

    /// Fails with [`TrainError::SingleClass`] unless both classes are present.
    pub fn require_both(self, metric: &'static str) -> Result<Self, TrainError> {
        if self.positives == 0 || self.negatives == 0 {
            return Err(self.single_class(metric));
        }
        Ok(self)
    }

    /// Fails with [`TrainError::SingleClass`] unless at least one positive is present.
    pub fn require_positives(self, metric: &'static str) -> Result<Self, TrainError> {
        if self.positives == 0 {
            return Err(self.single_class(metric));
        }
        Ok(self)
    }

    /// Fails with [`TrainError::SingleClass`] unless at least one negative is present.
    pub fn require_negatives(self, metric: &'static str) -> Result<Self, TrainError> {
        if self.negatives == 0 {
            return Err(self.single_class(metric));
        }
        Ok(self)
    }

    fn single_class(self, metric: &'static str) -> TrainError {
        TrainError::SingleClass {
            metric,
            positives: self.positives,
            negatives: self.negatives,
        }
    }
}

/// Checks that `values` has one entry per label, that there is at least one row, and that
/// every value is finite.
fn check_rows(labels: &[bool], values: &[f64], what: &'static str) -> Result<(), TrainError> {
    if values.len() != labels.len() {
        return Err(TrainError::LengthMismatch {
            what,
            expected: labels.len(),
            found: values.len(),
        });
    }
    if labels.is_empty() {
        return Err(TrainError::EmptyInput { what: "labels" });
    }
    if let Some((index, &value)) = values.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(TrainError::NonFinite { what, index, value });
    }
    Ok(())
}

/// Validates labels with arbitrary finite scores (rank metrics).
pub(crate) fn check_scores(labels: &[bool], scores: &[f64]) -> Result<ClassCounts, TrainError> {
    check_rows(labels, scores, "scores")?;
    Ok(ClassCounts::of(labels))
}

/// Validates labels with predicted probabilities of the positive class, each in `[0, 1]`.
pub(crate) fn check_probabilities(
    labels: &[bool],
    probabilities: &[f64],
) -> Result<ClassCounts, TrainError> {
    const WHAT: &str = "probabilities";
    check_rows(labels, probabilities, WHAT)?;
    if let Some((index, &value)) = probabilities
        .iter()
        .enumerate()
        .find(|(_, p)| !(0.0..=1.0).contains(*p))
    {
        return Err(TrainError::NotAProbability {
            what: WHAT,
            index,
            value,
        });
    }
    Ok(ClassCounts::of(labels))
}

/// Rejects a NaN threshold; infinite thresholds are meaningful (flag all / flag none).
pub(crate) fn check_threshold(threshold: f64) -> Result<(), TrainError> {
    if threshold.is_nan() {
        return Err(TrainError::InvalidArgument {
            name: "threshold",
            value: threshold.to_string(),
            expected: "a number (infinite values allowed)".to_owned(),
        });
    }
    Ok(())
}
