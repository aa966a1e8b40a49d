//! The scorecard: a logistic regression on binned features, read as a table of points.
//!
//! [`train_scorecard`] fits it in four steps on the training rows:
//!
//! 1. **Binning.** Each feature is binned by optimal binning under a trend (`binning.rs`: a
//!    Gini pre-binning tree, then the merge of consecutive pre-bins that maximises the
//!    information value under the trend, optbinning's design). Missing values get a bin of
//!    their own. The trend is the one a feature declares (`ascending`, `descending`, `peak`,
//!    `valley`); else the better monotone one, unless a peak or a valley raises the
//!    information value by more than `min_unimodal_gain` (a fraud rate high at night and low
//!    by day is a valley over the hour, which no monotone binning follows).
//! 2. **Weight of evidence.** Each bin is encoded by `WoE = ln(share of legitimate rows / share
//!    of fraud rows)` (optbinning's and Siddiqi's convention: higher WoE, less fraud). A
//!    missing bin with fewer rows than the least bin (`min_bin_share`) is too small to
//!    estimate and gets WoE 0, the population's odds (optbinning's default for missing values
//!    in `transform`). A bin holding one class only (possible for a large missing bin, or for
//!    the one bin of a feature whose present values are all of one class) gets half a row of
//!    each class added; an empty bin has WoE 0.
//! 3. **Selection.** Features are taken by information value, largest first: below `min_iv`
//!    they are dropped, and one whose WoE correlates (Pearson, training rows) above
//!    `max_correlation` with a feature already taken is dropped, up to `max_features`.
//! 4. **Fit.** An L2 logistic regression on the WoE values (`alpha` as
//!    [`crate::LogisticParams`]), by Newton's method (the crate's `newton.rs`). Every coefficient must be negative (a higher WoE, less
//!    fraud): while one is not, the feature with the lowest IV among those is excluded and the
//!    selection and the fit are redone without it, so coefficients never fight.
//!
//! The margin (log-odds of fraud) is `intercept + Σ_j coefficient_j · WoE_j(bin of x_j)`.
//! [`ScorecardModel::points`] scales it into points per feature and bin
//! ([`PointsScaling`]); [`ScorecardModel::to_gbdt`] writes it as one tree per feature, which
//! is how it is exported and scored; [`ScorecardModel::contributions`] gives each feature's
//! term minus its expected term over the training rows, which TreeSHAP on those trees (with
//! bin counts as covers) computes too.

mod binning;
mod card;

pub(crate) use card::{
    is_plot_file as is_card_plot, plots as card_plots, points_json, section as card_section,
};

use std::collections::HashMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use appfraud_core::{ParamError, declare_params};

pub use binning::Trend;
use binning::{BinningSettings, Counts};

use crate::matrix::{check_finite_or_missing, check_row, check_training_inputs};
use crate::newton;
use crate::{ColumnMatrix, GbdtModel, LeafNode, Node, SplitNode, TrainError, Tree};

declare_params! {
    /// Hyperparameters of [`train_scorecard`]: build with the setters (or deserialise from the
    /// `[scorecard]` table of a config file; unknown keys are refused), then
    /// [`check`](Self::check).
    #[derive(Serialize, Deserialize)]
    #[serde(deny_unknown_fields, default)]
    params ScorecardParams;
    /// Validated [`ScorecardParams`], the only form [`train_scorecard`] accepts.
    #[derive(Serialize)]
    valid ValidScorecardParams;
    /// Most leaves of each feature's pre-binning tree (optbinning's `max_n_prebins`).
    max_prebins: usize = 20,
        valid "an integer in 2..=100" if |v| (2..=100).contains(v);
    /// Least share of the training rows (missing included) in a pre-bin (optbinning's
    /// `min_prebin_size`).
    min_prebin_share: f64 = 0.05,
        valid "a number in (0, 0.5]" if |v| *v > 0.0 && *v <= 0.5;
    /// Most bins of a feature's non-missing values (the missing bin not counted).
    max_bins: usize = 10,
        valid "an integer in 1..=100" if |v| (1..=100).contains(v);
    /// Least share of the training rows (missing included) in a bin.
    min_bin_share: f64 = 0.05,
        valid "a number in (0, 0.5]" if |v| *v > 0.0 && *v <= 0.5;
    /// Features whose fraud rate must not fall as the value grows (names).
    ascending: Vec<String> = Vec::new(), shown "[]",
        valid "feature names" if |_v| true;
    /// Features whose fraud rate must not rise as the value grows (names).
    descending: Vec<String> = Vec::new(), shown "[]",
        valid "feature names" if |_v| true;
    /// Features whose fraud rate rises, then falls, as the value grows (names).
    peak: Vec<String> = Vec::new(), shown "[]",
        valid "feature names" if |_v| true;
    /// Features whose fraud rate falls, then rises, as the value grows (names).
    valley: Vec<String> = Vec::new(), shown "[]",
        valid "feature names" if |_v| true;
    /// For a feature with no declared trend: a peak or valley is used instead of the better
    /// monotone trend only when it raises the information value by more than this share
    /// (a large value keeps every undeclared feature monotone).
    min_unimodal_gain: f64 = 0.1,
        valid "a finite number ≥ 0" if |v| v.is_finite() && *v >= 0.0;
    /// Features with a smaller information value are not used (0.02: "weak" in Siddiqi's
    /// scale).
    min_iv: f64 = 0.02,
        valid "a finite number ≥ 0" if |v| v.is_finite() && *v >= 0.0;
    /// A feature whose WoE correlates above this (in absolute value) with a feature of larger
    /// IV already taken is not used.
    max_correlation: f64 = 0.6,
        valid "a number in (0, 1]" if |v| *v > 0.0 && *v <= 1.0;
    /// Most features in the scorecard.
    max_features: usize = 20,
        valid "an integer ≥ 1" if |v| *v >= 1;
    /// L2 penalty on the WoE coefficients (scikit-learn's `C` is `1 / alpha`).
    alpha: f64 = 1.0,
        valid "a finite number ≥ 0" if |v| v.is_finite() && *v >= 0.0;
    /// Most Newton steps of each fit (it usually needs about ten).
    max_iterations: u64 = 100,
        valid "an integer ≥ 1" if |v| *v >= 1;
    /// The fit stops when the largest component of the objective's gradient, divided by the
    /// number of rows, falls below this.
    gradient_tolerance: f64 = 1e-9,
        valid "a finite number > 0" if |v| v.is_finite() && *v > 0.0;
    /// Points of an applicant whose odds of fraud are `1 : points_base_odds`.
    points_base: f64 = 600.0, shown "600",
        valid "a finite number" if |v| v.is_finite();
    /// Legitimate-to-fraud odds that score `points_base` points.
    points_base_odds: f64 = 50.0, shown "50",
        valid "a finite number > 0" if |v| v.is_finite() && *v > 0.0;
    /// Points that double the odds of fraud.
    points_pdo: f64 = 20.0, shown "20",
        valid "a finite number > 0" if |v| v.is_finite() && *v > 0.0;
}

impl ValidScorecardParams {
    /// The declaration lists, each with its key and trend.
    fn declarations(&self) -> [(&Vec<String>, &'static str, Trend); 4] {
        [
            (&self.ascending, "ascending", Trend::Ascending),
            (&self.descending, "descending", Trend::Descending),
            (&self.peak, "peak", Trend::Peak),
            (&self.valley, "valley", Trend::Valley),
        ]
    }

    /// The trend `name` declares, `None` when it declares none.
    fn declared_trend(&self, name: &str) -> Option<Trend> {
        self.declarations()
            .into_iter()
            .find(|(list, _, _)| list.iter().any(|n| n == name))
            .map(|(_, _, trend)| trend)
    }

    /// Refuses a declared trend naming a feature not in `names`, or a feature declared in two
    /// lists.
    fn check_declarations(&self, names: &[String]) -> Result<(), TrainError> {
        let lists = self.declarations();
        for (k, (list, key, _)) in lists.iter().enumerate() {
            for name in list.iter() {
                if !names.iter().any(|n| n == name) {
                    return Err(TrainError::InvalidParameter(ParamError {
                        table: Some("scorecard"),
                        name: key,
                        value: format!("{name:?}"),
                        expected: "names of features of the training table",
                    }));
                }
                if let Some((_, other, _)) = lists[..k].iter().find(|(l, _, _)| l.contains(name)) {
                    return Err(TrainError::InvalidParameter(ParamError {
                        table: Some("scorecard"),
                        name: key,
                        value: format!("{name:?}"),
                        expected: match *other {
                            "ascending" => "features not also declared ascending",
                            "descending" => "features not also declared descending",
                            _ => "features not also declared peak",
                        },
                    }));
                }
            }
        }
        Ok(())
    }
}

/// How margins become points: `score = points_base + factor · (margin + ln points_base_odds)`
/// with `factor = points_pdo / ln 2`, so an applicant at odds of fraud `1 : points_base_odds`
/// scores `points_base` and every `points_pdo` points double the odds of fraud. **More points,
/// more risk.**
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PointsScaling {
    /// Points at the base odds.
    pub base: f64,
    /// Legitimate-to-fraud odds scoring `base`.
    pub base_odds: f64,
    /// Points that double the odds of fraud.
    pub pdo: f64,
}

impl PointsScaling {
    /// Points per unit of margin, `pdo / ln 2`.
    pub fn factor(&self) -> f64 {
        self.pdo / std::f64::consts::LN_2
    }

    /// The score of a margin.
    pub fn score(&self, margin: f64) -> f64 {
        self.base + self.factor() * (margin + self.base_odds.ln())
    }

    /// The margin of a score (the inverse of [`score`](Self::score)).
    pub fn margin(&self, score: f64) -> f64 {
        (score - self.base) / self.factor() - self.base_odds.ln()
    }
}

/// One bin of a scorecard feature.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreBin {
    /// Training rows in the bin.
    pub rows: u64,
    /// Of which fraud.
    pub events: u64,
    /// Weight of evidence, `ln(share of legitimate / share of fraud)`.
    pub woe: f64,
    /// The bin's information value, `(share of fraud − share of legitimate) · ln(share of
    /// fraud / share of legitimate)`, with the shares the WoE uses.
    pub iv: f64,
}

/// A feature of the scorecard: its bins and coefficient.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScorecardFeature {
    /// Column index in the feature table.
    pub feature: usize,
    /// The trend its bins follow.
    pub trend: Trend,
    /// Whether the trend was declared (else the better of the two was chosen).
    pub declared: bool,
    /// Bin edges: bin `i` holds `thresholds[i−1] < x <= thresholds[i]` (an `f32` value on a
    /// threshold goes to the lower bin, as in the trees it is exported to).
    pub thresholds: Vec<f32>,
    /// The edges as the binning found them: midpoints between training values, in `f64`
    /// (optbinning's `splits`; bin `i` holds `edges[i−1] <= x < edges[i]` for every training
    /// value). `thresholds[i]` is the largest `f32` not above `edges[i]`.
    pub edges: Vec<f64>,
    /// Bins of the non-missing values, in value order (`thresholds.len() + 1`).
    pub bins: Vec<ScoreBin>,
    /// The bin of missing values.
    pub missing: ScoreBin,
    /// Coefficient of the WoE in the margin (negative).
    pub coefficient: f64,
    /// Information value of the feature: the sum over its bins, missing included.
    pub iv: f64,
}

impl ScorecardFeature {
    /// The bin of value `x`: `None` for missing, else the index into [`bins`](Self::bins).
    pub fn bin_of(&self, x: f32) -> Option<usize> {
        if x.is_nan() {
            None
        } else {
            Some(self.thresholds.partition_point(|&t| x > t))
        }
    }

    /// The feature's term of the margin for value `x`: `coefficient · WoE(bin of x)`.
    pub fn term(&self, x: f32) -> f64 {
        let bin = match self.bin_of(x) {
            Some(b) => &self.bins[b],
            None => &self.missing,
        };
        self.coefficient * bin.woe
    }

    /// The expected term over the training rows (bin shares as weights).
    pub fn expected_term(&self) -> f64 {
        let rows: u64 = self.bins.iter().map(|b| b.rows).sum::<u64>() + self.missing.rows;
        if rows == 0 {
            return 0.0;
        }
        self.bins
            .iter()
            .chain([&self.missing])
            .map(|b| b.rows as f64 / rows as f64 * self.coefficient * b.woe)
            .sum()
    }
}

/// Why a candidate feature is or is not in the scorecard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Selection {
    /// In the scorecard.
    Selected,
    /// Its information value is below `min_iv`.
    LowIv,
    /// Its WoE correlates above `max_correlation` with a feature taken before it.
    Correlated {
        /// The column index of that feature.
        with: usize,
        /// The Pearson correlation of the two WoE columns on the training rows.
        correlation: f64,
    },
    /// Its coefficient came out non-negative (it fought the others) and it was dropped.
    WrongSign,
    /// `max_features` were already taken.
    Limit,
}

/// One candidate feature: its information value and its fate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Candidate {
    /// Column index.
    pub feature: usize,
    /// Information value of its binning (missing bin included).
    pub iv: f64,
    /// In or out, and why.
    pub selection: Selection,
}

/// A fitted scorecard. Plain data: it serialises with serde, and deserialising checks it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ScorecardData")]
pub struct ScorecardModel {
    n_features: usize,
    intercept: f64,
    features: Vec<ScorecardFeature>,
    scaling: PointsScaling,
    candidates: Vec<Candidate>,
}

/// The serialised form of [`ScorecardModel`], checked before it becomes one.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScorecardData {
    n_features: usize,
    intercept: f64,
    features: Vec<ScorecardFeature>,
    scaling: PointsScaling,
    candidates: Vec<Candidate>,
}

impl TryFrom<ScorecardData> for ScorecardModel {
    type Error = TrainError;

    fn try_from(d: ScorecardData) -> Result<Self, TrainError> {
        let invalid = |reason: String| TrainError::InvalidModel {
            model: "scorecard",
            reason,
        };
        if !d.intercept.is_finite() {
            return Err(invalid("the intercept is not finite".to_owned()));
        }
        let s = d.scaling;
        let positive = |v: f64| v.is_finite() && v > 0.0;
        if !(s.base.is_finite() && positive(s.base_odds) && positive(s.pdo)) {
            return Err(invalid(
                "the points scaling is not finite and positive".to_owned(),
            ));
        }
        for (k, f) in d.features.iter().enumerate() {
            if f.feature >= d.n_features {
                return Err(invalid(format!(
                    "feature {k} names column {} of {}",
                    f.feature, d.n_features
                )));
            }
            if f.bins.len() != f.thresholds.len() + 1 || f.edges.len() != f.thresholds.len() {
                return Err(invalid(format!(
                    "feature {k} has {} bins for {} thresholds and {} edges",
                    f.bins.len(),
                    f.thresholds.len(),
                    f.edges.len()
                )));
            }
            if f.thresholds.windows(2).any(|w| w[0] >= w[1])
                || f.thresholds.iter().any(|t| !t.is_finite())
            {
                return Err(invalid(format!(
                    "feature {k}: thresholds are not finite and increasing"
                )));
            }
            if !f.coefficient.is_finite()
                || f.bins
                    .iter()
                    .chain([&f.missing])
                    .any(|b| !b.woe.is_finite())
            {
                return Err(invalid(format!(
                    "feature {k}: a WoE or the coefficient is not finite"
                )));
            }
        }
        Ok(ScorecardModel {
            n_features: d.n_features,
            intercept: d.intercept,
            features: d.features,
            scaling: d.scaling,
            candidates: d.candidates,
        })
    }
}

/// One row of the points table.
#[derive(Debug, Clone, PartialEq)]
pub struct PointsRow {
    /// Column index of the feature.
    pub feature: usize,
    /// `None`: the missing bin; else the bin index.
    pub bin: Option<usize>,
    /// The bin's points.
    pub points: f64,
}

impl ScorecardModel {
    /// Number of features a row must have.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// The intercept of the margin.
    pub fn intercept(&self) -> f64 {
        self.intercept
    }

    /// The features in the scorecard, largest information value first (the order of their
    /// terms in the margin and of their trees).
    pub fn features(&self) -> &[ScorecardFeature] {
        &self.features
    }

    /// The points scaling.
    pub fn scaling(&self) -> PointsScaling {
        self.scaling
    }

    /// Every feature that was binned, largest information value first, with its fate.
    pub fn candidates(&self) -> &[Candidate] {
        &self.candidates
    }

    /// The points of each feature's bins: `factor · coefficient · WoE + share`, where
    /// `share = (points_base + factor · (intercept + ln points_base_odds)) / m` spreads the
    /// constant evenly over the `m` features. A row's points summed over its bins are
    /// [`PointsScaling::score`] of its margin. Rows: per feature (in [`features`] order) its
    /// bins in value order, then its missing bin.
    ///
    /// [`features`]: Self::features
    pub fn points(&self) -> Vec<PointsRow> {
        let factor = self.scaling.factor();
        let share = self.constant_points();
        let mut out = Vec::new();
        for f in &self.features {
            let point = |b: &ScoreBin| factor * (f.coefficient * b.woe) + share;
            for (i, b) in f.bins.iter().enumerate() {
                out.push(PointsRow {
                    feature: f.feature,
                    bin: Some(i),
                    points: point(b),
                });
            }
            out.push(PointsRow {
                feature: f.feature,
                bin: None,
                points: point(&f.missing),
            });
        }
        out
    }

    /// The constant part of each feature's points.
    fn constant_points(&self) -> f64 {
        let m = self.features.len().max(1) as f64;
        (self.scaling.base + self.scaling.factor() * (self.intercept + self.scaling.base_odds.ln()))
            / m
    }

    /// The margin of one row: `intercept`, then each feature's term added in
    /// [`features`](Self::features) order (the order [`to_gbdt`](Self::to_gbdt)'s trees add
    /// them, so the two are bit-identical).
    ///
    /// # Errors
    ///
    /// [`TrainError::FeatureCountMismatch`] for a row of another length,
    /// [`TrainError::NonFiniteFeature`] for an infinite value.
    pub fn predict_margin(&self, row: &[f32]) -> Result<f64, TrainError> {
        check_row(row, self.n_features)?;
        Ok(self
            .features
            .iter()
            .fold(self.intercept, |m, f| m + f.term(row[f.feature])))
    }

    /// The margin of every row of `x`, bit-identical to
    /// [`predict_margin`](Self::predict_margin) row by row.
    ///
    /// # Errors
    ///
    /// [`TrainError::FeatureCountMismatch`], [`TrainError::NonFiniteFeature`].
    pub fn predict_margins(&self, x: &ColumnMatrix<'_>) -> Result<Vec<f64>, TrainError> {
        if x.n_features() != self.n_features {
            return Err(TrainError::FeatureCountMismatch {
                what: "feature matrix",
                expected: self.n_features,
                found: x.n_features(),
            });
        }
        check_finite_or_missing("feature matrix", x)?;
        let mut margins = vec![self.intercept; x.n_rows()];
        for f in &self.features {
            for (m, &v) in margins.iter_mut().zip(x.column(f.feature)) {
                *m += f.term(v);
            }
        }
        Ok(margins)
    }

    /// Each feature's contribution to the margin of `row` (column order; 0 for a feature not
    /// in the scorecard): its term minus its [expected term](ScorecardFeature::expected_term),
    /// i.e. its points minus its expected points, in margin units. They sum to the margin
    /// minus [`expected_margin`](Self::expected_margin).
    ///
    /// # Errors
    ///
    /// As [`predict_margin`](Self::predict_margin).
    pub fn contributions(&self, row: &[f32]) -> Result<Vec<f64>, TrainError> {
        check_row(row, self.n_features)?;
        let mut out = vec![0.0; self.n_features];
        for f in &self.features {
            out[f.feature] = f.term(row[f.feature]) - f.expected_term();
        }
        Ok(out)
    }

    /// The training rows' mean margin: the intercept plus every expected term.
    pub fn expected_margin(&self) -> f64 {
        self.features
            .iter()
            .fold(self.intercept, |m, f| m + f.expected_term())
    }

    /// Importance per column: the mean absolute contribution over the training rows (0 for
    /// a feature not in the scorecard).
    pub fn importance(&self) -> Vec<f64> {
        let mut out = vec![0.0; self.n_features];
        for f in &self.features {
            let rows: u64 = f.bins.iter().map(|b| b.rows).sum::<u64>() + f.missing.rows;
            let expected = f.expected_term();
            out[f.feature] = f
                .bins
                .iter()
                .chain([&f.missing])
                .map(|b| {
                    b.rows as f64 / rows.max(1) as f64 * (f.coefficient * b.woe - expected).abs()
                })
                .sum();
        }
        out
    }

    /// The scorecard as an ensemble of one-feature trees, the form it is exported and scored
    /// in: `base_score = intercept`, then per feature (in [`features`](Self::features) order)
    /// one tree whose root sends missing values right to a leaf holding the missing bin's
    /// term (`x <= f32::MAX`, `default_left = false`) and present values left into a balanced
    /// tree over the thresholds whose leaves hold each bin's term. Covers (`sum_hessian`) and
    /// counts are the bins' training rows, so TreeSHAP's expectation is the training mean and
    /// its values equal [`contributions`](Self::contributions).
    pub fn to_gbdt(&self) -> GbdtModel {
        let trees = self
            .features
            .iter()
            .map(|f| {
                let mut nodes = Vec::new();
                let total: u64 = f.bins.iter().map(|b| b.rows).sum::<u64>() + f.missing.rows;
                nodes.push(Node::Split(SplitNode {
                    feature: f.feature as u32,
                    threshold: f32::MAX,
                    default_left: false,
                    left: 1,
                    right: 0,
                    gain: 0.0,
                    count: saturate(total),
                    sum_hessian: total as f64,
                }));
                bin_subtree(f, 0, f.bins.len(), &mut nodes);
                let missing = nodes.len() as u32;
                if let Node::Split(root) = &mut nodes[0] {
                    root.right = missing;
                }
                nodes.push(Node::Leaf(LeafNode {
                    value: f.coefficient * f.missing.woe,
                    count: saturate(f.missing.rows),
                    sum_hessian: f.missing.rows as f64,
                }));
                Tree { nodes }
            })
            .collect();
        GbdtModel {
            base_score: self.intercept,
            trees,
            n_features: self.n_features,
            feature_names: None,
            best_iteration: None,
        }
    }
}

fn saturate(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Appends the balanced tree over bins `lo..hi` of `f` at the end of `nodes`.
fn bin_subtree(f: &ScorecardFeature, lo: usize, hi: usize, nodes: &mut Vec<Node>) {
    let rows: u64 = f.bins[lo..hi].iter().map(|b| b.rows).sum();
    if hi - lo == 1 {
        nodes.push(Node::Leaf(LeafNode {
            value: f.coefficient * f.bins[lo].woe,
            count: saturate(rows),
            sum_hessian: rows as f64,
        }));
        return;
    }
    let mid = (lo + hi) / 2;
    let at = nodes.len();
    nodes.push(Node::Split(SplitNode {
        feature: f.feature as u32,
        threshold: f.thresholds[mid - 1],
        default_left: true,
        left: at as u32 + 1,
        right: 0,
        gain: 0.0,
        count: saturate(rows),
        sum_hessian: rows as f64,
    }));
    bin_subtree(f, lo, mid, nodes);
    let right = nodes.len() as u32;
    if let Node::Split(s) = &mut nodes[at] {
        s.right = right;
    }
    bin_subtree(f, mid, hi, nodes);
}

/// The largest `f32` not above `edge`.
fn threshold_below(edge: f64) -> f32 {
    let t = edge as f32;
    if f64::from(t) > edge {
        t.next_down()
    } else {
        t
    }
}

/// WoE and IV of a bin with `c` rows among `events` fraud and `non_events` legitimate rows;
/// with `smooth`, a bin of one class gets half a row of each class (totals too).
fn woe_iv(c: Counts, events: u64, non_events: u64, smooth: bool) -> ScoreBin {
    let (e, ne) = (c.events as f64, (c.rows - c.events) as f64);
    let (te, tne) = (events as f64, non_events as f64);
    let (e, ne, te, tne) = if smooth && (c.events == 0 || c.events == c.rows) {
        (e + 0.5, ne + 0.5, te + 0.5, tne + 0.5)
    } else {
        (e, ne, te, tne)
    };
    if c.rows == 0 || e == 0.0 || ne == 0.0 {
        return ScoreBin {
            rows: c.rows,
            events: c.events,
            woe: 0.0,
            iv: 0.0,
        };
    }
    let (p, q) = (e / te, ne / tne);
    ScoreBin {
        rows: c.rows,
        events: c.events,
        woe: (q / p).ln(),
        iv: (p - q) * (p / q).ln(),
    }
}

/// One column binned and encoded (steps 1 and 2 of the module docs), coefficient 0.
fn encode(
    j: usize,
    values: &[f32],
    labels: &[bool],
    settings: &BinningSettings,
    declared: Option<Trend>,
) -> ScorecardFeature {
    let b = binning::bin_feature(values, labels, settings, declared);
    let events: u64 = b.bins.iter().map(|c| c.events).sum::<u64>() + b.missing.events;
    let rows: u64 = b.bins.iter().map(|c| c.rows).sum::<u64>() + b.missing.rows;
    let non_events = rows - events;
    let bins: Vec<ScoreBin> = b
        .bins
        .iter()
        .map(|&c| woe_iv(c, events, non_events, true))
        .collect();
    // A missing bin smaller than the least bin is too small to estimate: it gets the
    // population's odds (WoE 0), as optbinning's transform gives missing values by default.
    let least = (settings.min_bin_share * rows as f64).ceil() as u64;
    let missing = if b.missing.rows < least {
        ScoreBin {
            rows: b.missing.rows,
            events: b.missing.events,
            woe: 0.0,
            iv: 0.0,
        }
    } else {
        woe_iv(b.missing, events, non_events, true)
    };
    let iv = bins.iter().map(|b| b.iv).sum::<f64>() + missing.iv;
    ScorecardFeature {
        feature: j,
        trend: b.trend,
        declared: declared.is_some(),
        thresholds: b.edges.iter().map(|&e| threshold_below(e)).collect(),
        edges: b.edges,
        bins,
        missing,
        coefficient: 0.0,
        iv,
    }
}

impl ValidScorecardParams {
    fn binning(&self) -> BinningSettings {
        BinningSettings {
            max_prebins: self.max_prebins,
            min_prebin_share: self.min_prebin_share,
            max_bins: self.max_bins,
            min_bin_share: self.min_bin_share,
            min_unimodal_gain: self.min_unimodal_gain,
        }
    }
}

/// Bins one column as [`train_scorecard`] does (step 1 and 2 of the module docs): its
/// thresholds, edges, bins with counts, WoE and IV, and its trend (`trend`, or the better of
/// the two when `None`). The coefficient is 0 and `feature` is 0.
///
/// # Errors
///
/// [`TrainError::LengthMismatch`], [`TrainError::EmptyInput`],
/// [`TrainError::NonFiniteFeature`] for a ±∞ value.
pub fn scorecard_bins(
    params: &ValidScorecardParams,
    values: &[f32],
    labels: &[bool],
    trend: Option<Trend>,
) -> Result<ScorecardFeature, TrainError> {
    if values.len() != labels.len() {
        return Err(TrainError::LengthMismatch {
            what: "values",
            expected: labels.len(),
            found: values.len(),
        });
    }
    if values.is_empty() {
        return Err(TrainError::EmptyInput { what: "values" });
    }
    check_finite_or_missing("values", &ColumnMatrix::new(vec![values])?)?;
    Ok(encode(0, values, labels, &params.binning(), trend))
}

/// The Pearson correlation of two columns (0 when either is constant).
fn pearson(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (&x, &y) in a.iter().zip(b) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma) * (x - ma);
        sbb += (y - mb) * (y - mb);
    }
    if saa <= 0.0 || sbb <= 0.0 {
        0.0
    } else {
        sab / (saa * sbb).sqrt()
    }
}

/// Fits a scorecard on `x` (column-major, `NaN` = missing; `names` its column names, for the
/// declared trends) and `y` (`true` = fraud), as the module docs describe.
///
/// # Errors
///
/// [`TrainError::LengthMismatch`], [`TrainError::EmptyInput`],
/// [`TrainError::NonFiniteFeature`] for a ±∞ value, [`TrainError::SingleClass`];
/// [`TrainError::InvalidParameter`] for a declared trend naming no feature (or a feature
/// declared twice); [`TrainError::Data`] when no feature reaches `min_iv` (or none keeps a
/// coefficient of the right sign); [`TrainError::FitFailed`] when the solver fails.
pub fn train_scorecard(
    params: &ValidScorecardParams,
    x: &ColumnMatrix,
    y: &[bool],
    names: &[String],
) -> Result<ScorecardModel, TrainError> {
    check_training_inputs(x, y, "train_scorecard")?;
    if names.len() != x.n_features() {
        return Err(TrainError::FeatureCountMismatch {
            what: "feature names",
            expected: x.n_features(),
            found: names.len(),
        });
    }
    params.check_declarations(names)?;
    let settings = params.binning();
    let mut encoded: Vec<ScorecardFeature> = (0..x.n_features())
        .into_par_iter()
        .map(|j| {
            encode(
                j,
                x.column(j),
                y,
                &settings,
                params.declared_trend(&names[j]),
            )
        })
        .collect();
    encoded.sort_by(|a, b| b.iv.total_cmp(&a.iv).then(a.feature.cmp(&b.feature)));

    // Selection by IV and correlation, then the fit. A feature whose coefficient comes out
    // non-negative is excluded and the selection redone without it, so that a feature passed
    // over for correlating with it, or for the limit, gets its turn.
    let woe_column = |f: &ScorecardFeature| -> Vec<f64> {
        x.column(f.feature)
            .iter()
            .map(|&v| match f.bin_of(v) {
                Some(b) => f.bins[b].woe,
                None => f.missing.woe,
            })
            .collect()
    };
    let mut columns: Vec<Option<Vec<f64>>> = vec![None; encoded.len()];
    let mut correlations: HashMap<(usize, usize), f64> = HashMap::new();
    let mut excluded = vec![false; encoded.len()];
    let (candidates, taken, coefficients, intercept) = loop {
        let mut candidates: Vec<Candidate> = Vec::with_capacity(encoded.len());
        let mut taken: Vec<usize> = Vec::new(); // indices into `encoded`
        for (k, f) in encoded.iter().enumerate() {
            let selection = if excluded[k] {
                Selection::WrongSign
            } else if f.iv < params.min_iv || f.iv <= 0.0 {
                Selection::LowIv
            } else if taken.len() >= params.max_features {
                Selection::Limit
            } else {
                if columns[k].is_none() {
                    columns[k] = Some(woe_column(f));
                }
                let mut clash = None;
                for &t in &taken {
                    let r = *correlations.entry((k, t)).or_insert_with(|| {
                        match (&columns[k], &columns[t]) {
                            (Some(a), Some(b)) => pearson(a, b),
                            _ => 0.0,
                        }
                    });
                    if r.abs() > params.max_correlation {
                        clash = Some((encoded[t].feature, r));
                        break;
                    }
                }
                match clash {
                    Some((with, correlation)) => Selection::Correlated { with, correlation },
                    None => {
                        taken.push(k);
                        Selection::Selected
                    }
                }
            };
            candidates.push(Candidate {
                feature: f.feature,
                iv: f.iv,
                selection,
            });
        }
        if taken.is_empty() {
            let reason = if excluded.iter().any(|&e| e) {
                "every feature of the scorecard came out with a coefficient against its weight \
                 of evidence"
                    .to_owned()
            } else {
                let best = candidates.first().map_or(0.0, |c| c.iv);
                format!(
                    "no feature reaches the scorecard's minimum information value {} (the \
                     largest is {best:.4}); lower scorecard.min_iv or check the labels",
                    params.min_iv
                )
            };
            return Err(TrainError::Data { reason });
        }
        let m = taken.len();
        let mut design = vec![0.0; y.len() * m];
        for (c, &k) in taken.iter().enumerate() {
            if let Some(column) = &columns[k] {
                for (i, &v) in column.iter().enumerate() {
                    design[i * m + c] = v;
                }
            }
        }
        let (w, intercept) = newton::fit_newton(
            &newton::Design {
                values: &design,
                columns: m,
            },
            y,
            newton::Penalty {
                alpha: params.alpha,
                max_iterations: params.max_iterations,
                tolerance: params.gradient_tolerance,
            },
            "scorecard logistic regression",
        )?;
        // The lowest-IV feature (they are in IV order) among the wrong-signed ones goes.
        match w.iter().rposition(|&c| c >= 0.0) {
            None => break (candidates, taken, w, intercept),
            Some(c) => excluded[taken[c]] = true,
        }
    };
    let features: Vec<ScorecardFeature> = taken
        .iter()
        .zip(&coefficients)
        .map(|(k, &w)| ScorecardFeature {
            coefficient: w,
            ..encoded[*k].clone()
        })
        .collect();
    Ok(ScorecardModel {
        n_features: x.n_features(),
        intercept,
        features,
        scaling: PointsScaling {
            base: params.points_base,
            base_odds: params.points_base_odds,
            pdo: params.points_pdo,
        },
        candidates,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_round_down_to_f32() {
        // 0.1 in f64 lies above the f32 nearest to it? f32(0.1) = 0.100000001490116…, above
        // 0.1: the threshold must be the f32 below it.
        let t = threshold_below(0.1);
        assert!(f64::from(t) <= 0.1 && f64::from(t.next_up()) > 0.1);
        assert_eq!(threshold_below(2.5), 2.5);
    }

    #[test]
    fn woe_matches_the_formula_and_smooths_only_a_pure_bin() {
        // 10 fraud, 90 legitimate in total; a bin with 4 fraud, 16 legitimate:
        // WoE = ln((16/90) / (4/10)) = ln(0.4444…) = −0.810930216…; IV = (0.4 − 0.17778)
        // · ln(0.4 / 0.17778) = 0.18022…  (by hand).
        let b = woe_iv(
            Counts {
                rows: 20,
                events: 4,
            },
            10,
            90,
            true,
        );
        assert!((b.woe - (16.0f64 / 90.0 / 0.4).ln()).abs() < 1e-15);
        assert!((b.iv - (0.4 - 16.0 / 90.0) * (0.4f64 / (16.0 / 90.0)).ln()).abs() < 1e-15);
        // A pure bin (3 legitimate) gets half a row of each class.
        let m = woe_iv(Counts { rows: 3, events: 0 }, 10, 90, true);
        assert!((m.woe - ((3.5f64 / 90.5) / (0.5 / 10.5)).ln()).abs() < 1e-15);
        assert_eq!(woe_iv(Counts::default(), 10, 90, true).woe, 0.0);
    }
}
