//! Growing one tree, leaf-wise: the leaf whose best split has the highest gain is split next
//! (ties: the lowest node index), until `max_leaves` leaves exist or no leaf can be split.
//! Leaves at `max_depth` (when set) are not split.
//!
//! The grower works in bin space on the rows it is given (the bag) and returns a [`BinTree`];
//! the booster turns bin thresholds into `f32` thresholds and shrinks the leaf values. Rows of
//! each leaf are a contiguous range of one index array, partitioned stably at each split (as
//! LightGBM's `DataPartition`), so every histogram is summed in ascending row order.

use super::binning::BinnedMatrix;
use super::histogram::{GradientSums, MIN_PARALLEL_WORK, NodeHistogram, map_features};
use super::split::{OutputBounds, SplitCandidate, SplitRules, best_split_for_feature, leaf_output};

/// Limits on a tree's shape and splits.
#[derive(Debug, Clone)]
pub(crate) struct TreeShape<'a> {
    pub rules: SplitRules,
    pub max_leaves: usize,
    /// 0 = unlimited.
    pub max_depth: usize,
    /// One per feature (`1` increasing, `-1` decreasing, `0` free), or empty for none.
    pub monotone: &'a [i8],
}

/// A node of a tree in bin space. Children of node `i` have indices greater than `i`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum BinNode {
    Split {
        feature: usize,
        /// Value bins `0..=threshold_bin` go left.
        threshold_bin: usize,
        default_left: bool,
        left: usize,
        right: usize,
        gain: f64,
        sums: GradientSums,
    },
    Leaf {
        /// Unshrunk output.
        output: f64,
        sums: GradientSums,
    },
}

/// A grown tree in bin space; node 0 is the root.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BinTree {
    pub nodes: Vec<BinNode>,
}

impl BinTree {
    /// The leaf that training row `row` reaches, routed by its bins exactly as during growth.
    pub fn leaf_of_row(&self, binned: &BinnedMatrix, row: usize) -> usize {
        let mut index = 0;
        loop {
            match self.nodes[index] {
                BinNode::Leaf { .. } => return index,
                BinNode::Split {
                    feature,
                    threshold_bin,
                    default_left,
                    left,
                    right,
                    ..
                } => {
                    let bin = usize::from(binned.column(feature)[row]);
                    let go_left = if bin == binned.mappers[feature].n_value_bins() {
                        default_left
                    } else {
                        bin <= threshold_bin
                    };
                    index = if go_left { left } else { right };
                }
            }
        }
    }

    /// Number of leaves.
    pub fn n_leaves(&self) -> usize {
        self.nodes
            .iter()
            .filter(|n| matches!(n, BinNode::Leaf { .. }))
            .count()
    }
}

/// A current leaf during growth.
struct GrowingLeaf {
    node: usize,
    begin: usize,
    end: usize,
    sums: GradientSums,
    depth: usize,
    bounds: OutputBounds,
    histogram: NodeHistogram,
    best: Option<SplitCandidate>,
}

/// Everything one tree's growth reads.
pub(crate) struct GrowInputs<'a> {
    pub binned: &'a BinnedMatrix,
    pub gradients: &'a [f64],
    pub hessians: &'a [f64],
    /// The features this tree may split on.
    pub active: &'a [bool],
}

/// Grows one tree on `rows` (ascending row indices, at least one).
pub(crate) fn grow_tree(
    inputs: &GrowInputs<'_>,
    mut rows: Vec<u32>,
    shape: &TreeShape<'_>,
) -> BinTree {
    let lambda = shape.rules.lambda_l2;
    let root_sums = GradientSums::over(&rows, inputs.gradients, inputs.hessians);
    let mut nodes = vec![BinNode::Leaf {
        output: leaf_output(root_sums, lambda, OutputBounds::FREE),
        sums: root_sums,
    }];
    let root_histogram = NodeHistogram::build(
        inputs.binned,
        &rows,
        inputs.gradients,
        inputs.hessians,
        inputs.active,
    );
    let mut leaves = vec![GrowingLeaf {
        node: 0,
        begin: 0,
        end: rows.len(),
        sums: root_sums,
        depth: 0,
        bounds: OutputBounds::FREE,
        best: None,
        histogram: root_histogram,
    }];
    leaves[0].best = find_best_split(&leaves[0], inputs.active, shape);

    while leaves.len() < shape.max_leaves {
        let mut chosen: Option<(usize, f64)> = None;
        for (i, leaf) in leaves.iter().enumerate() {
            if let Some(split) = &leaf.best
                && chosen.is_none_or(|(_, gain)| split.gain > gain)
            {
                chosen = Some((i, split.gain));
            }
        }
        let Some((chosen, _)) = chosen else { break };
        // `leaves` stays in ascending node order, so ties go to the lowest node index.
        let parent = leaves.remove(chosen);
        let (left, right) = split_leaf(parent, inputs, &mut rows, &mut nodes, shape);
        leaves.push(left);
        leaves.push(right);
    }
    BinTree { nodes }
}

/// Splits `parent` along its best split: partitions its rows, writes the two child leaves into
/// `nodes`, and builds the children's histograms (the smaller directly, the larger by
/// subtraction) and best splits.
fn split_leaf(
    parent: GrowingLeaf,
    inputs: &GrowInputs<'_>,
    rows: &mut [u32],
    nodes: &mut Vec<BinNode>,
    shape: &TreeShape<'_>,
) -> (GrowingLeaf, GrowingLeaf) {
    let split = parent.best.expect("only leaves with a split are chosen");
    let feature = split.feature;
    let bins = inputs.binned.column(feature);
    let missing_bin = inputs.binned.mappers[feature].n_value_bins();
    let goes_left = |row: u32| {
        let bin = usize::from(bins[row as usize]);
        if bin == missing_bin {
            split.default_left
        } else {
            bin <= split.threshold_bin
        }
    };
    let range = &mut rows[parent.begin..parent.end];
    let (left_rows, right_rows): (Vec<u32>, Vec<u32>) = range.iter().partition(|&&r| goes_left(r));
    debug_assert_eq!(left_rows.len(), split.left.count as usize);
    range[..left_rows.len()].copy_from_slice(&left_rows);
    range[left_rows.len()..].copy_from_slice(&right_rows);
    let middle = parent.begin + left_rows.len();

    let left_node = nodes.len();
    nodes[parent.node] = BinNode::Split {
        feature,
        threshold_bin: split.threshold_bin,
        default_left: split.default_left,
        left: left_node,
        right: left_node + 1,
        gain: split.gain,
        sums: parent.sums,
    };
    nodes.push(BinNode::Leaf {
        output: split.left_output,
        sums: split.left,
    });
    nodes.push(BinNode::Leaf {
        output: split.right_output,
        sums: split.right,
    });

    let monotone = shape.monotone.get(feature).copied().unwrap_or(0);
    let (left_bounds, right_bounds) = parent.bounds.children(&split, monotone);
    let left_is_smaller = left_rows.len() <= right_rows.len();
    let smaller_rows = if left_is_smaller {
        &left_rows
    } else {
        &right_rows
    };
    let smaller = NodeHistogram::build(
        inputs.binned,
        smaller_rows,
        inputs.gradients,
        inputs.hessians,
        inputs.active,
    );
    let mut larger = parent.histogram;
    larger.subtract(&smaller);
    let (left_histogram, right_histogram) = if left_is_smaller {
        (smaller, larger)
    } else {
        (larger, smaller)
    };
    let depth = parent.depth + 1;
    let mut left = GrowingLeaf {
        node: left_node,
        begin: parent.begin,
        end: middle,
        sums: split.left,
        depth,
        bounds: left_bounds,
        histogram: left_histogram,
        best: None,
    };
    let mut right = GrowingLeaf {
        node: left_node + 1,
        begin: middle,
        end: parent.end,
        sums: split.right,
        depth,
        bounds: right_bounds,
        histogram: right_histogram,
        best: None,
    };
    left.best = find_best_split(&left, inputs.active, shape);
    right.best = find_best_split(&right, inputs.active, shape);
    (left, right)
}

/// The best split of a leaf over all active features (in parallel when there are many bins),
/// or `None` when the leaf is at `max_depth` or nothing satisfies the rules. Ties keep the
/// lowest feature index.
fn find_best_split(
    leaf: &GrowingLeaf,
    active: &[bool],
    shape: &TreeShape<'_>,
) -> Option<SplitCandidate> {
    if shape.max_depth > 0 && leaf.depth >= shape.max_depth {
        return None;
    }
    if leaf.sums.count < shape.rules.min_data_in_leaf.saturating_mul(2) {
        return None;
    }
    let work: usize = leaf.histogram.features.iter().map(Vec::len).sum();
    let per_feature = map_features(active.len(), work >= MIN_PARALLEL_WORK, |feature| {
        if !active[feature] {
            return None;
        }
        best_split_for_feature(
            feature,
            &leaf.histogram.features[feature],
            leaf.sums,
            leaf.bounds,
            shape.monotone.get(feature).copied().unwrap_or(0),
            &shape.rules,
        )
    });
    per_feature
        .into_iter()
        .flatten()
        .fold(None, |best: Option<SplitCandidate>, candidate| {
            if best.is_none_or(|b| candidate.gain > b.gain) {
                Some(candidate)
            } else {
                best
            }
        })
}
