//! Growing one tree, leaf-wise: the leaf whose best split has the highest gain is split next
//! (ties: the lowest node index), until `max_leaves` leaves exist or no leaf can be split.
//! Leaves at `max_depth` (when set) are not split.
//!
//! The grower works in bin space on the rows it is given (the bag) and returns a [`BinTree`];
//! the booster turns bin thresholds into `f32` thresholds and shrinks the leaf values. Rows of
//! each leaf are a contiguous range of one index array, partitioned stably at each split (as
//! LightGBM's `DataPartition`), so every histogram is summed in ascending row order. The
//! partition is stable and allocation-free (one scratch array reused by every tree), and
//! large ranges are partitioned by blocks on threads: a stable partition has one result, so
//! threads cannot change it.
//!
//! Only leaves that may still be split get a histogram and a split search: a leaf too small
//! for two children, at `max_depth`, or created by the tree's last split has neither.

use rayon::prelude::*;

use super::binning::BinnedMatrix;
use super::histogram::{GradientPair, GradientSums, HistogramPool, NodeHistogram};
use super::kernel::{AHEAD, prefetch};
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
    /// Present while the leaf may still be split.
    histogram: Option<NodeHistogram>,
    best: Option<SplitCandidate>,
}

/// Everything one tree's growth reads.
pub(crate) struct GrowInputs<'a> {
    pub binned: &'a BinnedMatrix,
    /// Each row's gradient and hessian.
    pub pairs: &'a [GradientPair],
    /// The features this tree may split on.
    pub active: &'a [bool],
}

/// Buffers reused from tree to tree: the row index array (each leaf's rows are a contiguous
/// range of it), the partition's scratch array and the histogram pool.
#[derive(Debug, Default)]
pub(crate) struct GrowBuffers {
    rows: Vec<u32>,
    scratch: Vec<u32>,
    pool: HistogramPool,
}

/// A grown tree and where each of its leaves' rows are.
pub(crate) struct GrownTree<'b> {
    pub tree: BinTree,
    /// `(node, rows)` of each leaf: the bag's rows that reach it, ascending.
    pub leaves: Vec<(usize, &'b [u32])>,
}

/// Grows one tree on `bag` (ascending row indices, at least one).
pub(crate) fn grow_tree<'b>(
    inputs: &GrowInputs<'_>,
    bag: &[u32],
    shape: &TreeShape<'_>,
    buffers: &'b mut GrowBuffers,
) -> GrownTree<'b> {
    let GrowBuffers {
        rows,
        scratch,
        pool,
    } = buffers;
    rows.clear();
    rows.extend_from_slice(bag);
    scratch.resize(rows.len(), 0);
    let lambda = shape.rules.lambda_l2;
    let root_sums = GradientSums::over(rows, inputs.pairs);
    let mut nodes = vec![BinNode::Leaf {
        output: leaf_output(root_sums, lambda, OutputBounds::FREE),
        sums: root_sums,
    }];
    let mut root = GrowingLeaf {
        node: 0,
        begin: 0,
        end: rows.len(),
        sums: root_sums,
        depth: 0,
        bounds: OutputBounds::FREE,
        histogram: None,
        best: None,
    };
    if shape.max_leaves > 1 && may_split(&root, shape) {
        let mut histogram = pool.take();
        histogram.build(inputs.binned, rows, root.sums, inputs.pairs, inputs.active);
        root.best = find_best_split(&root, &histogram, inputs, shape);
        root.histogram = Some(histogram);
    }
    let mut leaves = vec![root];
    let mut finished = Vec::new();

    while leaves.len() + finished.len() < shape.max_leaves {
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
        let last_split = leaves.len() + finished.len() + 2 >= shape.max_leaves;
        let children = split_leaf(
            parent, inputs, rows, scratch, pool, &mut nodes, shape, last_split,
        );
        for child in children {
            if child.best.is_some() {
                leaves.push(child);
            } else {
                if let Some(h) = child.histogram {
                    pool.give(h);
                }
                finished.push((child.node, child.begin, child.end));
            }
        }
        // Keep `leaves` in ascending node order (children are appended with the highest
        // node numbers, so this is already so).
    }
    for leaf in leaves {
        if let Some(h) = leaf.histogram {
            pool.give(h);
        }
        finished.push((leaf.node, leaf.begin, leaf.end));
    }
    finished.sort_unstable_by_key(|&(node, _, _)| node);
    let rows: &'b [u32] = rows;
    GrownTree {
        tree: BinTree { nodes },
        leaves: finished
            .into_iter()
            .map(|(node, begin, end)| (node, &rows[begin..end]))
            .collect(),
    }
}

/// Whether `leaf` could be split at all: below `max_depth` and with rows for two children.
fn may_split(leaf: &GrowingLeaf, shape: &TreeShape<'_>) -> bool {
    !(shape.max_depth > 0 && leaf.depth >= shape.max_depth)
        && leaf.sums.count >= shape.rules.min_data_in_leaf.saturating_mul(2).max(2)
}

/// Splits `parent` along its best split: partitions its rows, writes the two child leaves into
/// `nodes`, and, unless this is the tree's last split, builds the histograms (the smaller
/// child directly, the larger by subtraction) and best splits of the children that may split.
#[allow(clippy::too_many_arguments)]
fn split_leaf(
    parent: GrowingLeaf,
    inputs: &GrowInputs<'_>,
    rows: &mut [u32],
    scratch: &mut [u32],
    pool: &mut HistogramPool,
    nodes: &mut Vec<BinNode>,
    shape: &TreeShape<'_>,
    last_split: bool,
) -> [GrowingLeaf; 2] {
    let split = parent.best.expect("only leaves with a split are chosen");
    let feature = split.feature;
    let bins = inputs.binned.column(feature);
    let missing_bin = inputs.binned.mappers[feature].n_value_bins();
    let threshold = split.threshold_bin;
    let default_left = split.default_left;
    // Which bins go left, as a table, so the partition needs no branch per row.
    let mut left_of = [false; 256];
    for (bin, left) in left_of.iter_mut().enumerate() {
        *left = if bin == missing_bin {
            default_left
        } else {
            bin <= threshold
        };
    }
    let n_left = stable_partition(
        &mut rows[parent.begin..parent.end],
        &mut scratch[parent.begin..parent.end],
        bins,
        &left_of,
    );
    debug_assert_eq!(n_left, split.left.count as usize);
    let middle = parent.begin + n_left;

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
    let depth = parent.depth + 1;
    let mut left = GrowingLeaf {
        node: left_node,
        begin: parent.begin,
        end: middle,
        sums: split.left,
        depth,
        bounds: left_bounds,
        histogram: None,
        best: None,
    };
    let mut right = GrowingLeaf {
        node: left_node + 1,
        begin: middle,
        end: parent.end,
        sums: split.right,
        depth,
        bounds: right_bounds,
        histogram: None,
        best: None,
    };
    let mut parent_histogram = parent
        .histogram
        .expect("a leaf with a split has its histogram");
    let (left_may, right_may) = (may_split(&left, shape), may_split(&right, shape));
    if last_split || !(left_may || right_may) {
        pool.give(parent_histogram);
        return [left, right];
    }
    let left_is_smaller = left.sums.count <= right.sums.count;
    let (smaller, larger) = if left_is_smaller {
        (&mut left, &mut right)
    } else {
        (&mut right, &mut left)
    };
    let mut smaller_histogram = pool.take();
    smaller_histogram.build(
        inputs.binned,
        &rows[smaller.begin..smaller.end],
        smaller.sums,
        inputs.pairs,
        inputs.active,
    );
    parent_histogram.subtract(inputs.binned, &smaller_histogram);
    smaller.histogram = Some(smaller_histogram);
    larger.histogram = Some(parent_histogram);
    let search = |leaf: &GrowingLeaf| {
        if may_split(leaf, shape) {
            leaf.histogram
                .as_ref()
                .and_then(|h| find_best_split(leaf, h, inputs, shape))
        } else {
            None
        }
    };
    let (left_best, right_best) = rayon::join(|| search(&left), || search(&right));
    left.best = left_best;
    right.best = right_best;
    for leaf in [&mut left, &mut right] {
        if leaf.best.is_none()
            && let Some(h) = leaf.histogram.take()
        {
            pool.give(h);
        }
    }
    [left, right]
}

/// Stable partition of `rows` by `left_of[bins[row]]`, using `scratch` (same length) as
/// workspace: the rows going left first, then the others, each in their original order.
/// Returns the number going left. Large ranges are cut into blocks partitioned on threads; the
/// result is the one stable partition either way. No branch depends on the data: each row is
/// written to both of its possible places and only the count of its side advances (a row
/// written to the other side's place is overwritten later).
fn stable_partition(
    rows: &mut [u32],
    scratch: &mut [u32],
    bins: &[u8],
    left_of: &[bool; 256],
) -> usize {
    const BLOCK: usize = 1 << 12;
    if rows.len() < 2 * BLOCK || rayon::current_num_threads() < 2 {
        // Lefts are compacted in place (the write position never passes the read position),
        // rights go to the scratch array and are appended.
        let mut n_left = 0;
        let mut n_right = 0;
        for i in 0..rows.len() {
            if let Some(&ahead) = rows.get(i + AHEAD) {
                prefetch(bins, ahead as usize);
            }
            let row = rows[i];
            let left = left_of[usize::from(bins[row as usize])];
            rows[n_left] = row;
            scratch[n_right] = row;
            n_left += usize::from(left);
            n_right += usize::from(!left);
        }
        rows[n_left..].copy_from_slice(&scratch[..n_right]);
        return n_left;
    }
    // Each block writes its lefts forwards and its rights backwards into its own part of the
    // scratch array.
    let counts: Vec<usize> = rows
        .par_chunks(BLOCK)
        .zip(scratch.par_chunks_mut(BLOCK))
        .map(|(block, out)| {
            let mut n_left = 0;
            let mut n_right = out.len();
            for (i, &row) in block.iter().enumerate() {
                if let Some(&ahead) = block.get(i + AHEAD) {
                    prefetch(bins, ahead as usize);
                }
                let left = left_of[usize::from(bins[row as usize])];
                // n_left < n_right: at least this row's place is free.
                out[n_left] = row;
                out[n_right - 1] = row;
                n_left += usize::from(left);
                n_right -= usize::from(!left);
            }
            // Rights were written from the end backwards: restore their order.
            out[n_left..].reverse();
            n_left
        })
        .collect();
    let n_left: usize = counts.iter().sum();
    // Destinations: block k's lefts follow blocks 0..k's lefts; its rights follow all lefts
    // and blocks 0..k's rights.
    let (left_dst, right_dst) = rows.split_at_mut(n_left);
    let mut jobs = Vec::with_capacity(counts.len());
    let (mut left_rest, mut right_rest) = (left_dst, right_dst);
    for (block, &l) in scratch.chunks(BLOCK).zip(&counts) {
        let (l_out, l_tail) = left_rest.split_at_mut(l);
        let (r_out, r_tail) = right_rest.split_at_mut(block.len() - l);
        jobs.push((block, l_out, r_out));
        left_rest = l_tail;
        right_rest = r_tail;
    }
    jobs.into_par_iter().for_each(|(block, l_out, r_out)| {
        let (lefts, rights) = block.split_at(l_out.len());
        l_out.copy_from_slice(lefts);
        r_out.copy_from_slice(rights);
    });
    n_left
}

/// Leaves with at least this many rows have their features searched on threads (beside the
/// two children searched side by side): such leaves are where the search of one child can
/// run alone (its sibling cannot split).
const PARALLEL_SEARCH_ROWS: u32 = 4096;

/// The best split of a leaf over all active used features, or `None` when nothing satisfies
/// the rules. Ties keep the lowest feature index.
fn find_best_split(
    leaf: &GrowingLeaf,
    histogram: &NodeHistogram,
    inputs: &GrowInputs<'_>,
    shape: &TreeShape<'_>,
) -> Option<SplitCandidate> {
    let binned = inputs.binned;
    let search = |slot: usize| {
        let feature = binned.used()[slot];
        if !inputs.active[feature] {
            return None;
        }
        best_split_for_feature(
            feature,
            histogram.feature(binned, slot),
            leaf.sums,
            leaf.bounds,
            shape.monotone.get(feature).copied().unwrap_or(0),
            &shape.rules,
        )
    };
    // Higher gain wins, then the lower feature: a total order, so any reduction order gives
    // the same result.
    let better = |a: SplitCandidate, b: SplitCandidate| {
        if b.gain > a.gain || (b.gain == a.gain && b.feature < a.feature) {
            b
        } else {
            a
        }
    };
    let slots = binned.used().len();
    if leaf.sums.count >= PARALLEL_SEARCH_ROWS {
        (0..slots)
            .into_par_iter()
            .filter_map(search)
            .reduce_with(better)
    } else {
        (0..slots).filter_map(search).reduce(better)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference: `Iterator::partition`, which is stable by definition.
    #[test]
    fn stable_partition_equals_the_iterator_partition() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        for n in [0usize, 1, 7, 1 << 15, (1 << 16) + 123] {
            let rows: Vec<u32> = (0..n as u32).map(|r| r * 3).collect();
            let bins: Vec<u8> = (0..3 * n as u32 + 1)
                .map(|r| (r.wrapping_mul(2654435761) >> 7) as u8)
                .collect();
            let mut left_of = [false; 256];
            for (bin, left) in left_of.iter_mut().enumerate() {
                *left = bin % 3 == 0;
            }
            let (l, r): (Vec<u32>, Vec<u32>) = rows
                .iter()
                .partition(|&&x| left_of[usize::from(bins[x as usize])]);
            let expected: Vec<u32> = l.iter().chain(&r).copied().collect();
            for threads in [false, true] {
                let mut got = rows.clone();
                let mut scratch = vec![0; n];
                let n_left = if threads {
                    pool.install(|| stable_partition(&mut got, &mut scratch, &bins, &left_of))
                } else {
                    stable_partition(&mut got, &mut scratch, &bins, &left_of)
                };
                assert_eq!((n_left, &got), (l.len(), &expected), "n = {n}");
            }
        }
    }
}
