//! The shape of a model package's trees, which sets the cost of its reason codes (TreeSHAP's
//! work per tree grows with the number of leaves times the square of the path length):
//! number of trees, leaves per tree, the histogram of tree depths (the longest root-to-leaf
//! path, in branches), mean leaf depth (over leaves, and weighted by leaf cover: the depth a
//! training row reaches on average), and the number of distinct features on a root-to-leaf path
//! (mean over leaves and maximum). `bench/score_throughput.sh` prints it beside the same report
//! of a LightGBM model (`bench/lightgbm_contrib.py`); both print one `label: value` per line
//! with the same labels.
//!
//! `cargo bench --workspace --bench tree_depths -- MODEL_DIR`

use std::collections::BTreeMap;
use std::path::Path;

use appfraud_serve::{Explanation, ModelPackage, Node, Tree};

fn main() {
    // `cargo bench` appends `--bench` to the arguments of harness-less benches.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let [model_dir] = args.as_slice() else {
        eprintln!("usage: tree_depths MODEL_DIR");
        std::process::exit(2);
    };
    let package = match ModelPackage::load(Path::new(model_dir)) {
        Ok(package) => package,
        Err(e) => {
            eprintln!("tree_depths: {e}");
            std::process::exit(1);
        }
    };
    let Explanation::Trees(ensemble) = package.explanation() else {
        eprintln!("tree_depths: {model_dir} is not a tree model");
        std::process::exit(1);
    };
    let shapes: Vec<TreeShape> = ensemble
        .trees()
        .iter()
        .map(|t| tree_shape(t, package.n_features()))
        .collect();
    print!("{}", report(&shapes));
}

/// One leaf as TreeSHAP sees it.
#[derive(Debug, Clone, Copy)]
struct LeafPath {
    /// Branches from the root to the leaf.
    depth: usize,
    /// Distinct features tested on the way.
    distinct_features: usize,
    /// Sum of the training hessians that reached the leaf.
    cover: f64,
}

/// The leaves of one tree.
#[derive(Debug, Clone, Default)]
struct TreeShape {
    leaves: Vec<LeafPath>,
}

impl TreeShape {
    /// The longest root-to-leaf path, in branches.
    fn depth(&self) -> usize {
        self.leaves.iter().map(|l| l.depth).max().unwrap_or(0)
    }
}

/// Walks `tree` depth first, counting on each path how often each of the `n_features` features
/// is tested so far.
fn tree_shape(tree: &Tree, n_features: usize) -> TreeShape {
    enum Step {
        Enter(usize, usize),
        Leave(usize),
    }
    let mut shape = TreeShape::default();
    let mut tested = vec![0u32; n_features];
    let mut distinct = 0usize;
    let mut stack = vec![Step::Enter(0, 0)];
    while let Some(step) = stack.pop() {
        match step {
            Step::Enter(index, depth) => match &tree.nodes[index] {
                Node::Leaf(leaf) => shape.leaves.push(LeafPath {
                    depth,
                    distinct_features: distinct,
                    cover: leaf.cover,
                }),
                Node::Branch(branch) => {
                    let feature = branch.feature as usize;
                    tested[feature] += 1;
                    if tested[feature] == 1 {
                        distinct += 1;
                    }
                    stack.push(Step::Leave(feature));
                    stack.push(Step::Enter(branch.right as usize, depth + 1));
                    stack.push(Step::Enter(branch.left as usize, depth + 1));
                }
            },
            Step::Leave(feature) => {
                tested[feature] -= 1;
                if tested[feature] == 0 {
                    distinct -= 1;
                }
            }
        }
    }
    shape
}

/// The report, one `label: value` per line.
fn report(shapes: &[TreeShape]) -> String {
    let leaves: Vec<&LeafPath> = shapes.iter().flat_map(|s| &s.leaves).collect();
    let per_tree: Vec<usize> = shapes.iter().map(|s| s.leaves.len()).collect();
    let depths: Vec<usize> = shapes.iter().map(TreeShape::depth).collect();
    // Each tree's cover-weighted mean leaf depth, averaged over trees: every tree sees the
    // same training rows, so this is the mean depth a row reaches in a tree.
    let weighted_depth = shapes
        .iter()
        .map(|s| {
            let cover: f64 = s.leaves.iter().map(|l| l.cover).sum();
            let depth: f64 = s.leaves.iter().map(|l| l.depth as f64 * l.cover).sum();
            if cover > 0.0 { depth / cover } else { 0.0 }
        })
        .sum::<f64>()
        / shapes.len().max(1) as f64;
    let mut histogram: BTreeMap<usize, usize> = BTreeMap::new();
    for &d in &depths {
        *histogram.entry(d).or_default() += 1;
    }
    let (leaves_min, leaves_max) = min_max(&per_tree);
    let (depth_min, depth_max) = min_max(&depths);
    let mut out = String::new();
    out += &format!("trees: {}\n", shapes.len());
    out += &format!("leaves: {}\n", leaves.len());
    out += &format!(
        "leaves per tree (min / mean / max): {leaves_min} / {:.2} / {leaves_max}\n",
        mean(per_tree.iter().copied())
    );
    out += &format!(
        "tree depth (min / mean / max): {depth_min} / {:.2} / {depth_max}\n",
        mean(depths.iter().copied())
    );
    out += &format!(
        "mean leaf depth: {:.2}\n",
        mean(leaves.iter().map(|l| l.depth))
    );
    out += &format!("cover-weighted mean leaf depth: {weighted_depth:.2}\n");
    out += &format!(
        "distinct features on a root-to-leaf path (mean / max): {:.2} / {}\n",
        mean(leaves.iter().map(|l| l.distinct_features)),
        leaves
            .iter()
            .map(|l| l.distinct_features)
            .max()
            .unwrap_or(0)
    );
    for (depth, trees) in &histogram {
        out += &format!("trees of depth {depth:>2}: {trees}\n");
    }
    out
}

/// The mean of `values`, 0 when there are none.
fn mean(values: impl Iterator<Item = usize>) -> f64 {
    let (sum, count) = values.fold((0usize, 0usize), |(s, c), v| (s + v, c + 1));
    if count == 0 {
        0.0
    } else {
        sum as f64 / count as f64
    }
}

/// The smallest and largest of `values`, (0, 0) when there are none.
fn min_max(values: &[usize]) -> (usize, usize) {
    (
        values.iter().copied().min().unwrap_or(0),
        values.iter().copied().max().unwrap_or(0),
    )
}
