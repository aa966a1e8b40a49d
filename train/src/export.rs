//! ONNX export of a trained, calibrated model: the graph `serve` runs, in pure Rust (prost types
//! from `onnx-ml.proto`, see `appfraud-onnx`).
//!
//! Every exported graph has one input `features` (float32 `[N, F]`, batch dimension named `N`)
//! and one output `probability` (float32 `[N]`, calibrated). The graph is
//! `features → margin [N, 1] → calibration → probability`:
//!
//! - **GBDT** → one `ai.onnx.ml` `TreeEnsembleClassifier` (opset 3), binary form: every
//!   `class_ids` entry is 0, `classlabels_int64s = [0, 1]`, `post_transform = NONE`, so column 1
//!   of its `scores` output is the margin. The model's base score is folded into the leaves of
//!   tree 0 (no `base_values`), which ONNX Runtime and pure-Rust runtimes (tract) treat alike.
//!   Each split is `BRANCH_LEQ` with the model's own `f32` threshold (training routes
//!   `x <= threshold` in `f32`, so rows on a threshold go the same way), the true branch is the
//!   left child, and `nodes_missing_value_tracks_true` is the learned default direction. Node ids
//!   are the indices of [`crate::Tree::nodes`]; the manifest's TreeSHAP covers use the same ids.
//!   Leaf weights are float32 (the format's type), so the margin differs from the native `f64`
//!   one by float32 rounding only.
//! - **Logistic** → computed in float64 inside the graph, as the native model computes it:
//!   `C = Min(Max(X, clip_low), clip_high)`,
//!   `T = Where(log1p ≠ 0, Log(Max(C, 0) + 1), C)`,
//!   `Z = Where(IsNaN(X), 0, (T − mean) / std)`,
//!   `margin = Z · coefficients + Cast(IsNaN(X)) · indicator_coefficients + intercept`
//!   (initializers `lr_clip_low`, `lr_clip_high`, `lr_log1p`, `lr_mean`, `lr_std`,
//!   `lr_coefficients`, `lr_indicator_coefficients`, `lr_intercept`). `lr_clip_low` and
//!   `lr_clip_high` (`[F]`) hold each feature's clip bounds, `−∞` and `+∞` for a feature that is
//!   not clipped; `lr_log1p` (`[F]`) is 1 for a count feature and 0 otherwise; the indicator
//!   coefficient of a feature without an indicator is 0. `Log` only ever sees values ≥ 1 (or
//!   `NaN` for a missing value, which the last `Where` replaces by 0). A graph without
//!   `lr_clip_low`, `lr_clip_high` and `lr_log1p` (written before they existed) is
//!   `Z = Where(IsNaN(X), 0, (X − mean) / std)`: no clipping, no count.
//! - **Scorecard** → its one-feature trees ([`crate::ScorecardModel::to_gbdt`]), written as
//!   the GBDT's; covers are the bins' training rows.
//! - **Calibration**, in float64 on the margin:
//!   - Platt: `sigmoid(a · margin + b)` (initializers `platt_a`, `platt_b`);
//!   - isotonic: `numpy.interp` as a sum of clipped ramps,
//!     `values[0] + Σ_j slope_j · min(max(m − t_j, 0), t_{j+1} − t_j)` (initializers
//!     `iso_knots` = `t_0..t_{K−2}`, `iso_widths`, `iso_slopes` `[K−1, 1]`, `iso_base`), which
//!     is `values[0]` below the first knot, `values[K−1]` beyond the last, and linear between.
//!
//! The initializer names above are part of the contract: `serve` reads the linear model from
//! them for reason codes, and its native tree evaluator reads the calibration from them.

use appfraud_onnx as onnx;
use appfraud_onnx::proto::{ModelProto, NodeProto, TensorProto, tensor_proto::DataType};

use crate::{Calibrator, GbdtModel, LogisticModel, Model, NativeModel, Node, TrainError};

/// Name of the graph input.
pub const INPUT: &str = "features";
/// Name of the graph output.
pub const OUTPUT: &str = "probability";
/// Name of the symbolic batch dimension.
pub const BATCH_DIM: &str = "N";

/// The ONNX model of `native`: its model and calibrator in one graph (see the module docs).
///
/// # Errors
///
/// [`TrainError::InvalidModel`] if the model is malformed or its size does not fit the format.
pub fn export_onnx(native: &NativeModel) -> Result<ModelProto, TrainError> {
    let n_features = native.feature_names.len();
    let mut g = GraphParts::default();
    match &native.model {
        Model::Gbdt(m) => gbdt_margin(m, n_features, &mut g)?,
        Model::Logistic(m) => logistic_margin(m, n_features, &mut g)?,
        Model::Scorecard(m) => gbdt_margin(&m.to_gbdt(), n_features, &mut g)?,
    }
    calibration(&native.calibrator, &mut g)?;
    g.nodes.push(onnx::node(
        "Cast",
        &["p64"],
        &["p32"],
        vec![cast_to(DataType::Float)],
    ));
    g.initializers.push(onnx::int64_tensor("flat", &[1], &[-1]));
    g.nodes
        .push(onnx::node("Reshape", &["p32", "flat"], &[OUTPUT], vec![]));

    let graph = onnx::graph(
        &native.model_id,
        g.nodes,
        vec![onnx::float_input_2d(INPUT, BATCH_DIM, n_features)],
        vec![onnx::float_output_1d(OUTPUT, BATCH_DIM)],
        g.initializers,
    );
    let opsets = match native.model {
        Model::Gbdt(_) | Model::Scorecard(_) => onnx::default_opsets(),
        Model::Logistic(_) => vec![onnx::opset("", onnx::DEFAULT_OPSET)],
    };
    Ok(onnx::model(graph, opsets))
}

/// Nodes and initializers being assembled.
#[derive(Default)]
struct GraphParts {
    nodes: Vec<NodeProto>,
    initializers: Vec<TensorProto>,
}

fn invalid(reason: impl Into<String>) -> TrainError {
    TrainError::InvalidModel {
        model: "ONNX export",
        reason: reason.into(),
    }
}

fn dim(n: usize) -> Result<i64, TrainError> {
    i64::try_from(n).map_err(|_| invalid(format!("dimension {n} does not fit the format")))
}

fn cast_to(to: DataType) -> appfraud_onnx::proto::AttributeProto {
    onnx::attr_int("to", to as i64)
}

fn double_tensor(name: &str, dims: &[i64], values: &[f64]) -> TensorProto {
    TensorProto {
        name: Some(name.to_owned()),
        dims: dims.to_vec(),
        data_type: Some(DataType::Double as i32),
        double_data: values.to_vec(),
        ..TensorProto::default()
    }
}

/// The attributes of the `TreeEnsembleClassifier` of `model`, as parallel arrays.
#[derive(Default)]
struct TreeAttributes {
    tree_ids: Vec<i64>,
    node_ids: Vec<i64>,
    feature_ids: Vec<i64>,
    values: Vec<f32>,
    modes: Vec<&'static str>,
    true_ids: Vec<i64>,
    false_ids: Vec<i64>,
    missing_tracks_true: Vec<i64>,
    class_tree_ids: Vec<i64>,
    class_node_ids: Vec<i64>,
    class_weights: Vec<f32>,
}

/// `features → TreeEnsembleClassifier → scores[:, 1] → m64 [N, 1]` (float64).
fn gbdt_margin(model: &GbdtModel, n_features: usize, g: &mut GraphParts) -> Result<(), TrainError> {
    model
        .validate()
        .map_err(|e| invalid(format!("the tree model is malformed: {e}")))?;
    if model.n_features != n_features {
        return Err(invalid(format!(
            "the trees use {} features, the model names {n_features}",
            model.n_features
        )));
    }
    if model.trees.is_empty() {
        return Err(invalid("the tree model has no trees"));
    }
    let mut a = TreeAttributes::default();
    for (t, tree) in model.trees.iter().enumerate() {
        let t = dim(t)?;
        for (i, node) in tree.nodes.iter().enumerate() {
            let i = dim(i)?;
            a.tree_ids.push(t);
            a.node_ids.push(i);
            match node {
                Node::Split(s) => {
                    a.feature_ids.push(i64::from(s.feature));
                    a.values.push(s.threshold);
                    a.modes.push("BRANCH_LEQ");
                    a.true_ids.push(i64::from(s.left));
                    a.false_ids.push(i64::from(s.right));
                    a.missing_tracks_true.push(i64::from(s.default_left));
                }
                Node::Leaf(leaf) => {
                    a.feature_ids.push(0);
                    a.values.push(0.0);
                    a.modes.push("LEAF");
                    a.true_ids.push(0);
                    a.false_ids.push(0);
                    a.missing_tracks_true.push(0);
                    let value = if t == 0 {
                        leaf.value + model.base_score
                    } else {
                        leaf.value
                    };
                    a.class_tree_ids.push(t);
                    a.class_node_ids.push(i);
                    a.class_weights.push(value as f32);
                }
            }
        }
    }
    let class_ids = vec![0i64; a.class_weights.len()];
    g.nodes.push(onnx::ml_node(
        "TreeEnsembleClassifier",
        &[INPUT],
        &["label", "scores"],
        vec![
            onnx::attr_ints("classlabels_int64s", &[0, 1]),
            onnx::attr_ints("class_ids", &class_ids),
            onnx::attr_ints("class_nodeids", &a.class_node_ids),
            onnx::attr_ints("class_treeids", &a.class_tree_ids),
            onnx::attr_floats("class_weights", &a.class_weights),
            onnx::attr_ints("nodes_falsenodeids", &a.false_ids),
            onnx::attr_ints("nodes_featureids", &a.feature_ids),
            onnx::attr_ints("nodes_missing_value_tracks_true", &a.missing_tracks_true),
            onnx::attr_strings("nodes_modes", &a.modes),
            onnx::attr_ints("nodes_nodeids", &a.node_ids),
            onnx::attr_ints("nodes_treeids", &a.tree_ids),
            onnx::attr_ints("nodes_truenodeids", &a.true_ids),
            onnx::attr_floats("nodes_values", &a.values),
            onnx::attr_string("post_transform", "NONE"),
        ],
    ));
    g.initializers.extend([
        onnx::int64_tensor("col1_start", &[1], &[1]),
        onnx::int64_tensor("col1_end", &[1], &[2]),
        onnx::int64_tensor("col_axis", &[1], &[1]),
    ]);
    g.nodes.push(onnx::node(
        "Slice",
        &["scores", "col1_start", "col1_end", "col_axis"],
        &["m32"],
        vec![],
    ));
    g.nodes.push(onnx::node(
        "Cast",
        &["m32"],
        &["m64"],
        vec![cast_to(DataType::Double)],
    ));
    Ok(())
}

/// `features → float64 clipping, log of counts, standardisation, imputation, indicators →
/// m64 [N, 1]`.
fn logistic_margin(
    model: &LogisticModel,
    n_features: usize,
    g: &mut GraphParts,
) -> Result<(), TrainError> {
    if model.n_features() != n_features {
        return Err(invalid(format!(
            "the logistic model uses {} features, the model names {n_features}",
            model.n_features()
        )));
    }
    let f = dim(n_features)?;
    let features = model.features();
    let clip_low: Vec<f64> = features
        .iter()
        .map(|s| s.clip.map_or(f64::NEG_INFINITY, |[low, _]| low))
        .collect();
    let clip_high: Vec<f64> = features
        .iter()
        .map(|s| s.clip.map_or(f64::INFINITY, |[_, high]| high))
        .collect();
    let log1p: Vec<f64> = features
        .iter()
        .map(|s| if s.log1p { 1.0 } else { 0.0 })
        .collect();
    let mean: Vec<f64> = features.iter().map(|s| s.mean).collect();
    let std: Vec<f64> = features.iter().map(|s| s.std).collect();
    let mut indicator = vec![0.0; n_features];
    let mut coefficients = model.indicator_coefficients().iter();
    for (j, s) in features.iter().enumerate() {
        if s.has_indicator {
            indicator[j] = *coefficients
                .next()
                .ok_or_else(|| invalid("fewer indicator coefficients than indicators"))?;
        }
    }
    g.initializers.extend([
        double_tensor("lr_clip_low", &[f], &clip_low),
        double_tensor("lr_clip_high", &[f], &clip_high),
        double_tensor("lr_log1p", &[f], &log1p),
        double_tensor("lr_mean", &[f], &mean),
        double_tensor("lr_std", &[f], &std),
        double_tensor("lr_coefficients", &[f, 1], model.coefficients()),
        double_tensor("lr_indicator_coefficients", &[f, 1], &indicator),
        double_tensor("lr_intercept", &[1], &[model.intercept()]),
        double_tensor("zero64", &[], &[0.0]),
        double_tensor("one64", &[], &[1.0]),
    ]);
    g.nodes.extend([
        onnx::node("IsNaN", &[INPUT], &["missing"], vec![]),
        onnx::node("Cast", &[INPUT], &["x64"], vec![cast_to(DataType::Double)]),
        onnx::node("Max", &["x64", "lr_clip_low"], &["above_low"], vec![]),
        onnx::node("Min", &["above_low", "lr_clip_high"], &["clipped"], vec![]),
        // Max(·, 0) keeps Log's argument ≥ 1 on every feature, count or not.
        onnx::node("Max", &["clipped", "zero64"], &["non_negative"], vec![]),
        onnx::node("Add", &["non_negative", "one64"], &["log_argument"], vec![]),
        onnx::node("Log", &["log_argument"], &["logged"], vec![]),
        onnx::node(
            "Cast",
            &["lr_log1p"],
            &["is_count"],
            vec![cast_to(DataType::Bool)],
        ),
        onnx::node(
            "Where",
            &["is_count", "logged", "clipped"],
            &["transformed"],
            vec![],
        ),
        onnx::node("Sub", &["transformed", "lr_mean"], &["centred"], vec![]),
        onnx::node("Div", &["centred", "lr_std"], &["scaled"], vec![]),
        onnx::node("Where", &["missing", "zero64", "scaled"], &["z"], vec![]),
        onnx::node("MatMul", &["z", "lr_coefficients"], &["linear"], vec![]),
        onnx::node(
            "Cast",
            &["missing"],
            &["indicators"],
            vec![cast_to(DataType::Double)],
        ),
        onnx::node(
            "MatMul",
            &["indicators", "lr_indicator_coefficients"],
            &["indicator_terms"],
            vec![],
        ),
        onnx::node("Add", &["linear", "indicator_terms"], &["terms"], vec![]),
        onnx::node("Add", &["terms", "lr_intercept"], &["m64"], vec![]),
    ]);
    Ok(())
}

/// `m64 [N, 1] → p64 [N, 1]` (float64).
fn calibration(calibrator: &Calibrator, g: &mut GraphParts) -> Result<(), TrainError> {
    match calibrator {
        Calibrator::Platt { a, b } => {
            g.initializers.extend([
                double_tensor("platt_a", &[1], &[*a]),
                double_tensor("platt_b", &[1], &[*b]),
            ]);
            g.nodes.extend([
                onnx::node("Mul", &["m64", "platt_a"], &["platt_scaled"], vec![]),
                onnx::node("Add", &["platt_scaled", "platt_b"], &["platt_z"], vec![]),
                onnx::node("Sigmoid", &["platt_z"], &["p64"], vec![]),
            ]);
        }
        Calibrator::Isotonic { thresholds, values } => {
            if thresholds.is_empty() || thresholds.len() != values.len() {
                return Err(invalid("isotonic calibrator without knots"));
            }
            // One knot: a constant. Written as one ramp of slope 0 so the graph keeps its shape.
            let (knots, widths, slopes): (Vec<f64>, Vec<f64>, Vec<f64>) = if thresholds.len() == 1 {
                (vec![thresholds[0]], vec![1.0], vec![0.0])
            } else {
                let k = thresholds.len() - 1;
                let mut knots = Vec::with_capacity(k);
                let mut widths = Vec::with_capacity(k);
                let mut slopes = Vec::with_capacity(k);
                for j in 0..k {
                    let w = thresholds[j + 1] - thresholds[j];
                    knots.push(thresholds[j]);
                    widths.push(w);
                    slopes.push((values[j + 1] - values[j]) / w);
                }
                (knots, widths, slopes)
            };
            let k = dim(knots.len())?;
            g.initializers.extend([
                double_tensor("iso_knots", &[k], &knots),
                double_tensor("iso_widths", &[k], &widths),
                double_tensor("iso_slopes", &[k, 1], &slopes),
                double_tensor("iso_base", &[1], &[values[0]]),
                double_tensor("iso_zero", &[], &[0.0]),
            ]);
            g.nodes.extend([
                onnx::node("Sub", &["m64", "iso_knots"], &["iso_offsets"], vec![]),
                onnx::node("Max", &["iso_offsets", "iso_zero"], &["iso_above"], vec![]),
                onnx::node("Min", &["iso_above", "iso_widths"], &["iso_ramps"], vec![]),
                onnx::node(
                    "MatMul",
                    &["iso_ramps", "iso_slopes"],
                    &["iso_rise"],
                    vec![],
                ),
                onnx::node("Add", &["iso_rise", "iso_base"], &["p64"], vec![]),
            ]);
        }
    }
    Ok(())
}

/// Per tree, per node (ONNX node id = index), the cover (sum of training hessians) TreeSHAP
/// weighs paths by (a scorecard's: its trees' bin rows); `None` for a logistic model.
pub fn tree_covers(model: &Model) -> Option<Vec<Vec<f64>>> {
    let scorecard;
    let m = match model {
        Model::Gbdt(m) => m,
        Model::Scorecard(s) => {
            scorecard = s.to_gbdt();
            &scorecard
        }
        Model::Logistic(_) => return None,
    };
    Some(
        m.trees
            .iter()
            .map(|t| {
                t.nodes
                    .iter()
                    .map(|n| match n {
                        Node::Split(s) => s.sum_hessian,
                        Node::Leaf(l) => l.sum_hessian,
                    })
                    .collect()
            })
            .collect(),
    )
}
