//! Reading an appfraud model graph back from its ONNX form: the tree ensemble (for TreeSHAP and
//! the native evaluator), the calibration and the linear model (for reason codes).
//!
//! The layout read here is the one `appfraud-train`'s exporter writes (its module docs are the
//! specification): one `ai.onnx.ml` `TreeEnsembleClassifier` with `BRANCH_LEQ` branches, node ids
//! `0..n` per tree, `class_ids` all 0, no base values and `post_transform = NONE`; or the
//! float64 linear graph with initializers `lr_*`; then Platt (`platt_a`, `platt_b`) or isotonic
//! (`iso_*`) calibration. Anything else is refused with [`ServeError::PackageInconsistent`].

use std::collections::HashMap;

use appfraud_onnx::proto::{
    AttributeProto, GraphProto, ModelProto, NodeProto, TensorProto, tensor_proto::DataType,
};

use crate::{Branch, Leaf, Node, ServeError, Tree, TreeEnsemble};

fn inconsistent(reason: impl Into<String>) -> ServeError {
    ServeError::PackageInconsistent {
        reason: reason.into(),
    }
}

fn graph(model: &ModelProto) -> Result<&GraphProto, ServeError> {
    model
        .graph
        .as_ref()
        .ok_or_else(|| inconsistent("model.onnx has no graph"))
}

/// The probability calibration inside the graph, applied to the float64 margin.
#[derive(Debug, Clone, PartialEq)]
pub enum Calibration {
    /// `sigmoid(a · margin + b)`.
    Platt {
        /// Slope.
        a: f64,
        /// Offset.
        b: f64,
    },
    /// `base + Σ_j slopes_j · min(max(margin − knots_j, 0), widths_j)`.
    Isotonic {
        /// Left end of each segment.
        knots: Vec<f64>,
        /// Width of each segment.
        widths: Vec<f64>,
        /// Slope of each segment.
        slopes: Vec<f64>,
        /// Probability at and below the first knot.
        base: f64,
    },
}

impl Calibration {
    /// The calibrated probability of `margin`, in float64 (as the graph computes it).
    pub fn apply(&self, margin: f64) -> f64 {
        match self {
            Calibration::Platt { a, b } => 1.0 / (1.0 + (-(a * margin + b)).exp()),
            Calibration::Isotonic {
                knots,
                widths,
                slopes,
                base,
            } => {
                let mut p = *base;
                for ((k, w), s) in knots.iter().zip(widths).zip(slopes) {
                    p += s * (margin - k).max(0.0).min(*w);
                }
                p
            }
        }
    }
}

/// The float64 values of initializer `name`, if the graph has it.
fn doubles(g: &GraphProto, name: &str) -> Result<Option<Vec<f64>>, ServeError> {
    let Some(t) = g
        .initializer
        .iter()
        .find(|t| t.name.as_deref() == Some(name))
    else {
        return Ok(None);
    };
    tensor_doubles(t).map(Some)
}

fn tensor_doubles(t: &TensorProto) -> Result<Vec<f64>, ServeError> {
    let name = t.name.as_deref().unwrap_or("?");
    if t.data_type != Some(DataType::Double as i32) {
        return Err(inconsistent(format!(
            "initializer {name:?} is not a float64 tensor"
        )));
    }
    if !t.double_data.is_empty() {
        return Ok(t.double_data.clone());
    }
    let raw = t.raw_data.as_deref().unwrap_or_default();
    if !raw.len().is_multiple_of(8) {
        return Err(inconsistent(format!(
            "initializer {name:?} has {} raw bytes, not a multiple of 8",
            raw.len()
        )));
    }
    Ok(raw
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
        .collect())
}

fn scalar(g: &GraphProto, name: &str) -> Result<Option<f64>, ServeError> {
    match doubles(g, name)? {
        None => Ok(None),
        Some(v) if v.len() == 1 => Ok(Some(v[0])),
        Some(v) => Err(inconsistent(format!(
            "initializer {name:?} has {} values, expected 1",
            v.len()
        ))),
    }
}

/// Reads the calibration initializers.
pub fn read_calibration(model: &ModelProto) -> Result<Calibration, ServeError> {
    let g = graph(model)?;
    if let (Some(a), Some(b)) = (scalar(g, "platt_a")?, scalar(g, "platt_b")?) {
        return Ok(Calibration::Platt { a, b });
    }
    let (Some(knots), Some(widths), Some(slopes), Some(base)) = (
        doubles(g, "iso_knots")?,
        doubles(g, "iso_widths")?,
        doubles(g, "iso_slopes")?,
        scalar(g, "iso_base")?,
    ) else {
        return Err(inconsistent(
            "model.onnx holds neither Platt (platt_a, platt_b) nor isotonic (iso_*) calibration",
        ));
    };
    if knots.is_empty() || knots.len() != widths.len() || knots.len() != slopes.len() {
        return Err(inconsistent(
            "the isotonic calibration's knots, widths and slopes differ in length",
        ));
    }
    Ok(Calibration::Isotonic {
        knots,
        widths,
        slopes,
        base,
    })
}

/// The linear model of a logistic graph: per feature its transform, standardisation and
/// coefficients.
///
/// A present value `x` of feature `j` becomes `c = min(max(x, clip_low_j), clip_high_j)`, then
/// `t = ln(1 + max(c, 0))` if `log1p_j` (else `t = c`), then `z = (t − mean_j) / std_j`, in
/// float64 as the graph computes it.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearModel {
    /// Lower clip bound of each feature (`−∞` for a feature that is not clipped).
    pub clip_low: Vec<f64>,
    /// Upper clip bound of each feature (`+∞` for a feature that is not clipped).
    pub clip_high: Vec<f64>,
    /// Whether each feature is a count, taken as `ln(1 + max(c, 0))` after clipping.
    pub log1p: Vec<bool>,
    /// Mean of each feature's transformed training values.
    pub mean: Vec<f64>,
    /// Divisor of each feature.
    pub std: Vec<f64>,
    /// Coefficient of each standardised feature.
    pub coefficients: Vec<f64>,
    /// Coefficient of each feature's missing indicator (0 for features without one).
    pub indicator_coefficients: Vec<f64>,
    /// Intercept.
    pub intercept: f64,
}

impl LinearModel {
    /// The standardised value `z` of a present value `x` of feature `j` (see [`LinearModel`]).
    fn standardize(&self, j: usize, x: f32) -> f64 {
        let mut t = f64::from(x).max(self.clip_low[j]).min(self.clip_high[j]);
        if self.log1p[j] {
            t = (1.0 + t.max(0.0)).ln();
        }
        (t - self.mean[j]) / self.std[j]
    }

    /// Adds each feature's contribution to the margin into `out`: `coefficient · z` for a
    /// present value (`z` its standardised transformed value, see [`LinearModel`]), the
    /// indicator's coefficient for a missing one. The contributions add up to the margin minus
    /// the intercept.
    pub fn contributions(&self, row: &[f32], out: &mut [f64]) {
        for (j, (o, &x)) in out.iter_mut().zip(row).enumerate() {
            *o += if x.is_nan() {
                self.indicator_coefficients[j]
            } else {
                self.coefficients[j] * self.standardize(j, x)
            };
        }
    }

    /// The margin of one row (intercept plus every contribution).
    pub fn margin(&self, row: &[f32]) -> f64 {
        let mut out = vec![0.0; self.mean.len()];
        self.contributions(row, &mut out);
        self.intercept + out.iter().sum::<f64>()
    }
}

/// Reads the linear model from a logistic graph over `n_features` features. A graph without
/// `lr_clip_low`, `lr_clip_high` and `lr_log1p` (written before they existed) has no clipping
/// and no counts; a graph with only some of them is refused.
pub fn read_linear(model: &ModelProto, n_features: usize) -> Result<LinearModel, ServeError> {
    let g = graph(model)?;
    let optional_vector = |name: &str| -> Result<Option<Vec<f64>>, ServeError> {
        let Some(v) = doubles(g, name)? else {
            return Ok(None);
        };
        if v.len() != n_features {
            return Err(inconsistent(format!(
                "initializer {name:?} has {} values for {n_features} features",
                v.len()
            )));
        }
        Ok(Some(v))
    };
    let vector = |name: &str| -> Result<Vec<f64>, ServeError> {
        let v = optional_vector(name)?
            .ok_or_else(|| inconsistent(format!("model.onnx has no initializer {name:?}")))?;
        if let Some(bad) = v.iter().find(|x| !x.is_finite()) {
            return Err(inconsistent(format!(
                "initializer {name:?} holds the non-finite value {bad}"
            )));
        }
        Ok(v)
    };
    let (clip_low, clip_high, log1p) = match (
        optional_vector("lr_clip_low")?,
        optional_vector("lr_clip_high")?,
        optional_vector("lr_log1p")?,
    ) {
        (None, None, None) => (
            vec![f64::NEG_INFINITY; n_features],
            vec![f64::INFINITY; n_features],
            vec![false; n_features],
        ),
        (Some(low), Some(high), Some(log1p)) => {
            let bounds_ok = low.iter().zip(&high).all(|(&l, &h)| {
                (l.is_finite() || l == f64::NEG_INFINITY)
                    && (h.is_finite() || h == f64::INFINITY)
                    && l <= h
            });
            if !bounds_ok {
                return Err(inconsistent(
                    "initializers \"lr_clip_low\" and \"lr_clip_high\" need low <= high, each \
                     finite or the infinity of its side",
                ));
            }
            if log1p.iter().any(|&v| v != 0.0 && v != 1.0) {
                return Err(inconsistent(
                    "initializer \"lr_log1p\" holds a value other than 0 and 1",
                ));
            }
            (low, high, log1p.iter().map(|&v| v == 1.0).collect())
        }
        _ => {
            return Err(inconsistent(
                "model.onnx has some but not all of the initializers \"lr_clip_low\", \
                 \"lr_clip_high\" and \"lr_log1p\"",
            ));
        }
    };
    let linear = LinearModel {
        clip_low,
        clip_high,
        log1p,
        mean: vector("lr_mean")?,
        std: vector("lr_std")?,
        coefficients: vector("lr_coefficients")?,
        indicator_coefficients: vector("lr_indicator_coefficients")?,
        intercept: scalar(g, "lr_intercept")?
            .ok_or_else(|| inconsistent("model.onnx has no initializer \"lr_intercept\""))?,
    };
    if linear.std.iter().any(|s| *s <= 0.0) {
        return Err(inconsistent("initializer \"lr_std\" holds a value <= 0"));
    }
    Ok(linear)
}

/// The graph's `TreeEnsembleClassifier` node, if it has one.
pub fn tree_node(model: &ModelProto) -> Result<Option<&NodeProto>, ServeError> {
    Ok(graph(model)?
        .node
        .iter()
        .find(|n| n.op_type.as_deref() == Some("TreeEnsembleClassifier")))
}

/// The attributes of a node by name.
struct Attributes<'a>(HashMap<&'a str, &'a AttributeProto>);

impl<'a> Attributes<'a> {
    fn of(node: &'a NodeProto) -> Self {
        Self(
            node.attribute
                .iter()
                .filter_map(|a| Some((a.name.as_deref()?, a)))
                .collect(),
        )
    }

    fn get(&self, name: &str) -> Result<&'a AttributeProto, ServeError> {
        self.0
            .get(name)
            .copied()
            .ok_or_else(|| inconsistent(format!("the tree ensemble has no attribute {name:?}")))
    }

    fn ints(&self, name: &str) -> Result<&'a [i64], ServeError> {
        Ok(&self.get(name)?.ints)
    }

    fn floats(&self, name: &str) -> Result<&'a [f32], ServeError> {
        Ok(&self.get(name)?.floats)
    }

    fn strings(&self, name: &str) -> Result<Vec<&'a str>, ServeError> {
        self.get(name)?
            .strings
            .iter()
            .map(|s| {
                std::str::from_utf8(s)
                    .map_err(|_| inconsistent(format!("attribute {name:?} is not UTF-8")))
            })
            .collect()
    }

    fn string(&self, name: &str) -> Option<&'a [u8]> {
        self.0.get(name).and_then(|a| a.s.as_deref())
    }
}

/// Reads the tree ensemble of `node` over `n_features` features, with TreeSHAP `covers`
/// (`covers[t][n]` for node id `n` of tree `t`, from the manifest).
pub fn read_trees(
    node: &NodeProto,
    n_features: usize,
    covers: &[Vec<f64>],
) -> Result<TreeEnsemble, ServeError> {
    let a = Attributes::of(node);
    if let Some(post) = a.string("post_transform")
        && post != b"NONE"
    {
        return Err(inconsistent(format!(
            "the tree ensemble's post_transform is {:?}, expected NONE",
            String::from_utf8_lossy(post)
        )));
    }
    if let Ok(base) = a.get("base_values")
        && base.floats.iter().any(|&b| b != 0.0)
    {
        return Err(inconsistent(
            "the tree ensemble has base values; appfraud folds the base score into tree 0",
        ));
    }
    let tree_ids = a.ints("nodes_treeids")?;
    let node_ids = a.ints("nodes_nodeids")?;
    let features = a.ints("nodes_featureids")?;
    let values = a.floats("nodes_values")?;
    let modes = a.strings("nodes_modes")?;
    let true_ids = a.ints("nodes_truenodeids")?;
    let false_ids = a.ints("nodes_falsenodeids")?;
    let missing = a.ints("nodes_missing_value_tracks_true")?;
    let n = tree_ids.len();
    for (name, len) in [
        ("nodes_nodeids", node_ids.len()),
        ("nodes_featureids", features.len()),
        ("nodes_values", values.len()),
        ("nodes_modes", modes.len()),
        ("nodes_truenodeids", true_ids.len()),
        ("nodes_falsenodeids", false_ids.len()),
        ("nodes_missing_value_tracks_true", missing.len()),
    ] {
        if len != n {
            return Err(inconsistent(format!(
                "attribute {name} has {len} entries, nodes_treeids has {n}"
            )));
        }
    }
    let class_trees = a.ints("class_treeids")?;
    let class_nodes = a.ints("class_nodeids")?;
    let class_ids = a.ints("class_ids")?;
    let weights = a.floats("class_weights")?;
    if class_nodes.len() != class_trees.len()
        || class_ids.len() != class_trees.len()
        || weights.len() != class_trees.len()
    {
        return Err(inconsistent(
            "the tree ensemble's class_* attributes differ in length",
        ));
    }
    if class_ids.iter().any(|&c| c != 0) {
        return Err(inconsistent(
            "the tree ensemble has class_ids other than 0; appfraud writes the binary form",
        ));
    }
    let mut leaf_weight: HashMap<(i64, i64), f64> = HashMap::with_capacity(weights.len());
    for ((&t, &i), &w) in class_trees.iter().zip(class_nodes).zip(weights) {
        if leaf_weight.insert((t, i), f64::from(w)).is_some() {
            return Err(inconsistent(format!(
                "leaf {i} of tree {t} has more than one weight"
            )));
        }
    }

    let mut trees: Vec<Tree> = Vec::new();
    let index = |v: i64, what: &str| {
        u32::try_from(v).map_err(|_| inconsistent(format!("{what} {v} is out of range")))
    };
    for k in 0..n {
        let t = usize::try_from(tree_ids[k])
            .map_err(|_| inconsistent(format!("tree id {} is negative", tree_ids[k])))?;
        if t == trees.len() {
            trees.push(Tree { nodes: Vec::new() });
        } else if t + 1 != trees.len() {
            return Err(inconsistent(
                "tree ids must run 0, 1, 2, ... with each tree's nodes together",
            ));
        }
        let tree = &mut trees[t];
        if node_ids[k] != tree.nodes.len() as i64 {
            return Err(inconsistent(format!(
                "tree {t}: node ids must run 0, 1, 2, ... (found {} at position {})",
                node_ids[k],
                tree.nodes.len()
            )));
        }
        let cover = covers
            .get(t)
            .and_then(|c| c.get(tree.nodes.len()))
            .copied()
            .ok_or_else(|| {
                inconsistent(format!(
                    "the manifest has no cover for node {} of tree {t}",
                    tree.nodes.len()
                ))
            })?;
        let node = match modes[k] {
            "LEAF" => Node::Leaf(Leaf {
                value: leaf_weight
                    .remove(&(tree_ids[k], node_ids[k]))
                    .ok_or_else(|| {
                        inconsistent(format!("leaf {} of tree {t} has no weight", node_ids[k]))
                    })?,
                cover,
            }),
            "BRANCH_LEQ" => Node::Branch(Branch {
                feature: index(features[k], "feature id")?,
                threshold: values[k],
                missing_left: missing[k] != 0,
                left: index(true_ids[k], "node id")?,
                right: index(false_ids[k], "node id")?,
                cover,
            }),
            other => {
                return Err(inconsistent(format!(
                    "tree {t} node {}: mode {other:?}; appfraud writes BRANCH_LEQ and LEAF only",
                    node_ids[k]
                )));
            }
        };
        tree.nodes.push(node);
    }
    if !leaf_weight.is_empty() {
        return Err(inconsistent("class weights name nodes that are not leaves"));
    }
    if covers.len() != trees.len()
        || covers
            .iter()
            .zip(&trees)
            .any(|(c, t)| c.len() != t.nodes.len())
    {
        return Err(inconsistent(
            "the manifest's TreeSHAP covers do not match the trees of model.onnx",
        ));
    }
    TreeEnsemble::new(trees, n_features)
        .map_err(|e| inconsistent(format!("tree {} node {}: {}", e.tree, e.node, e.reason)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use appfraud_onnx as onnx;

    fn doubles_tensor(name: &str, values: &[f64]) -> TensorProto {
        TensorProto {
            name: Some(name.to_owned()),
            dims: vec![values.len() as i64],
            data_type: Some(DataType::Double as i32),
            double_data: values.to_vec(),
            ..TensorProto::default()
        }
    }

    /// A graph holding only the initializers `read_linear` reads: two features, standardised
    /// with means (1, 10), divisors (2, 4), coefficients (3, −1), an indicator coefficient 0.5
    /// on feature 1, intercept −2; plus `extra` initializers.
    fn linear_graph(extra: Vec<TensorProto>) -> ModelProto {
        let mut initializers = vec![
            doubles_tensor("lr_mean", &[1.0, 10.0]),
            doubles_tensor("lr_std", &[2.0, 4.0]),
            doubles_tensor("lr_coefficients", &[3.0, -1.0]),
            doubles_tensor("lr_indicator_coefficients", &[0.0, 0.5]),
            doubles_tensor("lr_intercept", &[-2.0]),
        ];
        initializers.extend(extra);
        onnx::model(
            onnx::graph("linear", Vec::new(), Vec::new(), Vec::new(), initializers),
            vec![onnx::opset("", onnx::DEFAULT_OPSET)],
        )
    }

    #[track_caller]
    fn assert_close(actual: f64, expected: f64) {
        // Reference: the formulas worked by hand in each test; a few float64 roundings apart.
        assert!(
            (actual - expected).abs() <= 1e-12,
            "{actual} vs {expected} (tolerance 1e-12)"
        );
    }

    #[test]
    fn a_graph_without_clip_and_log_initializers_is_standardisation_only() {
        let linear = read_linear(&linear_graph(Vec::new()), 2).expect("old layout reads");
        assert_eq!(linear.clip_low, [f64::NEG_INFINITY; 2]);
        assert_eq!(linear.clip_high, [f64::INFINITY; 2]);
        assert_eq!(linear.log1p, [false; 2]);
        // By hand: 3 · (5 − 1) / 2 = 6 and −1 · (1e6 − 10) / 4 = −249997.5.
        let mut out = [0.0; 2];
        linear.contributions(&[5.0, 1e6], &mut out);
        assert_close(out[0], 6.0);
        assert_close(out[1], -249_997.5);
        assert_close(linear.margin(&[5.0, 1e6]), -2.0 + 6.0 - 249_997.5);
        // Missing: 0 for feature 0 (no indicator), the indicator's 0.5 for feature 1.
        let mut out = [0.0; 2];
        linear.contributions(&[f32::NAN, f32::NAN], &mut out);
        assert_eq!(out, [0.0, 0.5]);
    }

    #[test]
    fn clip_and_log_initializers_transform_before_standardising() {
        // Feature 0: a count clipped to [0, 10]; feature 1: clipped to [−5, 20], linear.
        let model = linear_graph(vec![
            doubles_tensor("lr_clip_low", &[0.0, -5.0]),
            doubles_tensor("lr_clip_high", &[10.0, 20.0]),
            doubles_tensor("lr_log1p", &[1.0, 0.0]),
        ]);
        let linear = read_linear(&model, 2).expect("new layout reads");
        assert_eq!(linear.log1p, [true, false]);
        for (row, expected) in [
            // By hand: 3 · (ln(1 + 3) − 1) / 2 and −1 · (7 − 10) / 4.
            ([3.0f32, 7.0], [3.0 * (4f64.ln() - 1.0) / 2.0, 0.75]),
            // Beyond the bounds: 3 · (ln 11 − 1) / 2 and −1 · (20 − 10) / 4.
            ([1e9, 1e9], [3.0 * (11f64.ln() - 1.0) / 2.0, -2.5]),
            // On the bounds and below: ln(1 + 0) = 0, so 3 · (0 − 1) / 2; −1 · (−5 − 10) / 4.
            ([0.0, -5.0], [-1.5, 3.75]),
            ([-7.0, -1e9], [-1.5, 3.75]),
        ] {
            let mut out = [0.0; 2];
            linear.contributions(&row, &mut out);
            assert_close(out[0], expected[0]);
            assert_close(out[1], expected[1]);
            assert_close(linear.margin(&row), -2.0 + expected[0] + expected[1]);
        }
        let mut out = [0.0; 2];
        linear.contributions(&[f32::NAN, f32::NAN], &mut out);
        assert_eq!(out, [0.0, 0.5]);
    }

    #[test]
    fn inconsistent_clip_and_log_initializers_are_refused() {
        let refused = |extra: Vec<TensorProto>| {
            matches!(
                read_linear(&linear_graph(extra), 2),
                Err(ServeError::PackageInconsistent { .. })
            )
        };
        let low = || doubles_tensor("lr_clip_low", &[0.0, f64::NEG_INFINITY]);
        let high = || doubles_tensor("lr_clip_high", &[10.0, f64::INFINITY]);
        let log = || doubles_tensor("lr_log1p", &[1.0, 0.0]);
        assert!(!refused(vec![low(), high(), log()]));
        assert!(refused(vec![low(), high()]));
        assert!(refused(vec![log()]));
        assert!(refused(vec![
            low(),
            high(),
            doubles_tensor("lr_log1p", &[0.5, 0.0])
        ]));
        assert!(refused(vec![
            doubles_tensor("lr_clip_low", &[11.0, 0.0]),
            high(),
            log()
        ]));
        assert!(refused(vec![
            doubles_tensor("lr_clip_low", &[f64::INFINITY, 0.0]),
            doubles_tensor("lr_clip_high", &[f64::INFINITY, 1.0]),
            log()
        ]));
        assert!(refused(vec![
            doubles_tensor("lr_clip_low", &[f64::NAN, 0.0]),
            high(),
            log()
        ]));
        assert!(refused(vec![
            doubles_tensor("lr_clip_low", &[0.0]),
            high(),
            log()
        ]));
    }
}
