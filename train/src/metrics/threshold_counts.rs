//! The sorting stage shared by the rank metrics.

/// Cumulative confusion counts at every distinct score, highest score first.
///
/// Entry `i` describes the rule "flag rows with `score >= thresholds[i]`": `true_positives[i]`
/// positives and `false_positives[i]` negatives are flagged. Tied scores form a single entry, so
/// a threshold can never split a tie. This is scikit-learn's `confusion_matrix_at_thresholds`
/// (formerly `_binary_clf_curve`) without sample weights.
///
/// Invariants: `thresholds` is strictly decreasing; both count vectors are non-decreasing and
/// the last entry flags every row (`true_positives` ends at `positives`, `false_positives` at
/// `negatives`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ThresholdCounts {
    pub thresholds: Vec<f64>,
    pub true_positives: Vec<usize>,
    pub false_positives: Vec<usize>,
    pub positives: usize,
    pub negatives: usize,
}

impl ThresholdCounts {
    /// Sorts the rows by descending score and accumulates counts, O(n log n).
    ///
    /// The caller has validated the inputs: equal lengths, at least one row, finite scores.
    pub fn new(labels: &[bool], scores: &[f64]) -> Self {
        let mut rows: Vec<(f64, bool)> =
            scores.iter().copied().zip(labels.iter().copied()).collect();
        // Scores are finite, so total order equals numeric order except that -0.0 sorts next to
        // 0.0; the `!=` below then treats them as one tie, as NumPy does.
        rows.sort_unstable_by(|a, b| b.0.total_cmp(&a.0));

        let mut counts = Self {
            thresholds: Vec::new(),
            true_positives: Vec::new(),
            false_positives: Vec::new(),
            positives: 0,
            negatives: 0,
        };
        for (i, &(score, label)) in rows.iter().enumerate() {
            if label {
                counts.positives += 1;
            } else {
                counts.negatives += 1;
            }
            let last_of_tie = rows.get(i + 1).is_none_or(|next| next.0 != score);
            if last_of_tie {
                counts.thresholds.push(score);
                counts.true_positives.push(counts.positives);
                counts.false_positives.push(counts.negatives);
            }
        }
        counts
    }

    /// Number of distinct thresholds.
    pub fn len(&self) -> usize {
        self.thresholds.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_form_one_threshold_and_counts_accumulate() {
        let labels = [true, false, true, false, false];
        let scores = [0.9, 0.5, 0.5, 0.1, 0.5];
        let counts = ThresholdCounts::new(&labels, &scores);
        assert_eq!(counts.thresholds, vec![0.9, 0.5, 0.1]);
        assert_eq!(counts.true_positives, vec![1, 2, 2]);
        assert_eq!(counts.false_positives, vec![0, 2, 3]);
        assert_eq!((counts.positives, counts.negatives), (2, 3));
    }

    #[test]
    fn negative_zero_ties_with_zero() {
        let counts = ThresholdCounts::new(&[true, false], &[0.0, -0.0]);
        assert_eq!(counts.len(), 1);
        assert_eq!(counts.true_positives, vec![1]);
        assert_eq!(counts.false_positives, vec![1]);
    }
}
