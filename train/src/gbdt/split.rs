//! Split finding: the best threshold of one feature from a node's histogram.
//!
//! With `G`, `H` the sums of gradients and hessians of a leaf and `λ = lambda_l2`, the leaf's
//! (unshrunk) output is `−G / (H + λ)` and its gain `G² / (H + λ)`; a split's gain is
//! `gain(left) + gain(right) − gain(node)`, and it must be strictly above `min_gain_to_split`.
//! Both children need `min_data_in_leaf` rows and `min_sum_hessian_in_leaf`.
//!
//! Missing values: every threshold is tried with the node's missing rows on the left and on the
//! right, and the better one becomes the node's default direction. One more candidate puts
//! every present value left and the missing rows right ("missing or not"). When no row of the
//! node was missing, the default direction is the child with more rows (ties: left), as in
//! scikit-learn's `HistGradientBoostingClassifier`.
//!
//! Monotone constraints (LightGBM's "basic" method): each leaf carries bounds on its output.
//! Outputs are clamped into the bounds (the gain then uses the clamped output, `−(2·G·o +
//! (H + λ)·o²)`), a split on a constrained feature whose outputs are in the wrong order is
//! refused, and after such a split the children's bounds meet at the midpoint of their
//! outputs, so every leaf below the left child stays at or below every leaf below the right one
//! (for a `+1` feature).

use super::histogram::GradientSums;

/// The rules every split must satisfy.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SplitRules {
    pub lambda_l2: f64,
    pub min_data_in_leaf: u32,
    pub min_sum_hessian_in_leaf: f64,
    pub min_gain_to_split: f64,
}

/// A leaf whose `H + λ` is at or below this cannot be created: its output would be unbounded.
const MIN_DENOMINATOR: f64 = 1e-12;

/// Bounds on a leaf's output imposed by monotone constraints above it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct OutputBounds {
    pub min: f64,
    pub max: f64,
}

impl OutputBounds {
    /// No constraint.
    pub const FREE: OutputBounds = OutputBounds {
        min: f64::NEG_INFINITY,
        max: f64::INFINITY,
    };

    fn clamp(self, value: f64) -> f64 {
        value.max(self.min).min(self.max)
    }

    /// The bounds of the two children after `split` on a feature with constraint `monotone`.
    pub fn children(self, split: &SplitCandidate, monotone: i8) -> (OutputBounds, OutputBounds) {
        let (mut left, mut right) = (self, self);
        let mid = (split.left_output + split.right_output) / 2.0;
        if monotone > 0 {
            left.max = left.max.min(mid);
            right.min = right.min.max(mid);
        } else if monotone < 0 {
            left.min = left.min.max(mid);
            right.max = right.max.min(mid);
        }
        (left, right)
    }
}

/// The unshrunk output of a leaf with sums `sums`: `−G / (H + λ)` clamped into `bounds`.
pub(crate) fn leaf_output(sums: GradientSums, lambda_l2: f64, bounds: OutputBounds) -> f64 {
    bounds.clamp(-sums.gradient / (sums.hessian + lambda_l2))
}

/// The loss reduction of a leaf with sums `sums` and output `output` (relative to output 0):
/// `G² / (H + λ)` when `output` is the unconstrained optimum, else `−(2·G·o + (H + λ)·o²)`.
fn leaf_gain(sums: GradientSums, lambda_l2: f64, output: f64) -> f64 {
    let denominator = sums.hessian + lambda_l2;
    if output == -sums.gradient / denominator {
        sums.gradient * sums.gradient / denominator
    } else {
        -(2.0 * sums.gradient * output + denominator * output * output)
    }
}

/// A possible split of a node.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct SplitCandidate {
    pub feature: usize,
    /// Value bins `0..=threshold_bin` go left.
    pub threshold_bin: usize,
    /// Missing values go left.
    pub default_left: bool,
    /// `gain(left) + gain(right) − gain(node)`, strictly above `min_gain_to_split`.
    pub gain: f64,
    pub left: GradientSums,
    pub right: GradientSums,
    /// Unshrunk outputs of the two children, within the node's bounds.
    pub left_output: f64,
    pub right_output: f64,
}

/// The best split of `feature` for a node with sums `node` and output bounds `bounds`, from
/// the feature's histogram in that node (value bins, then the missing bin). `None` when no
/// threshold satisfies the rules. Ties keep the lowest threshold, missing-right first.
pub(crate) fn best_split_for_feature(
    feature: usize,
    histogram: &[GradientSums],
    node: GradientSums,
    bounds: OutputBounds,
    monotone: i8,
    rules: &SplitRules,
) -> Option<SplitCandidate> {
    let (&missing, values) = histogram.split_last()?;
    let lambda = rules.lambda_l2;
    let node_gain = leaf_gain(node, lambda, leaf_output(node, lambda, bounds));
    let mut best: Option<SplitCandidate> = None;
    let mut consider = |threshold_bin: usize, left: GradientSums, missing_left: bool| {
        let right = node.minus(left);
        let acceptable = |side: GradientSums| {
            side.count >= rules.min_data_in_leaf
                && side.hessian >= rules.min_sum_hessian_in_leaf
                && side.hessian + lambda > MIN_DENOMINATOR
        };
        if !acceptable(left) || !acceptable(right) {
            return;
        }
        let left_output = leaf_output(left, lambda, bounds);
        let right_output = leaf_output(right, lambda, bounds);
        if (monotone > 0 && left_output > right_output)
            || (monotone < 0 && left_output < right_output)
        {
            return;
        }
        let gain = leaf_gain(left, lambda, left_output) + leaf_gain(right, lambda, right_output)
            - node_gain;
        if gain > rules.min_gain_to_split && best.is_none_or(|b| gain > b.gain) {
            let default_left = if missing.count > 0 {
                missing_left
            } else {
                left.count >= right.count
            };
            best = Some(SplitCandidate {
                feature,
                threshold_bin,
                default_left,
                gain,
                left,
                right,
                left_output,
                right_output,
            });
        }
    };
    let mut present_left = GradientSums::default();
    for (bin, &cell) in values.iter().enumerate() {
        present_left = present_left.plus(cell);
        // An empty bin splits the node exactly as the bin before it: keep the lower threshold.
        if cell.count == 0 {
            continue;
        }
        if bin + 1 < values.len() {
            consider(bin, present_left, false);
            if missing.count > 0 {
                consider(bin, present_left.plus(missing), true);
            }
        } else if missing.count > 0 {
            consider(bin, present_left, false);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(gradient: f64, hessian: f64, count: u32) -> GradientSums {
        GradientSums {
            gradient,
            hessian,
            count,
        }
    }

    const RULES: SplitRules = SplitRules {
        lambda_l2: 0.0,
        min_data_in_leaf: 1,
        min_sum_hessian_in_leaf: 0.0,
        min_gain_to_split: 0.0,
    };

    fn total(histogram: &[GradientSums]) -> GradientSums {
        histogram
            .iter()
            .fold(GradientSums::default(), |a, &c| a.plus(c))
    }

    /// Three value bins and a missing bin whose gradient matches bin 2: the best split is
    /// `{0} | {1, 2, missing}` with missing to the right. Gains by hand (λ = 0, H = count):
    /// node G = 0; left {0}: G = −3, H = 3 → 3; right: G = 3, H = 5 → 1.8; total 4.8.
    #[test]
    fn missing_rows_follow_the_better_side() {
        let histogram = [
            cell(-3.0, 3.0, 3),
            cell(1.0, 2.0, 2),
            cell(1.0, 2.0, 2),
            cell(1.0, 1.0, 1),
        ];
        let split = best_split_for_feature(
            0,
            &histogram,
            total(&histogram),
            OutputBounds::FREE,
            0,
            &RULES,
        )
        .expect("a split exists");
        assert_eq!((split.threshold_bin, split.default_left), (0, false));
        assert!((split.gain - 4.8).abs() < 1e-12);

        // Same, but the missing rows look like bin 0: they go left with it.
        let histogram = [
            cell(-3.0, 3.0, 3),
            cell(1.0, 2.0, 2),
            cell(1.0, 2.0, 2),
            cell(-1.0, 1.0, 1),
        ];
        let split = best_split_for_feature(
            0,
            &histogram,
            total(&histogram),
            OutputBounds::FREE,
            0,
            &RULES,
        )
        .expect("a split exists");
        assert_eq!((split.threshold_bin, split.default_left), (0, true));
        assert_eq!(split.left.count, 4);
    }

    #[test]
    fn missing_or_not_is_a_candidate() {
        // Present values are all alike; only missingness tells the rows apart.
        let histogram = [cell(-1.0, 1.0, 1), cell(-1.0, 1.0, 1), cell(4.0, 2.0, 2)];
        let split = best_split_for_feature(
            0,
            &histogram,
            total(&histogram),
            OutputBounds::FREE,
            0,
            &RULES,
        )
        .expect("a split exists");
        assert_eq!((split.threshold_bin, split.default_left), (1, false));
        assert_eq!((split.left.count, split.right.count), (2, 2));
    }

    #[test]
    fn no_missing_rows_default_to_the_larger_child() {
        let histogram = [
            cell(-2.0, 2.0, 2),
            cell(1.0, 1.0, 1),
            cell(1.0, 1.0, 1),
            cell(0.0, 0.0, 0),
        ];
        let split = best_split_for_feature(
            0,
            &histogram,
            total(&histogram),
            OutputBounds::FREE,
            0,
            &RULES,
        )
        .expect("a split exists");
        assert_eq!(split.threshold_bin, 0);
        assert_eq!((split.left.count, split.right.count), (2, 2));
        assert!(split.default_left, "tie goes left");
    }

    #[test]
    fn rules_are_enforced() {
        let histogram = [cell(-2.0, 2.0, 2), cell(2.0, 2.0, 2), cell(0.0, 0.0, 0)];
        let node = total(&histogram);
        let with = |rules: SplitRules| {
            best_split_for_feature(0, &histogram, node, OutputBounds::FREE, 0, &rules)
        };
        assert!(with(RULES).is_some());
        assert!(
            with(SplitRules {
                min_data_in_leaf: 3,
                ..RULES
            })
            .is_none()
        );
        assert!(
            with(SplitRules {
                min_sum_hessian_in_leaf: 2.5,
                ..RULES
            })
            .is_none()
        );
        // Gain is 2²/2 + 2²/2 = 4: a minimum of 4 is not strictly exceeded.
        assert!(
            with(SplitRules {
                min_gain_to_split: 4.0,
                ..RULES
            })
            .is_none()
        );
        assert!(
            with(SplitRules {
                min_gain_to_split: 3.9,
                ..RULES
            })
            .is_some()
        );
    }

    #[test]
    fn monotone_constraint_refuses_the_wrong_order_and_bounds_children() {
        // Left has negative gradient → positive output; right the opposite: decreasing.
        let histogram = [cell(-2.0, 2.0, 2), cell(2.0, 2.0, 2), cell(0.0, 0.0, 0)];
        let node = total(&histogram);
        assert!(
            best_split_for_feature(0, &histogram, node, OutputBounds::FREE, 1, &RULES).is_none()
        );
        let split = best_split_for_feature(0, &histogram, node, OutputBounds::FREE, -1, &RULES)
            .expect("decreasing is allowed");
        assert_eq!((split.left_output, split.right_output), (1.0, -1.0));
        let (left, right) = OutputBounds::FREE.children(&split, -1);
        assert_eq!((left.min, right.max), (0.0, 0.0));
        // Inside bounds [−0.5, 0.5] the outputs are clamped and the gain uses them:
        // −(2·(−2)·0.5 + 2·0.25) = 1.5 per side.
        let bounded = OutputBounds {
            min: -0.5,
            max: 0.5,
        };
        let split =
            best_split_for_feature(0, &histogram, node, bounded, -1, &RULES).expect("split");
        assert_eq!((split.left_output, split.right_output), (0.5, -0.5));
        assert!((split.gain - 3.0).abs() < 1e-12);
    }
}
