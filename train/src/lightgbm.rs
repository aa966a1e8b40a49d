//! LightGBM text models (format `v3` and `v4`) read and turned, exactly, into a [`GbdtModel`].
//!
//! A team that already runs LightGBM brings its `model.txt`; [`LightGbmModel::parse`] reads it
//! and [`LightGbmModel::to_gbdt`] rewrites its trees into appfraud's representation, so that the
//! ONNX export, the TreeSHAP covers, the package and scoring all work unchanged. Only what can be
//! represented exactly is accepted: binary classification (`objective=binary`, any
//! `sigmoid:`), one tree per iteration, numerical splits, constant leaves. Categorical splits,
//! several classes, other objectives, linear trees and averaged (random-forest) outputs are
//! refused with [`TrainError::LightGbmUnsupported`]; a file that is not LightGBM's text format
//! with [`TrainError::LightGbmMalformed`] naming the line and key.
//!
//! # Routing: LightGBM's rule in `f64`, appfraud's in `f32`
//!
//! LightGBM predicts on `f64` values. A row handed to it as a dense matrix (NumPy, pandas, the
//! C API's dense functions: what the import reproduces) first loses its values of magnitude at
//! most `kZeroThreshold = 1e-35f` (the C API keeps only larger ones and the predictor reads the
//! others as `0.0`). Sparse input keeps them, so LightGBM itself can route a value of exactly
//! `±1e-35` differently from sparse and dense rows; appfraud follows the dense rule. At a numerical node with threshold `t` (an `f64`)
//! and missing type `m`, with `x` the value after that step:
//!
//! - `m = None`: `NaN` becomes `0.0`; then left iff `x <= t`;
//! - `m = NaN`: `NaN` goes to the default direction; others left iff `x <= t`;
//! - `m = Zero`: `NaN` becomes `0.0`; then every `x` with `|x| <= 1e-35` (so `NaN` and zero)
//!   goes to the default direction, the others left iff `x <= t`.
//!
//! appfraud sends a row left iff `x <= threshold` in `f32`, `NaN` to `default_left`. For an
//! `f32` input `x`, `(x as f64) <= t` holds exactly when `x <= t32`, where `t32` is the largest
//! `f32` not above `t` ([`lightgbm_threshold_f32`]; `±∞` included, so huge thresholds stay
//! exact). LightGBM's rule above, seen on the `f32` line, is therefore constant between three
//! cut points: `t32`, the largest `f32` below `-1e-35`, and `1e-35`. Cutting there and merging
//! neighbouring intervals that go the same way leaves one to four intervals, alternating between
//! the two children. One interval is one appfraud split `x <= +∞` whose other child is kept (for
//! `NaN` when it goes there, and for TreeSHAP's averages); two are one split at their boundary. Three or four (a zero region sent against the threshold, e.g.
//! missing type Zero, default left, threshold below `-1e-35`) become a chain of `x <= b` splits
//! on the same feature, one per boundary, each interval leading to its own copy of the child's
//! subtree; `NaN` follows the chain to the first interval whose child is `NaN`'s.
//!
//! # Why TreeSHAP is unchanged by the copies
//!
//! Path-dependent TreeSHAP (what LightGBM's `pred_contrib` and appfraud's explainer compute) is
//! the Shapley value of the game `v(S)`: walk the tree; at a split on a feature in `S` follow
//! the row, at any other split take the average of both children weighted by their covers
//! (here LightGBM's own `internal_count`/`leaf_count`). A child reached by `k` intervals is
//! copied `k` times and every cover inside each copy is multiplied by `1/k`. Within a copy all
//! covers scale alike, so every ratio and hence every `v` computed inside it is the original
//! subtree's. At the chain: if the feature is in `S` the row reaches a copy of the child
//! LightGBM sends it to, so `v` is unchanged; if not, the chain's weighted average is
//! `Σ_copies (cover/k)/cover(node) · v(child) = Σ_children cover(child)/cover(node) · v(child)`,
//! the original node's average, because the chain's first node keeps the node's cover and each
//! later chain node's cover is the sum of what lies below it. The game is the same, so the
//! contributions are LightGBM's. Gains are scaled like covers, so importance shares are kept.
//!
//! # Numbers
//!
//! Leaf values keep LightGBM's `f64`; LightGBM's boost-from-average start is already inside the
//! first tree's leaves, so the base score is 0. The ONNX file stores leaf weights as `float32`
//! (the format's type): the package's margin differs from LightGBM's by that rounding only.

use std::collections::HashMap;

use crate::TrainError;
use crate::gbdt::{GbdtModel, LeafNode, Node, SplitNode, Tree};

/// LightGBM's `kZeroThreshold`: inputs of at most this magnitude are read as zero.
const ZERO_THRESHOLD: f32 = 1e-35;

/// Deepest LightGBM tree accepted (the rewrite and TreeSHAP walk trees recursively).
pub const LIGHTGBM_MAX_DEPTH: usize = 512;

/// Most nodes one imported tree may have after its zero-as-missing splits are rewritten.
pub const LIGHTGBM_MAX_NODES: usize = 1 << 20;

/// How a LightGBM node treats missing values (bits 2–3 of `decision_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MissingType {
    /// `NaN` is read as `0.0`.
    None,
    /// `NaN` and values with `|x| <= 1e-35` go to the default direction.
    Zero,
    /// `NaN` goes to the default direction.
    NaN,
}

/// The largest `f32` that is not above `threshold` (`±∞` included): for every `f32` `x`,
/// `x <= lightgbm_threshold_f32(t)` exactly when `(x as f64) <= t`. `NaN` stays `NaN`.
pub fn lightgbm_threshold_f32(threshold: f64) -> f32 {
    // `as` rounds to the nearest `f32` (overflowing to ±∞); step down when it rounded up.
    let nearest = threshold as f32;
    if f64::from(nearest) > threshold {
        nearest.next_down()
    } else {
        nearest
    }
}

/// LightGBM's routing of an `f32` input at a numerical node, transcribed from its predictor (the
/// dense-row conversion, then `Tree::NumericalDecision`): whether `x` goes to the left child.
fn lightgbm_goes_left(x: f32, threshold: f64, missing: MissingType, default_left: bool) -> bool {
    let zero = f64::from(ZERO_THRESHOLD);
    let mut v = f64::from(x);
    if v.abs() <= zero {
        v = 0.0;
    }
    if v.is_nan() && missing != MissingType::NaN {
        v = 0.0;
    }
    let to_default = match missing {
        MissingType::Zero => (-zero..=zero).contains(&v),
        MissingType::NaN => v.is_nan(),
        MissingType::None => false,
    };
    if to_default {
        default_left
    } else {
        v <= threshold
    }
}

/// One interval of the `f32` line at a rewritten node: the values up to `upper` (all the rest
/// for the last one) above the previous interval's, and whether they go to the left child.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Piece {
    upper: f32,
    left: bool,
}

/// The intervals (in increasing order, alternating sides, at least two, the last one's `upper`
/// unused) and `NaN`'s side at a LightGBM node (see the module docs).
fn pieces(threshold: f64, missing: MissingType, default_left: bool) -> (Vec<Piece>, bool) {
    let side = |x: f32| lightgbm_goes_left(x, threshold, missing, default_left);
    let mut cuts = [
        (-ZERO_THRESHOLD).next_down(),
        ZERO_THRESHOLD,
        lightgbm_threshold_f32(threshold),
    ];
    cuts.sort_by(f32::total_cmp);
    let mut pieces: Vec<Piece> = Vec::with_capacity(4);
    let mut push = |upper: f32, left: bool| match pieces.last_mut() {
        Some(last) if last.left == left => last.upper = upper,
        _ => pieces.push(Piece { upper, left }),
    };
    for &cut in &cuts {
        push(cut, side(cut));
    }
    let last = cuts[2];
    if last < f32::INFINITY {
        push(f32::INFINITY, side(last.next_up()));
    }
    if pieces.len() == 1 {
        // Every number goes one way: one split that sends them all there and keeps the other
        // child (for NaN, and for TreeSHAP's averages).
        let only = pieces[0];
        pieces.push(Piece {
            upper: f32::INFINITY,
            left: !only.left,
        });
        pieces[0].upper = f32::INFINITY;
    }
    (pieces, side(f32::NAN))
}

/// A child reference of a LightGBM node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Child {
    /// Another internal node (index into the node arrays).
    Internal(usize),
    /// A leaf (index into the leaf arrays).
    Leaf(usize),
}

/// One LightGBM tree, as read.
#[derive(Debug, Clone, PartialEq)]
struct LgbTree {
    /// The tree's 0-based index.
    index: usize,
    split_feature: Vec<u32>,
    split_gain: Vec<f64>,
    threshold: Vec<f64>,
    missing: Vec<MissingType>,
    default_left: Vec<bool>,
    left: Vec<Child>,
    right: Vec<Child>,
    leaf_value: Vec<f64>,
    leaf_count: Vec<f64>,
    internal_count: Vec<f64>,
}

/// A LightGBM binary-classification text model, read and checked (see the module docs).
#[derive(Debug, Clone, PartialEq)]
pub struct LightGbmModel {
    version: String,
    feature_names: Vec<String>,
    sigmoid: f64,
    trees: Vec<LgbTree>,
}

/// The `key=value` lines of one section of the file, with their line numbers.
struct Section<'a> {
    /// What the section is, for errors (`"header"`, `"Tree=3"`).
    name: String,
    /// The line the section starts at.
    line: usize,
    keys: HashMap<&'a str, (usize, &'a str)>,
}

fn malformed(line: usize, key: &str, reason: impl Into<String>) -> TrainError {
    TrainError::LightGbmMalformed {
        line,
        key: key.to_owned(),
        reason: reason.into(),
    }
}

fn unsupported(what: impl Into<String>) -> TrainError {
    TrainError::LightGbmUnsupported { what: what.into() }
}

impl<'a> Section<'a> {
    fn new(name: String, line: usize) -> Self {
        Section {
            name,
            line,
            keys: HashMap::new(),
        }
    }

    fn insert(&mut self, line: usize, key: &'a str, value: &'a str) -> Result<(), TrainError> {
        if self.keys.insert(key, (line, value)).is_some() {
            return Err(malformed(
                line,
                key,
                format!("the key appears twice in {}", self.name),
            ));
        }
        Ok(())
    }

    fn get(&self, key: &str) -> Option<(usize, &'a str)> {
        self.keys.get(key).copied()
    }

    fn required(&self, key: &str) -> Result<(usize, &'a str), TrainError> {
        self.get(key).ok_or_else(|| {
            malformed(
                self.line,
                key,
                format!("{} has no `{key}=` line", self.name),
            )
        })
    }

    /// One number of type `T`.
    fn number<T: std::str::FromStr>(&self, key: &str) -> Result<T, TrainError> {
        let (line, value) = self.required(key)?;
        value.trim().parse().map_err(|_| {
            malformed(
                line,
                key,
                format!("`{}` is not a valid number", value.trim()),
            )
        })
    }

    /// `len` whitespace-separated numbers of type `T`.
    fn numbers<T: std::str::FromStr>(&self, key: &str, len: usize) -> Result<Vec<T>, TrainError> {
        let (line, value) = self.required(key)?;
        let values = value
            .split_whitespace()
            .enumerate()
            .map(|(i, token)| {
                token.parse().map_err(|_| {
                    malformed(
                        line,
                        key,
                        format!("value {} `{token}` is not a valid number", i + 1),
                    )
                })
            })
            .collect::<Result<Vec<T>, _>>()?;
        if values.len() != len {
            return Err(malformed(
                line,
                key,
                format!("{} values where {} needs {len}", values.len(), self.name),
            ));
        }
        Ok(values)
    }
}

/// Splits the text into the header and the tree sections, ending at `end of trees`.
fn sections(text: &str) -> Result<(Section<'_>, Vec<Section<'_>>), TrainError> {
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l.trim()));
    let first = lines.by_ref().find(|(_, l)| !l.is_empty());
    match first {
        Some((_, "tree")) => {}
        Some((line, other)) => {
            return Err(malformed(
                line,
                "model type",
                format!("a LightGBM text model starts with `tree`, not `{other}`"),
            ));
        }
        None => return Err(malformed(1, "model type", "the file is empty")),
    }
    let mut header = Section::new("the header".to_owned(), 1);
    let mut trees: Vec<Section<'_>> = Vec::new();
    let mut last_line = 1;
    for (line, l) in lines {
        last_line = line;
        if l.is_empty() {
            continue;
        }
        if l == "end of trees" {
            return Ok((header, trees));
        }
        let Some((key, value)) = l.split_once('=') else {
            return Err(malformed(line, l, "expected a `key=value` line"));
        };
        if key == "Tree" {
            let index: usize = value
                .parse()
                .map_err(|_| malformed(line, key, format!("`{value}` is not a tree index")))?;
            if index != trees.len() {
                return Err(malformed(
                    line,
                    key,
                    format!("tree {index} where tree {} was expected", trees.len()),
                ));
            }
            trees.push(Section::new(format!("Tree={index}"), line));
            continue;
        }
        match trees.last_mut() {
            Some(tree) => tree.insert(line, key, value)?,
            None => header.insert(line, key, value)?,
        }
    }
    Err(malformed(
        last_line,
        "end of trees",
        "the file ends before the `end of trees` line (truncated?)",
    ))
}

/// A child reference as written (`>= 0` an internal node, `< 0` the leaf `~c`).
fn child(
    line: usize,
    key: &str,
    c: i64,
    n_internal: usize,
    n_leaves: usize,
) -> Result<Child, TrainError> {
    if c >= 0 {
        let i = usize::try_from(c).unwrap_or(usize::MAX);
        if i == 0 || i >= n_internal {
            return Err(malformed(
                line,
                key,
                format!("child {c} is not a node of the tree"),
            ));
        }
        Ok(Child::Internal(i))
    } else {
        let l = usize::try_from(!c).unwrap_or(usize::MAX);
        if l >= n_leaves {
            return Err(malformed(
                line,
                key,
                format!("child {c} is not a leaf of the tree"),
            ));
        }
        Ok(Child::Leaf(l))
    }
}

fn finite(line: usize, key: &str, values: &[f64]) -> Result<(), TrainError> {
    match values.iter().position(|v| !v.is_finite()) {
        Some(i) => Err(malformed(
            line,
            key,
            format!("value {} is not finite", i + 1),
        )),
        None => Ok(()),
    }
}

fn counts(section: &Section<'_>, key: &str, len: usize) -> Result<Vec<f64>, TrainError> {
    let values: Vec<u64> = section.numbers(key, len)?;
    Ok(values.into_iter().map(|c| c as f64).collect())
}

impl LgbTree {
    fn parse(
        section: &Section<'_>,
        index: usize,
        n_features: usize,
    ) -> Result<LgbTree, TrainError> {
        if let Some((_, value)) = section.get("is_linear")
            && value.trim() != "0"
        {
            return Err(unsupported(format!("has a linear tree (tree {index})")));
        }
        let n_leaves: usize = section.number("num_leaves")?;
        if n_leaves == 0 {
            let (line, _) = section.required("num_leaves")?;
            return Err(malformed(
                line,
                "num_leaves",
                "a tree has at least one leaf",
            ));
        }
        let leaf_value: Vec<f64> = section.numbers("leaf_value", n_leaves)?;
        finite(section.required("leaf_value")?.0, "leaf_value", &leaf_value)?;
        if n_leaves == 1 {
            // A constant tree: its expected value is its value, whatever its cover.
            return Ok(LgbTree {
                index,
                split_feature: Vec::new(),
                split_gain: Vec::new(),
                threshold: Vec::new(),
                missing: Vec::new(),
                default_left: Vec::new(),
                left: Vec::new(),
                right: Vec::new(),
                leaf_value,
                leaf_count: vec![1.0],
                internal_count: Vec::new(),
            });
        }
        let num_cat: usize = match section.get("num_cat") {
            Some(_) => section.number("num_cat")?,
            None => 0,
        };
        if num_cat > 0 {
            return Err(unsupported(format!(
                "has categorical splits (num_cat={num_cat} in tree {index})"
            )));
        }
        let n = n_leaves - 1;
        let decision: Vec<u8> = section.numbers("decision_type", n)?;
        let (decision_line, _) = section.required("decision_type")?;
        let mut missing = Vec::with_capacity(n);
        let mut default_left = Vec::with_capacity(n);
        for &d in &decision {
            if d & 1 != 0 {
                return Err(unsupported(format!(
                    "has categorical splits (tree {index})"
                )));
            }
            default_left.push(d & 2 != 0);
            missing.push(match (d >> 2) & 3 {
                0 => MissingType::None,
                1 => MissingType::Zero,
                2 => MissingType::NaN,
                _ => {
                    return Err(malformed(
                        decision_line,
                        "decision_type",
                        format!("decision type {d} has no missing type"),
                    ));
                }
            });
        }
        let split_feature: Vec<u32> = section.numbers("split_feature", n)?;
        if let Some(f) = split_feature.iter().find(|&&f| f as usize >= n_features) {
            let (line, _) = section.required("split_feature")?;
            return Err(malformed(
                line,
                "split_feature",
                format!("feature {f} is beyond the {n_features} features of the header"),
            ));
        }
        let threshold: Vec<f64> = section.numbers("threshold", n)?;
        if let Some(i) = threshold.iter().position(|t| t.is_nan()) {
            let (line, _) = section.required("threshold")?;
            return Err(malformed(
                line,
                "threshold",
                format!("value {} is NaN", i + 1),
            ));
        }
        let split_gain: Vec<f64> = match section.get("split_gain") {
            Some(_) => section.numbers("split_gain", n)?,
            None => vec![0.0; n],
        };
        let mut sides = Vec::with_capacity(2);
        for key in ["left_child", "right_child"] {
            let raw: Vec<i64> = section.numbers(key, n)?;
            let (line, _) = section.required(key)?;
            sides.push(
                raw.into_iter()
                    .map(|c| child(line, key, c, n, n_leaves))
                    .collect::<Result<Vec<_>, _>>()?,
            );
        }
        let right = sides.pop().unwrap_or_default();
        let left = sides.pop().unwrap_or_default();
        let tree = LgbTree {
            index,
            split_feature,
            split_gain,
            threshold,
            missing,
            default_left,
            left,
            right,
            leaf_value,
            leaf_count: counts(section, "leaf_count", n_leaves)?,
            internal_count: counts(section, "internal_count", n)?,
        };
        tree.check_shape(section.line)?;
        Ok(tree)
    }

    /// Checks that the child references form one tree rooted at node 0 (every node and leaf
    /// reached exactly once) no deeper than [`LIGHTGBM_MAX_DEPTH`].
    fn check_shape(&self, line: usize) -> Result<(), TrainError> {
        let mut seen_nodes = vec![false; self.threshold.len()];
        let mut seen_leaves = vec![false; self.leaf_value.len()];
        let mut stack = vec![(Child::Internal(0), 0usize)];
        while let Some((at, depth)) = stack.pop() {
            if depth > LIGHTGBM_MAX_DEPTH {
                return Err(unsupported(format!(
                    "has a tree deeper than {LIGHTGBM_MAX_DEPTH} levels (tree {})",
                    self.index
                )));
            }
            let seen = match at {
                Child::Internal(i) => &mut seen_nodes[i],
                Child::Leaf(l) => &mut seen_leaves[l],
            };
            if *seen {
                return Err(malformed(
                    line,
                    "left_child/right_child",
                    format!("tree {} reaches a node twice", self.index),
                ));
            }
            *seen = true;
            if let Child::Internal(i) = at {
                stack.push((self.left[i], depth + 1));
                stack.push((self.right[i], depth + 1));
            }
        }
        if seen_nodes.iter().chain(&seen_leaves).any(|s| !s) {
            return Err(malformed(
                line,
                "left_child/right_child",
                format!("tree {} has nodes its root does not reach", self.index),
            ));
        }
        Ok(())
    }

    /// The tree in appfraud's representation (see the module docs).
    fn to_tree(&self) -> Result<Tree, TrainError> {
        let mut emitter = Emitter {
            tree: self,
            nodes: Vec::new(),
        };
        if self.threshold.is_empty() {
            emitter.emit(Child::Leaf(0), 1.0)?;
        } else {
            emitter.emit(Child::Internal(0), 1.0)?;
        }
        Ok(Tree {
            nodes: emitter.nodes,
        })
    }
}

/// Writes one LightGBM tree's nodes in appfraud's order (children after their parent).
struct Emitter<'a> {
    tree: &'a LgbTree,
    nodes: Vec<Node>,
}

impl Emitter<'_> {
    /// Emits the subtree at `at` with every cover and gain multiplied by `scale`; returns the
    /// index of its root.
    fn emit(&mut self, at: Child, scale: f64) -> Result<u32, TrainError> {
        let index = self.reserve()?;
        match at {
            Child::Leaf(l) => {
                let cover = self.tree.leaf_count[l] * scale;
                self.nodes[index as usize] = Node::Leaf(LeafNode {
                    value: self.tree.leaf_value[l],
                    count: cover.round() as u32,
                    sum_hessian: cover,
                });
            }
            Child::Internal(i) => {
                let t = self.tree;
                let (pieces, nan_left) = pieces(t.threshold[i], t.missing[i], t.default_left[i]);
                self.chain(index, i, &pieces, 0, nan_left, scale)?;
            }
        }
        Ok(index)
    }

    /// Appends a placeholder node and returns its index.
    fn reserve(&mut self) -> Result<u32, TrainError> {
        if self.nodes.len() >= LIGHTGBM_MAX_NODES {
            return Err(unsupported(format!(
                "needs more than {LIGHTGBM_MAX_NODES} nodes in tree {} once its zero-as-missing \
                 splits are rewritten",
                self.tree.index
            )));
        }
        self.nodes.push(Node::Leaf(LeafNode {
            value: 0.0,
            count: 0,
            sum_hessian: 0.0,
        }));
        u32::try_from(self.nodes.len() - 1).map_err(|_| unsupported("has too many nodes"))
    }

    /// Fills chain node `j` of LightGBM node `i` at `index`: `x <= pieces[j].upper` leads to a
    /// copy of that piece's child, the rest to the next chain node (or the last piece's copy).
    fn chain(
        &mut self,
        index: u32,
        i: usize,
        pieces: &[Piece],
        j: usize,
        nan_left: bool,
        scale: f64,
    ) -> Result<(), TrainError> {
        let t = self.tree;
        let copies = |left: bool| pieces.iter().filter(|p| p.left == left).count() as f64;
        let target = |left: bool| if left { t.left[i] } else { t.right[i] };
        let piece = pieces[j];
        let left = self.emit(target(piece.left), scale / copies(piece.left))?;
        let right = if j + 2 == pieces.len() {
            let last = pieces[j + 1];
            self.emit(target(last.left), scale / copies(last.left))?
        } else {
            let next = self.reserve()?;
            self.chain(next, i, pieces, j + 1, nan_left, scale)?;
            next
        };
        let cover = if j == 0 {
            t.internal_count[i] * scale
        } else {
            self.cover_at(left) + self.cover_at(right)
        };
        self.nodes[index as usize] = Node::Split(SplitNode {
            feature: t.split_feature[i],
            threshold: piece.upper,
            default_left: piece.left == nan_left,
            left,
            right,
            gain: if j == 0 { t.split_gain[i] * scale } else { 0.0 },
            count: cover.round() as u32,
            sum_hessian: cover,
        });
        Ok(())
    }

    fn cover_at(&self, index: u32) -> f64 {
        match &self.nodes[index as usize] {
            Node::Split(s) => s.sum_hessian,
            Node::Leaf(l) => l.sum_hessian,
        }
    }
}

impl LightGbmModel {
    /// Reads a LightGBM text model (what `Booster.save_model` writes).
    ///
    /// # Errors
    ///
    /// [`TrainError::LightGbmUnsupported`] naming what the model uses that cannot be imported;
    /// [`TrainError::LightGbmMalformed`] naming the line and key of the first problem.
    pub fn parse(text: &str) -> Result<LightGbmModel, TrainError> {
        let (header, tree_sections) = sections(text)?;
        let (line, version) = header.required("version")?;
        if !matches!(version.trim(), "v3" | "v4") {
            return Err(unsupported(format!(
                "is of format version `{}` (line {line}; v3 and v4 are read)",
                version.trim()
            )));
        }
        let num_class: usize = header.number("num_class")?;
        if num_class != 1 {
            return Err(unsupported(format!(
                "has {num_class} classes (num_class={num_class})"
            )));
        }
        let per_iteration: usize = header.number("num_tree_per_iteration")?;
        if per_iteration != 1 {
            return Err(unsupported(format!(
                "has {per_iteration} trees per iteration (num_tree_per_iteration={per_iteration})"
            )));
        }
        if header.get("average_output").is_some() {
            return Err(unsupported(
                "averages its trees (average_output, boosting=rf)",
            ));
        }
        let sigmoid = objective_sigmoid(&header)?;
        let max_feature_idx: usize = header.number("max_feature_idx")?;
        let (line, names) = header.required("feature_names")?;
        let feature_names: Vec<String> = names.split_whitespace().map(str::to_owned).collect();
        let needed = max_feature_idx.saturating_add(1);
        if feature_names.len() != needed {
            return Err(malformed(
                line,
                "feature_names",
                format!(
                    "{} names where max_feature_idx={max_feature_idx} needs {needed}",
                    feature_names.len(),
                ),
            ));
        }
        if tree_sections.is_empty() {
            return Err(malformed(header.line, "Tree", "the model has no tree"));
        }
        let trees = tree_sections
            .iter()
            .enumerate()
            .map(|(k, s)| LgbTree::parse(s, k, feature_names.len()))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(LightGbmModel {
            version: version.trim().to_owned(),
            feature_names,
            sigmoid,
            trees,
        })
    }

    /// The feature names, in the model's column order.
    pub fn feature_names(&self) -> &[String] {
        &self.feature_names
    }

    /// Number of trees.
    pub fn n_trees(&self) -> usize {
        self.trees.len()
    }

    /// The `sigmoid:` parameter of the binary objective: LightGBM's probability is
    /// `1 / (1 + e^(−sigmoid · margin))`.
    pub fn sigmoid(&self) -> f64 {
        self.sigmoid
    }

    /// The format version of the file (`v3` or `v4`).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The model as a [`GbdtModel`] with base score 0 whose margins are LightGBM's raw scores
    /// on every `f32` input and whose TreeSHAP game is LightGBM's (see the module docs).
    ///
    /// # Errors
    ///
    /// [`TrainError::LightGbmUnsupported`] when a tree grows beyond [`LIGHTGBM_MAX_NODES`] once
    /// rewritten; [`TrainError::InvalidTree`] if the result fails [`GbdtModel::validate`].
    pub fn to_gbdt(&self) -> Result<GbdtModel, TrainError> {
        let trees = self
            .trees
            .iter()
            .map(LgbTree::to_tree)
            .collect::<Result<Vec<_>, _>>()?;
        let model = GbdtModel {
            base_score: 0.0,
            trees,
            n_features: self.feature_names.len(),
            feature_names: Some(self.feature_names.clone()),
            best_iteration: None,
        };
        model.validate()?;
        Ok(model)
    }
}

/// The `sigmoid` of `objective=binary [sigmoid:S]`; any other objective is refused.
fn objective_sigmoid(header: &Section<'_>) -> Result<f64, TrainError> {
    let (line, objective) = header.required("objective")?;
    let mut tokens = objective.split_whitespace();
    match tokens.next() {
        Some("binary") => {}
        Some(other) => {
            return Err(unsupported(format!(
                "has objective `{other}` (only `binary` gives fraud probabilities)"
            )));
        }
        None => return Err(malformed(line, "objective", "the objective is empty")),
    }
    let mut sigmoid = 1.0;
    for token in tokens {
        match token.split_once(':') {
            Some(("sigmoid", value)) => {
                sigmoid = value
                    .parse::<f64>()
                    .ok()
                    .filter(|s| s.is_finite() && *s > 0.0)
                    .ok_or_else(|| {
                        malformed(
                            line,
                            "objective",
                            format!("sigmoid `{value}` is not a positive number"),
                        )
                    })?;
            }
            _ => {
                return Err(unsupported(format!("has objective parameter `{token}`")));
            }
        }
    }
    Ok(sigmoid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use appfraud_core::primitives::SplitMix64;

    /// `f32` values around `t32`: itself, its 8 neighbours each side, and the specials.
    fn probes(t32: f32) -> Vec<f32> {
        let mut out = vec![
            f32::NAN,
            0.0,
            -0.0,
            ZERO_THRESHOLD,
            -ZERO_THRESHOLD,
            ZERO_THRESHOLD.next_up(),
            ZERO_THRESHOLD.next_down(),
            (-ZERO_THRESHOLD).next_up(),
            (-ZERO_THRESHOLD).next_down(),
            f32::MIN_POSITIVE,
            -f32::MIN_POSITIVE,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::MAX,
            f32::MIN,
        ];
        let (mut up, mut down) = (t32, t32);
        out.push(t32);
        for _ in 0..8 {
            up = up.next_up();
            down = down.next_down();
            out.extend([up, down]);
        }
        out
    }

    /// Random `f64` thresholds of every magnitude and sign, plus the ones LightGBM writes near
    /// zero and beyond the `f32` range.
    fn thresholds() -> Vec<f64> {
        let mut rng = SplitMix64::new(17);
        let mut out = vec![
            0.0,
            -0.0,
            f64::from(ZERO_THRESHOLD),
            -f64::from(ZERO_THRESHOLD),
            1e-35,
            -1e-35,
            5e-36,
            -5e-36,
            1e-40,
            1e300,
            -1e300,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::from(f32::MAX),
            f64::from(f32::MAX) * (1.0 + 1e-12),
            0.5,
            1.0,
        ];
        for _ in 0..4000 {
            // Uniform bits cover every exponent; a share of them are near small integers.
            let bits = rng.next_u64();
            let t = f64::from_bits(bits);
            if t.is_finite() {
                out.push(t);
            }
            let near = (rng.next_u64() % 2001) as f64 / 8.0 - 125.0;
            let wiggle = (rng.next_u64() % 1000) as f64 * 1e-9;
            out.push(near + wiggle);
            out.push(f64::from(f32::from_bits(rng.next_u64() as u32)));
        }
        out.retain(|t| !t.is_nan());
        out
    }

    #[test]
    fn threshold_conversion_routes_every_f32_neighbour_as_f64() {
        // Reference: IEEE comparison of the f32 input widened to f64, LightGBM's `fval <=
        // threshold`; tolerance: none, the routing must be identical.
        for t in thresholds() {
            let t32 = lightgbm_threshold_f32(t);
            for x in probes(t32).into_iter().chain(probes(t as f32)) {
                if x.is_nan() {
                    continue;
                }
                assert_eq!(
                    x <= t32,
                    f64::from(x) <= t,
                    "x = {x:e}, t = {t:e}, t32 = {t32:e}"
                );
            }
        }
    }

    #[test]
    fn threshold_conversion_of_extremes() {
        assert_eq!(lightgbm_threshold_f32(f64::INFINITY), f32::INFINITY);
        assert_eq!(lightgbm_threshold_f32(1e300), f32::MAX);
        assert_eq!(lightgbm_threshold_f32(-1e300), f32::NEG_INFINITY);
        assert_eq!(lightgbm_threshold_f32(0.1), 0.1_f32.next_down());
        assert_eq!(lightgbm_threshold_f32(0.5), 0.5);
    }

    /// The appfraud subtree one LightGBM node becomes, with leaves `L` = value 1, `R` = 2.
    fn rewritten(t: f64, missing: MissingType, default_left: bool) -> Tree {
        let tree = LgbTree {
            index: 0,
            split_feature: vec![0],
            split_gain: vec![4.0],
            threshold: vec![t],
            missing: vec![missing],
            default_left: vec![default_left],
            left: vec![Child::Leaf(0)],
            right: vec![Child::Leaf(1)],
            leaf_value: vec![1.0, 2.0],
            leaf_count: vec![30.0, 10.0],
            internal_count: vec![40.0],
        };
        tree.to_tree().expect("a one-split tree converts")
    }

    #[test]
    fn rewritten_nodes_route_every_probe_as_lightgbm() {
        // Reference: LightGBM's dense-row conversion and `NumericalDecision`, transcribed in
        // `lightgbm_goes_left`; tolerance: none.
        let types = [MissingType::None, MissingType::Zero, MissingType::NaN];
        let mut rewritten_shapes = [0usize; 8];
        for t in thresholds().into_iter().step_by(7) {
            for missing in types {
                for default_left in [false, true] {
                    let tree = rewritten(t, missing, default_left);
                    rewritten_shapes[tree.nodes.len().min(7)] += 1;
                    let t32 = lightgbm_threshold_f32(t);
                    for x in probes(t32) {
                        let expected = if lightgbm_goes_left(x, t, missing, default_left) {
                            1.0
                        } else {
                            2.0
                        };
                        assert_eq!(
                            tree.leaf(&[x]).value,
                            expected,
                            "x = {x:e}, t = {t:e}, {missing:?}, default_left = {default_left}"
                        );
                    }
                    // Covers: every copy of a leaf holds its share; the root keeps the node's.
                    let leaves: f64 = tree
                        .nodes
                        .iter()
                        .filter_map(|n| match n {
                            Node::Leaf(l) => Some(l.sum_hessian),
                            Node::Split(_) => None,
                        })
                        .sum();
                    assert!((leaves - 40.0).abs() < 1e-12, "{leaves}");
                    match &tree.nodes[0] {
                        Node::Split(s) => assert_eq!(s.sum_hessian, 40.0),
                        Node::Leaf(_) => panic!("the root is a split"),
                    }
                }
            }
        }
        // The zero region against the threshold needs the chain (3 splits, 4 copies = 7 nodes).
        assert!(rewritten_shapes[7] > 0, "{rewritten_shapes:?}");
        assert!(rewritten_shapes[3] > 0, "{rewritten_shapes:?}");
    }

    #[test]
    fn zero_type_default_left_below_minus_zero_duplicates_both_children() {
        let tree = rewritten(-0.5, MissingType::Zero, true);
        // x <= -0.5: L; (-0.5, -1e-35): R; [-1e-35, 1e-35] and NaN: L; above: R.
        assert_eq!(tree.nodes.len(), 7);
        for (x, value) in [
            (-0.5, 1.0),
            (-0.25, 2.0),
            (-ZERO_THRESHOLD, 1.0),
            (0.0, 1.0),
            (f32::NAN, 1.0),
            (ZERO_THRESHOLD, 1.0),
            (ZERO_THRESHOLD.next_up(), 2.0),
            (3.0, 2.0),
        ] {
            assert_eq!(tree.leaf(&[x]).value, value, "x = {x:e}");
        }
        let covers: Vec<(f64, f64)> = tree
            .nodes
            .iter()
            .filter_map(|n| match n {
                Node::Leaf(l) => Some((l.value, l.sum_hessian)),
                Node::Split(_) => None,
            })
            .collect();
        assert_eq!(covers, [(1.0, 15.0), (2.0, 5.0), (1.0, 15.0), (2.0, 5.0)]);
    }

    const TWO_TREES: &str = "tree\nversion=v4\nnum_class=1\nnum_tree_per_iteration=1\n\
        label_index=0\nmax_feature_idx=1\nobjective=binary sigmoid:1\nfeature_names=a b\n\
        feature_infos=[0:1] [0:1]\ntree_sizes=1 1\n\nTree=0\nnum_leaves=3\nnum_cat=0\n\
        split_feature=0 1\nsplit_gain=3 1\nthreshold=0.5 1.0000000180025095e-35\n\
        decision_type=2 10\nleft_child=1 -1\nright_child=-2 -3\nleaf_value=0.1 -0.2 0.3\n\
        leaf_weight=1 1 1\nleaf_count=5 3 2\ninternal_value=0 0\ninternal_weight=0 0\n\
        internal_count=10 7\nis_linear=0\nshrinkage=1\n\n\nTree=1\nnum_leaves=1\nnum_cat=0\n\
        split_feature=\nsplit_gain=\nthreshold=\ndecision_type=\nleft_child=\nright_child=\n\
        leaf_value=-0.05\nleaf_weight=\nleaf_count=\ninternal_value=\ninternal_weight=\n\
        internal_count=\nis_linear=0\nshrinkage=1\n\n\nend of trees\n\nparameters:\n";

    #[test]
    fn a_written_model_reads_and_predicts_by_hand() {
        let model = LightGbmModel::parse(TWO_TREES).expect("valid model");
        assert_eq!(model.feature_names(), ["a", "b"]);
        assert_eq!(
            (model.n_trees(), model.sigmoid(), model.version()),
            (2, 1.0, "v4")
        );
        let gbdt = model.to_gbdt().expect("converts");
        // Worked by hand from the text: a <= 0.5 → (b <= 1e-35 → 0.1, else 0.3), else −0.2;
        // then −0.05. Node 1 is NaN-type, default left.
        for (row, margin) in [
            ([0.5_f32, 0.0_f32], 0.05),
            ([0.5_f32.next_up(), 0.0], -0.25),
            ([0.0, 1e-3], 0.25),
            ([0.0, f32::NAN], 0.05),
            ([f32::NAN, 1.0], 0.25), // a: missing type None, NaN is 0
        ] {
            assert!(
                (gbdt.predict_margin(&row) - margin).abs() < 1e-15,
                "{row:?}"
            );
        }
    }

    #[test]
    fn hostile_sizes_and_shapes_are_errors_not_panics() {
        for (from, to, line, key) in [
            (
                "max_feature_idx=1",
                "max_feature_idx=18446744073709551615",
                8,
                "feature_names",
            ),
            (
                "num_leaves=3",
                "num_leaves=99999999999999",
                21,
                "leaf_value",
            ),
            (
                "left_child=1 -1",
                "left_child=1 1",
                12,
                "left_child/right_child",
            ),
            (
                "split_feature=0 1",
                "split_feature=0 2",
                15,
                "split_feature",
            ),
        ] {
            let text = TWO_TREES.replacen(from, to, 1);
            match LightGbmModel::parse(&text) {
                Err(TrainError::LightGbmMalformed {
                    line: l, key: k, ..
                }) => {
                    assert_eq!((l, k.as_str()), (line, key), "{to}");
                }
                other => panic!("{to}: {other:?}"),
            }
        }
    }

    #[test]
    fn refusals_name_what_is_unsupported_or_malformed() {
        let cases: [(&str, &str, &str); 6] = [
            ("num_class=1\n", "num_class=3\n", "3 classes"),
            (
                "objective=binary sigmoid:1",
                "objective=regression",
                "objective `regression`",
            ),
            ("decision_type=2 10", "decision_type=1 10", "categorical"),
            (
                "Tree=0\nnum_leaves=3\nnum_cat=0",
                "Tree=0\nnum_leaves=3\nnum_cat=1",
                "num_cat=1",
            ),
            (
                "is_linear=0\nshrinkage=1\n\n\nTree=1",
                "is_linear=1\nshrinkage=1\n\n\nTree=1",
                "linear",
            ),
            (
                "num_tree_per_iteration=1",
                "num_tree_per_iteration=3",
                "3 trees per iteration",
            ),
        ];
        for (from, to, phrase) in cases {
            let text = TWO_TREES.replacen(from, to, 1);
            assert_ne!(text, TWO_TREES, "{from}");
            match LightGbmModel::parse(&text) {
                Err(e @ TrainError::LightGbmUnsupported { .. }) => {
                    assert!(e.to_string().contains(phrase), "{e}");
                    assert!(e.is_user_error());
                }
                other => panic!("{to}: {other:?}"),
            }
        }
        let truncated = &TWO_TREES[..TWO_TREES.find("end of trees").unwrap_or(0)];
        let malformed_cases: [(String, usize, &str); 5] = [
            (
                TWO_TREES.replacen("threshold=0.5 ", "threshold=zero ", 1),
                17,
                "threshold",
            ),
            (
                TWO_TREES.replacen("left_child=1 -1", "left_child=1 -7", 1),
                19,
                "left_child",
            ),
            (
                TWO_TREES.replacen("leaf_value=0.1 -0.2 0.3", "leaf_value=0.1 -0.2", 1),
                21,
                "leaf_value",
            ),
            (TWO_TREES.replacen("tree\n", "forest\n", 1), 1, "model type"),
            (truncated.to_owned(), 49, "end of trees"),
        ];
        for (text, line, key) in malformed_cases {
            match LightGbmModel::parse(&text) {
                Err(TrainError::LightGbmMalformed {
                    line: l, key: k, ..
                }) => {
                    assert_eq!((l, k.as_str()), (line, key));
                }
                other => panic!("line {line} ({key}): {other:?}"),
            }
        }
    }
}
