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

use super::histogram::{GradientSums, HistBin};

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
    histogram: &[HistBin],
    node: GradientSums,
    bounds: OutputBounds,
    monotone: i8,
    rules: &SplitRules,
) -> Option<SplitCandidate> {
    let (missing, values) = histogram.split_last()?;
    let missing = missing.sums();
    let lambda = rules.lambda_l2;
    let node_gain = leaf_gain(node, lambda, leaf_output(node, lambda, bounds));
    if monotone == 0 && bounds == OutputBounds::FREE {
        return best_free_split(feature, values, missing, node, node_gain, rules);
    }
    best_bounded_split(feature, values, missing, node, bounds, monotone, rules)
}

/// Where missing values go at a split: where the node's missing rows went (`missing_left`)
/// when it had some, else to the child with more rows (ties: left).
fn default_direction(
    missing: GradientSums,
    missing_left: bool,
    left: GradientSums,
    right: GradientSums,
) -> bool {
    if missing.count > 0 {
        missing_left
    } else {
        left.count >= right.count
    }
}

/// [`best_split_for_feature`] in general: outputs clamped into `bounds`, gains of the clamped
/// outputs, and the order of the outputs checked against `monotone`.
fn best_bounded_split(
    feature: usize,
    values: &[HistBin],
    missing: GradientSums,
    node: GradientSums,
    bounds: OutputBounds,
    monotone: i8,
    rules: &SplitRules,
) -> Option<SplitCandidate> {
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
            let default_left = default_direction(missing, missing_left, left, right);
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
    for (bin, cell) in values.iter().enumerate() {
        let cell = cell.sums();
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

/// [`best_split_for_feature`] when outputs are free (no monotone constraint, no bounds), the
/// common case, as one tight loop: a free output is the optimum `−G / (H + λ)`, whose gain is
/// `G² / (H + λ)`, so a candidate costs two divisions and the outputs are computed for the
/// winner only. The candidates, their order, their arithmetic and the tie rule are those of
/// the general loop, so the result is the same.
fn best_free_split(
    feature: usize,
    values: &[HistBin],
    missing: GradientSums,
    node: GradientSums,
    node_gain: f64,
    rules: &SplitRules,
) -> Option<SplitCandidate> {
    let lambda = rules.lambda_l2;
    let min_data = f64::from(rules.min_data_in_leaf);
    let node_count = f64::from(node.count);
    let missing_count = f64::from(missing.count);
    let acceptable = |count: f64, hessian: f64| {
        count >= min_data
            && hessian >= rules.min_sum_hessian_in_leaf
            && hessian + lambda > MIN_DENOMINATOR
    };
    // (gain, threshold bin, missing left)
    let mut best: Option<(f64, usize, bool)> = None;
    let mut consider = |bin: usize, g: f64, h: f64, c: f64, missing_left: bool| {
        let (gr, hr, cr) = (node.gradient - g, node.hessian - h, node_count - c);
        if !acceptable(c, h) || !acceptable(cr, hr) {
            return;
        }
        let gain = g * g / (h + lambda) + gr * gr / (hr + lambda) - node_gain;
        if gain > rules.min_gain_to_split && best.is_none_or(|(b, _, _)| gain > b) {
            best = Some((gain, bin, missing_left));
        }
    };
    let (mut g, mut h, mut c) = (0.0, 0.0, 0.0);
    let last = values.len() - 1;
    for (bin, cell) in values.iter().enumerate() {
        let [cg, ch, cc, _] = cell.0;
        g += cg;
        h += ch;
        c += cc;
        if cc == 0.0 {
            continue;
        }
        if bin < last {
            consider(bin, g, h, c, false);
            if missing.count > 0 {
                consider(
                    bin,
                    g + missing.gradient,
                    h + missing.hessian,
                    c + missing_count,
                    true,
                );
            }
        } else if missing.count > 0 {
            consider(bin, g, h, c, false);
        }
    }
    let (gain, threshold_bin, missing_left) = best?;
    let mut left = values[..=threshold_bin]
        .iter()
        .fold(GradientSums::default(), |sums, cell| sums.plus(cell.sums()));
    if missing_left {
        left = left.plus(missing);
    }
    let right = node.minus(left);
    let default_left = default_direction(missing, missing_left, left, right);
    Some(SplitCandidate {
        feature,
        threshold_bin,
        default_left,
        gain,
        left,
        right,
        left_output: leaf_output(left, lambda, OutputBounds::FREE),
        right_output: leaf_output(right, lambda, OutputBounds::FREE),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(gradient: f64, hessian: f64, count: u32) -> HistBin {
        HistBin::new(gradient, hessian, count)
    }

    const RULES: SplitRules = SplitRules {
        lambda_l2: 0.0,
        min_data_in_leaf: 1,
        min_sum_hessian_in_leaf: 0.0,
        min_gain_to_split: 0.0,
    };

    fn total(histogram: &[HistBin]) -> GradientSums {
        histogram
            .iter()
            .fold(GradientSums::default(), |a, c| a.plus(c.sums()))
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

    /// Reference: the general (bounded) search with free bounds, on random histograms with
    /// empty bins, missing rows and data limits. The fast path must pick the same split with
    /// bit-identical sums, gain and outputs.
    #[test]
    fn the_free_fast_path_equals_the_general_search() {
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for case in 0..2000 {
            let n_bins = 2 + (next() % 40) as usize;
            let histogram: Vec<HistBin> = (0..n_bins)
                .map(|_| {
                    let count = if next() % 4 == 0 {
                        0
                    } else {
                        (next() % 30) as u32
                    };
                    let g = (next() % 2001) as f64 / 1000.0 - 1.0;
                    let h = (next() % 1000) as f64 / 4000.0;
                    cell(g * f64::from(count), h * f64::from(count), count)
                })
                .collect();
            let rules = SplitRules {
                lambda_l2: [0.0, 1.0][case % 2],
                min_data_in_leaf: 1 + (case % 7) as u32,
                min_sum_hessian_in_leaf: [0.0, 1e-3][case % 3 % 2],
                min_gain_to_split: 0.0,
            };
            let node = total(&histogram);
            let (missing, values) = histogram.split_last().unwrap();
            let fast = best_split_for_feature(3, &histogram, node, OutputBounds::FREE, 0, &rules);
            let general = best_bounded_split(
                3,
                values,
                missing.sums(),
                node,
                OutputBounds::FREE,
                0,
                &rules,
            );
            assert_eq!(fast, general, "case {case}");
        }
    }
}
