//! Population drift between the training window and scoring periods: the population stability
//! index (PSI) per model input, for the score and for the bands, with a test of whether a PSI is
//! more than sampling noise.
//!
//! ## The reference
//!
//! [`drift_reference`] counts, at training time, every input over every row of the training
//! window, labelled or not, and the calibrated score and the bands over every row of the
//! held-out window ([`DriftReference`] says why the two sets differ). The bins are the reference's own deciles
//! ([`reference_edges`]), or one bin per value for an input with at most ten distinct values, plus
//! a bin for missing values. Only counts are kept, never a row.
//!
//! ## PSI and its noise
//!
//! For reference shares `r_i` and period shares `a_i` over the same bins,
//! `PSI = Σ (a_i − r_i) ln(a_i / r_i)` ([`compare`]). Bins empty on both sides are left out, and
//! every share is smoothed as `(count + ½) / (rows + ½·bins)` so that a bin empty on one side
//! gives a finite term.
//!
//! PSI on its own grows as samples shrink: two samples of the same population differ by chance,
//! and a small period reads as drift. Under the hypothesis that both come from one population,
//! `PSI / (1/N + 1/M)` is asymptotically chi-square with `bins − 1` degrees of freedom, for
//! reference and period sizes `N` and `M` (Yurdakul, B., *Statistical properties of Population
//! Stability Index*, dissertation, Western Michigan University, 2018). A PSI therefore counts
//! only when its p-value under that law is below `alpha`: a period of forty rows whose PSI is 0.3
//! by chance stays `stable`. [`Comparison::noise_floor`] is the PSI that sampling alone exceeds
//! with probability `alpha`.
//!
//! ## Status
//!
//! [`DriftStatus`] follows the common convention, with the thresholds of a [`DriftConfig`]: PSI
//! below 0.10 is `stable`, 0.10 to 0.25 `watch`, 0.25 and above `act`. A period's status is the
//! worst of its score's, its bands' and its inputs'; the report's is the worst of its periods'.

use std::collections::BTreeMap;

use appfraud_core::{
    BandCounts, Bands, DriftReference, FeatureHistogram, Histogram, ParamError, declare_params,
};
use chrono::{DateTime, Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::TrainError;

/// Bins of a reference histogram: deciles, or one per value for an input with at most this many
/// distinct values.
pub const DRIFT_BINS: usize = 10;

declare_params! {
    /// The thresholds of `appfraud drift`, as read from a TOML file (every key optional;
    /// unknown keys are refused) or built with the setters:
    ///
    /// ```toml
    /// watch = 0.10        # PSI from which a distribution is watched
    /// act = 0.25          # PSI from which it is acted on
    /// alpha = 0.01        # a PSI counts only when sampling alone gives it with p < alpha
    /// top_features = 10   # inputs listed and drawn as the top drifting ones
    /// ```
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, default)]
    params DriftConfig;
    /// A checked [`DriftConfig`].
    valid ValidDriftConfig;
    /// PSI at and above which a distribution is `watch`.
    watch: f64 = 0.10, shown "0.10",
        valid "a finite number > 0" if |v| *v > 0.0 && v.is_finite();
    /// PSI at and above which a distribution is `act`; above `watch`.
    act: f64 = 0.25, shown "0.25",
        valid "a finite number > 0" if |v| *v > 0.0 && v.is_finite();
    /// Significance level: a PSI counts only when sampling alone would give one as large with
    /// probability below this (chi-square approximation).
    alpha: f64 = 0.01, shown "0.01",
        valid "a number in (0, 1)" if |v| *v > 0.0 && *v < 1.0;
    /// Inputs listed and drawn as the top drifting ones.
    top_features: usize = 10,
        valid "between 1 and 40" if |v| (1..=40).contains(v);
}

impl DriftConfig {
    /// Reads a TOML configuration: missing keys keep their defaults. Syntax errors, unknown keys
    /// and wrong types return [`TrainError::InvalidConfig`] naming the line.
    pub fn from_toml_str(text: &str) -> Result<DriftConfig, TrainError> {
        crate::trainer::from_toml(text)
    }

    /// [`check`](Self::check), then the combination each value passes alone: `watch < act`.
    ///
    /// # Errors
    ///
    /// [`ParamError`] naming the first parameter out of range, or `act` when it is not above
    /// `watch`.
    pub fn check_all(self) -> Result<ValidDriftConfig, ParamError> {
        let valid = self.check()?;
        if valid.act <= valid.watch {
            return Err(ParamError {
                table: None,
                name: "act",
                value: format!("{:?}", valid.act),
                expected: "a PSI above `watch`",
            });
        }
        Ok(valid)
    }
}

/// Where a distribution stands against its reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DriftStatus {
    /// PSI below `watch`, or not above sampling noise.
    Stable,
    /// PSI from `watch` to below `act`, above sampling noise.
    Watch,
    /// PSI at or above `act`, above sampling noise.
    Act,
}

impl DriftStatus {
    /// `stable`, `watch` or `act`.
    pub fn as_str(self) -> &'static str {
        match self {
            DriftStatus::Stable => "stable",
            DriftStatus::Watch => "watch",
            DriftStatus::Act => "act",
        }
    }
}

impl std::str::FromStr for DriftStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "stable" => Ok(DriftStatus::Stable),
            "watch" => Ok(DriftStatus::Watch),
            "act" => Ok(DriftStatus::Act),
            other => Err(format!("`{other}` is not stable, watch or act")),
        }
    }
}

/// One distribution of a period against its reference.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Comparison {
    /// The population stability index (smoothed shares, see the module docs).
    pub psi: f64,
    /// Bins compared: those non-empty in the reference or the period.
    pub bins: usize,
    /// Rows of the reference.
    pub reference_rows: u64,
    /// Rows of the period.
    pub rows: u64,
    /// Probability that sampling alone gives a PSI this large (chi-square approximation).
    pub p_value: f64,
    /// The PSI that sampling alone exceeds with probability `alpha`.
    pub noise_floor: f64,
    /// Whether `p_value < alpha`.
    pub significant: bool,
    /// The status at the configured thresholds.
    pub status: DriftStatus,
}

/// Compares a period's counts `actual` with the reference's `reference`, cell by cell (the same
/// bins in the same order); see the module docs.
///
/// # Errors
///
/// [`TrainError::LengthMismatch`] when the two have different lengths;
/// [`TrainError::EmptyInput`] when either counts no row.
pub fn compare(
    reference: &[u64],
    actual: &[u64],
    config: &ValidDriftConfig,
) -> Result<Comparison, TrainError> {
    if reference.len() != actual.len() {
        return Err(TrainError::LengthMismatch {
            what: "period bins",
            found: actual.len(),
            expected: reference.len(),
        });
    }
    let (n, m) = (reference.iter().sum::<u64>(), actual.iter().sum::<u64>());
    if n == 0 {
        return Err(TrainError::EmptyInput {
            what: "reference histogram",
        });
    }
    if m == 0 {
        return Err(TrainError::EmptyInput {
            what: "period histogram",
        });
    }
    let cells: Vec<(f64, f64)> = reference
        .iter()
        .zip(actual)
        .filter(|(r, a)| **r + **a > 0)
        .map(|(r, a)| (*r as f64, *a as f64))
        .collect();
    let bins = cells.len();
    let half_bins = 0.5 * bins as f64;
    let (nf, mf) = (n as f64, m as f64);
    let psi: f64 = cells
        .iter()
        .map(|(r, a)| {
            let pr = (r + 0.5) / (nf + half_bins);
            let pa = (a + 0.5) / (mf + half_bins);
            (pa - pr) * (pa / pr).ln()
        })
        .sum();
    let scale = 1.0 / nf + 1.0 / mf;
    let df = bins.saturating_sub(1) as f64;
    let (p_value, noise_floor) = if df == 0.0 {
        (1.0, 0.0)
    } else {
        (
            chi_square_sf(psi / scale, df),
            scale * chi_square_quantile(1.0 - config.alpha, df),
        )
    };
    let significant = p_value < config.alpha;
    let status = if !significant || psi < config.watch {
        DriftStatus::Stable
    } else if psi < config.act {
        DriftStatus::Watch
    } else {
        DriftStatus::Act
    };
    Ok(Comparison {
        psi,
        bins,
        reference_rows: n,
        rows: m,
        p_value,
        noise_floor,
        significant,
        status,
    })
}

/// `ln Γ(x)` for `x > 0` (Lanczos approximation, g = 7, nine coefficients; relative error below
/// 1e-14 on the positive reals).
fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x) Γ(1 − x) = π / sin(πx).
        return (std::f64::consts::PI / (std::f64::consts::PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut sum = C[0];
    for (i, c) in C.iter().enumerate().skip(1) {
        sum += c / (x + i as f64);
    }
    let t = x + G + 0.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

/// The regularised upper incomplete gamma function `Q(a, x) = Γ(a, x) / Γ(a)`, for `a > 0` and
/// `x ≥ 0`: the power series of `P = 1 − Q` below `x = a + 1`, the continued fraction of `Q`
/// (modified Lentz) above it, each to a relative 1e-15.
fn gamma_q(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    let log_prefactor = a * x.ln() - x - ln_gamma(a);
    if x < a + 1.0 {
        let (mut term, mut sum, mut n) = (1.0 / a, 1.0 / a, a);
        for _ in 0..10_000 {
            n += 1.0;
            term *= x / n;
            sum += term;
            if term.abs() < sum.abs() * 1e-16 {
                break;
            }
        }
        (1.0 - sum * log_prefactor.exp()).clamp(0.0, 1.0)
    } else {
        let tiny = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / tiny;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..10_000 {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < tiny {
                d = tiny;
            }
            c = b + an / c;
            if c.abs() < tiny {
                c = tiny;
            }
            d = 1.0 / d;
            let delta = d * c;
            h *= delta;
            if (delta - 1.0).abs() < 1e-16 {
                break;
            }
        }
        (log_prefactor.exp() * h).clamp(0.0, 1.0)
    }
}

/// `P(X > x)` for `X` chi-square with `df` degrees of freedom.
pub fn chi_square_sf(x: f64, df: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    gamma_q(0.5 * df, 0.5 * x.max(0.0))
}

/// The `p`-quantile of the chi-square law with `df` degrees of freedom, by bisection on
/// [`chi_square_sf`] (to a relative 1e-12).
pub fn chi_square_quantile(p: f64, df: f64) -> f64 {
    let target = 1.0 - p;
    let mut high = df.max(1.0);
    while chi_square_sf(high, df) > target {
        high *= 2.0;
    }
    let mut low = 0.0;
    for _ in 0..200 {
        let mid = 0.5 * (low + high);
        if chi_square_sf(mid, df) > target {
            low = mid;
        } else {
            high = mid;
        }
        if high - low <= 1e-12 * high {
            break;
        }
    }
    0.5 * (low + high)
}

/// The bin edges of a reference histogram of `values` (`NaN` = missing): with at most
/// [`DRIFT_BINS`] distinct values, one bin per value (the edges are every value but the
/// largest); otherwise the deciles (the lower empirical quantile at `i / 10`, `i = 1..=9`),
/// with repeats and any edge at the maximum dropped, so every bin holds reference rows.
pub fn reference_edges(values: &[f64]) -> Vec<f64> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    sorted.sort_unstable_by(f64::total_cmp);
    let Some(&max) = sorted.last() else {
        return Vec::new();
    };
    let mut distinct = sorted.clone();
    distinct.dedup();
    if distinct.len() <= DRIFT_BINS {
        distinct.pop();
        return distinct;
    }
    let n = sorted.len();
    let mut edges: Vec<f64> = (1..DRIFT_BINS)
        .map(|i| sorted[(i * n).div_ceil(DRIFT_BINS) - 1])
        .filter(|e| *e < max)
        .collect();
    edges.dedup();
    edges
}

/// The reference histogram of `values`: [`reference_edges`], then [`Histogram::count`].
pub fn reference_histogram(values: &[f64]) -> Histogram {
    Histogram::count(&reference_edges(values), values.iter().copied())
}

/// The training-time reference of a package: `features` are the histograms of every input
/// (in `names`' order) over the `features_rows` rows of the training window
/// ([`reference_histogram`]), the score and the bands are counted over
/// `held_out_probabilities` (the packaged model's scores of the held-out rows).
///
/// # Errors
///
/// [`TrainError::LengthMismatch`] when `names` and `features` differ in length;
/// [`TrainError::EmptyInput`] without held-out rows.
pub fn drift_reference(
    names: &[String],
    features: &[Histogram],
    features_rows: usize,
    features_window: Option<(String, String)>,
    held_out_probabilities: &[f64],
    score_window: Option<(String, String)>,
    bands: &Bands,
) -> Result<DriftReference, TrainError> {
    if names.len() != features.len() {
        return Err(TrainError::LengthMismatch {
            what: "feature histograms",
            found: features.len(),
            expected: names.len(),
        });
    }
    if held_out_probabilities.is_empty() {
        return Err(TrainError::EmptyInput {
            what: "held-out scores of the drift reference",
        });
    }
    Ok(DriftReference {
        features_window,
        features_rows,
        features: names
            .iter()
            .zip(features)
            .map(|(name, histogram)| FeatureHistogram {
                name: name.clone(),
                histogram: histogram.clone(),
            })
            .collect(),
        score_window,
        score: reference_histogram(held_out_probabilities),
        bands: BandCounts::count(bands, held_out_probabilities.iter().copied()),
    })
}

/// The length of the periods a drift report compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    /// ISO weeks, Monday to Sunday (UTC), labelled `2026-W09`.
    Week,
    /// Calendar months (UTC), labelled `2026-03`.
    Month,
    /// Calendar quarters (UTC), labelled `2026-Q1`.
    Quarter,
}

impl Period {
    /// The first day of the period holding `micros` (µs since the epoch, UTC) and its label;
    /// `None` for an instant outside chrono's range.
    pub fn of(self, micros: i64) -> Option<(NaiveDate, String)> {
        let day = DateTime::from_timestamp_micros(micros)?.date_naive();
        Some(match self {
            Period::Week => {
                let week = day.iso_week();
                let monday =
                    NaiveDate::from_isoywd_opt(week.year(), week.week(), chrono::Weekday::Mon)?;
                (monday, format!("{}-W{:02}", week.year(), week.week()))
            }
            Period::Month => (
                day.with_day(1)?,
                format!("{}-{:02}", day.year(), day.month()),
            ),
            Period::Quarter => {
                let q = day.month0() / 3;
                (
                    NaiveDate::from_ymd_opt(day.year(), 3 * q + 1, 1)?,
                    format!("{}-Q{}", day.year(), q + 1),
                )
            }
        })
    }
}

/// One input in one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeatureDrift {
    /// The input's column name.
    pub feature: String,
    /// Against its reference.
    pub comparison: Comparison,
}

/// One scoring period against the reference.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodDrift {
    /// The period's label (`2026-03`, `2026-Q1`, `2026-W09`).
    pub period: String,
    /// Its first day.
    pub start: NaiveDate,
    /// Applications scored in it.
    pub rows: u64,
    /// The calibrated score's distribution.
    pub score: Comparison,
    /// The score over the reference's score bins (for the plot).
    pub score_counts: Vec<u64>,
    /// Rows per band at the package's thresholds.
    pub bands: BandCounts,
    /// The bands' distribution: the flag rate per band.
    pub bands_comparison: Comparison,
    /// Every input, in the reference's order.
    pub features: Vec<FeatureDrift>,
    /// The worst status of the score, the bands and the inputs.
    pub status: DriftStatus,
}

/// An input's largest drift over the periods.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopFeature {
    /// The input's column name.
    pub feature: String,
    /// Its largest significant PSI over the periods (0 when none is significant).
    pub psi: f64,
    /// The period of that PSI.
    pub period: String,
    /// Its worst status over the periods.
    pub status: DriftStatus,
    /// Periods where it is `watch`.
    pub periods_watch: usize,
    /// Periods where it is `act`.
    pub periods_act: usize,
}

/// What `appfraud drift` reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DriftReport {
    /// The model whose reference the periods are compared with.
    pub model_id: String,
    /// The period length.
    pub period: Period,
    /// PSI threshold of `watch`.
    pub watch: f64,
    /// PSI threshold of `act`.
    pub act: f64,
    /// Significance level of the sampling test.
    pub alpha: f64,
    /// The training-time reference.
    pub reference: DriftReference,
    /// The periods, oldest first.
    pub periods: Vec<PeriodDrift>,
    /// The inputs with the largest significant PSI, largest first.
    pub top_features: Vec<TopFeature>,
    /// The worst status of every period (`stable` without periods).
    pub status: DriftStatus,
}

/// What a drift report is computed on: the scored rows of the periods.
#[derive(Debug, Clone, Copy)]
pub struct DriftInputs<'a> {
    /// Column names of `columns`.
    pub names: &'a [String],
    /// One column per input, one value per row (`NaN` = missing).
    pub columns: &'a [&'a [f32]],
    /// The calibrated probability of each row.
    pub probabilities: &'a [f64],
    /// The submission time of each row (µs since the epoch).
    pub times: &'a [i64],
}

/// Compares every period of `inputs` with `reference` (see the module docs). `bands` are the
/// package's thresholds.
///
/// # Errors
///
/// [`TrainError::Data`] when an input of the reference has no column, or a time is outside the
/// calendar; [`TrainError::LengthMismatch`] for columns of different lengths;
/// [`TrainError::InvalidModel`] for a malformed reference histogram.
pub fn drift_report(
    model_id: &str,
    reference: &DriftReference,
    bands: &Bands,
    inputs: DriftInputs<'_>,
    period: Period,
    config: &ValidDriftConfig,
) -> Result<DriftReport, TrainError> {
    let rows = inputs.probabilities.len();
    if inputs.times.len() != rows {
        return Err(TrainError::LengthMismatch {
            what: "submission times",
            found: inputs.times.len(),
            expected: rows,
        });
    }
    let malformed = |what: &str| TrainError::InvalidModel {
        model: "drift reference",
        reason: format!("the histogram of {what} is malformed"),
    };
    if !reference.score.is_well_formed() {
        return Err(malformed("the score"));
    }
    let mut columns = Vec::with_capacity(reference.features.len());
    for f in &reference.features {
        if !f.histogram.is_well_formed() {
            return Err(malformed(&f.name));
        }
        let i = inputs
            .names
            .iter()
            .position(|n| *n == f.name)
            .ok_or_else(|| TrainError::Data {
                reason: format!(
                    "the data has no feature `{}` of the drift reference",
                    f.name
                ),
            })?;
        let column = inputs.columns[i];
        if column.len() != rows {
            return Err(TrainError::LengthMismatch {
                what: "feature column",
                found: column.len(),
                expected: rows,
            });
        }
        columns.push(column);
    }
    // Rows by period, oldest first.
    let mut by_period: BTreeMap<NaiveDate, (String, Vec<usize>)> = BTreeMap::new();
    for (row, t) in inputs.times.iter().enumerate() {
        let (start, label) = period.of(*t).ok_or_else(|| TrainError::Data {
            reason: format!("submission time {t} µs is outside the calendar"),
        })?;
        by_period
            .entry(start)
            .or_insert_with(|| (label, Vec::new()))
            .1
            .push(row);
    }
    let reference_bands = reference.bands.cells();
    let mut periods = Vec::with_capacity(by_period.len());
    for (start, (label, members)) in by_period {
        let score_hist = Histogram::count(
            &reference.score.edges,
            members.iter().map(|&r| inputs.probabilities[r]),
        );
        let score = compare(&reference.score.cells(), &score_hist.cells(), config)?;
        let band_counts =
            BandCounts::count(bands, members.iter().map(|&r| inputs.probabilities[r]));
        let bands_comparison = compare(&reference_bands, &band_counts.cells(), config)?;
        let mut features = Vec::with_capacity(columns.len());
        for (f, column) in reference.features.iter().zip(&columns) {
            let hist = Histogram::count(
                &f.histogram.edges,
                members.iter().map(|&r| f64::from(column[r])),
            );
            features.push(FeatureDrift {
                feature: f.name.clone(),
                comparison: compare(&f.histogram.cells(), &hist.cells(), config)?,
            });
        }
        let status = features
            .iter()
            .map(|f| f.comparison.status)
            .chain([score.status, bands_comparison.status])
            .max()
            .unwrap_or(DriftStatus::Stable);
        periods.push(PeriodDrift {
            period: label,
            start,
            rows: members.len() as u64,
            score,
            score_counts: score_hist.cells(),
            bands: band_counts,
            bands_comparison,
            features,
            status,
        });
    }
    let top_features = top_features(reference, &periods, config.top_features);
    let status = periods
        .iter()
        .map(|p| p.status)
        .max()
        .unwrap_or(DriftStatus::Stable);
    Ok(DriftReport {
        model_id: model_id.to_owned(),
        period,
        watch: config.watch,
        act: config.act,
        alpha: config.alpha,
        reference: reference.clone(),
        periods,
        top_features,
        status,
    })
}

/// The `top` inputs with the largest significant PSI over `periods`, largest first (ties by
/// name); inputs never significant are left out.
fn top_features(
    reference: &DriftReference,
    periods: &[PeriodDrift],
    top: usize,
) -> Vec<TopFeature> {
    let mut all: Vec<TopFeature> = reference
        .features
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let mut best: Option<(f64, &str)> = None;
            let (mut watch, mut act) = (0, 0);
            let mut status = DriftStatus::Stable;
            for p in periods {
                let c = &p.features[i].comparison;
                match c.status {
                    DriftStatus::Watch => watch += 1,
                    DriftStatus::Act => act += 1,
                    DriftStatus::Stable => {}
                }
                status = status.max(c.status);
                if c.significant && best.is_none_or(|(psi, _)| c.psi > psi) {
                    best = Some((c.psi, &p.period));
                }
            }
            let (psi, period) = best?;
            Some(TopFeature {
                feature: f.name.clone(),
                psi,
                period: period.to_owned(),
                status,
                periods_watch: watch,
                periods_act: act,
            })
        })
        .collect();
    all.sort_by(|a, b| {
        b.psi
            .total_cmp(&a.psi)
            .then_with(|| a.feature.cmp(&b.feature))
    });
    all.truncate(top);
    all
}

/// A share as a percentage with one decimal.
fn percent(count: u64, total: u64) -> String {
    if total == 0 {
        return "–".to_owned();
    }
    format!("{:.1} %", 100.0 * count as f64 / total as f64)
}

/// A p-value for a table: small ones in scientific notation.
fn p_text(p: f64) -> String {
    if p < 1e-4 {
        "< 0.0001".to_owned()
    } else {
        format!("{p:.4}")
    }
}

/// The report as markdown, with the plots of [`crate::drift_score_svg`], [`crate::drift_psi_svg`] and
/// [`crate::drift_top_svg`] referenced by file name (`score_by_period.svg`, `psi_by_period.svg`,
/// `top_features.svg`).
pub fn drift_markdown(report: &DriftReport) -> String {
    use std::fmt::Write;
    let mut md = String::new();
    let r = &report.reference;
    let window = |w: &Option<(String, String)>| {
        w.as_ref()
            .map_or_else(|| "no times".to_owned(), |(a, b)| format!("{a} to {b}"))
    };
    let _ = writeln!(md, "# Drift report: {}\n", report.model_id);
    let _ = writeln!(
        md,
        "**Overall: {}.** {} {} period(s) compared with the training-time reference of the \
         package.\n",
        report.status.as_str(),
        report.periods.len(),
        match report.period {
            Period::Week => "weekly",
            Period::Month => "monthly",
            Period::Quarter => "quarterly",
        }
    );
    let _ = writeln!(md, "## Reference\n");
    let _ = writeln!(
        md,
        "- Inputs: {} rows of the training window, labelled or not ({}).",
        r.features_rows,
        window(&r.features_window)
    );
    let ref_bands = r.bands;
    let _ = writeln!(
        md,
        "- Score and bands: {} rows of the held-out window ({}): clear {}, review {}, verify {}.",
        ref_bands.total(),
        window(&r.score_window),
        percent(ref_bands.clear, ref_bands.total()),
        percent(ref_bands.review, ref_bands.total()),
        percent(ref_bands.verify, ref_bands.total()),
    );
    let _ = writeln!(
        md,
        "- Status: PSI below {} is stable, {} to {} watch, {} and above act; a PSI counts only \
         when sampling alone would give one as large with probability below {} (the chi-square \
         law of PSI / (1/N + 1/M), Yurdakul 2018). The noise floor is the PSI sampling alone \
         exceeds with that probability.\n",
        report.watch, report.watch, report.act, report.act, report.alpha
    );
    let _ = writeln!(md, "## Score and bands by period\n");
    if report.periods.is_empty() {
        let _ = writeln!(
            md,
            "No application to compare: the data holds none in the periods asked for (see \
             `--since`)."
        );
        return md;
    }
    let _ = writeln!(
        md,
        "| period | rows | score PSI | p | noise floor | score | clear | review | verify | bands PSI | bands | inputs watch / act | period |"
    );
    let _ = writeln!(
        md,
        "|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---|---:|---|"
    );
    for p in &report.periods {
        let watch = p
            .features
            .iter()
            .filter(|f| f.comparison.status == DriftStatus::Watch)
            .count();
        let act = p
            .features
            .iter()
            .filter(|f| f.comparison.status == DriftStatus::Act)
            .count();
        let total = p.bands.total();
        let _ = writeln!(
            md,
            "| {} | {} | {:.4} | {} | {:.4} | {} | {} | {} | {} | {:.4} | {} | {} / {} | **{}** |",
            p.period,
            p.rows,
            p.score.psi,
            p_text(p.score.p_value),
            p.score.noise_floor,
            p.score.status.as_str(),
            percent(p.bands.clear, total),
            percent(p.bands.review, total),
            percent(p.bands.verify, total),
            p.bands_comparison.psi,
            p.bands_comparison.status.as_str(),
            watch,
            act,
            p.status.as_str(),
        );
    }
    let _ = writeln!(
        md,
        "\n![score distribution by period](score_by_period.svg)\n\n![score PSI by period](psi_by_period.svg)\n"
    );
    let _ = writeln!(md, "## Top drifting inputs\n");
    if report.top_features.is_empty() {
        let _ = writeln!(
            md,
            "No input's PSI is above sampling noise in any period.\n"
        );
    } else {
        let _ = writeln!(
            md,
            "| input | largest PSI | in | worst status | periods watch | periods act |"
        );
        let _ = writeln!(md, "|---|---:|---|---|---:|---:|");
        for t in &report.top_features {
            let _ = writeln!(
                md,
                "| `{}` | {:.4} | {} | {} | {} | {} |",
                t.feature,
                t.psi,
                t.period,
                t.status.as_str(),
                t.periods_watch,
                t.periods_act
            );
        }
        let _ = writeln!(md, "\n![top drifting inputs](top_features.svg)\n");
    }
    let _ = writeln!(md, "## Inputs at watch or act, by period\n");
    let mut any = false;
    for p in &report.periods {
        let mut flagged: Vec<&FeatureDrift> = p
            .features
            .iter()
            .filter(|f| f.comparison.status != DriftStatus::Stable)
            .collect();
        if flagged.is_empty() {
            continue;
        }
        any = true;
        flagged.sort_by(|a, b| {
            b.comparison
                .psi
                .total_cmp(&a.comparison.psi)
                .then_with(|| a.feature.cmp(&b.feature))
        });
        let _ = writeln!(md, "### {} ({} rows)\n", p.period, p.rows);
        let _ = writeln!(md, "| input | PSI | p | noise floor | status |");
        let _ = writeln!(md, "|---|---:|---:|---:|---|");
        for f in flagged {
            let c = &f.comparison;
            let _ = writeln!(
                md,
                "| `{}` | {:.4} | {} | {:.4} | {} |",
                f.feature,
                c.psi,
                p_text(c.p_value),
                c.noise_floor,
                c.status.as_str()
            );
        }
        let _ = writeln!(md);
    }
    if !any {
        let _ = writeln!(md, "None.\n");
    }
    let _ = writeln!(
        md,
        "## How to read this\n\n\
         - A drifting score with stable inputs points at the model (for example a shift in how \
           inputs combine); drifting inputs with a stable score are often harmless. Both \
           drifting: the population moved, and the bands' flag rates show by how much.\n\
         - Drift is not an error in the data: check the period's inputs at `act` first, then \
           retrain on a window that includes the new population.\n\
         - A high score routes an applicant to verification or human review, never to \
           rejection; a rising flag rate means more reviews, which is an operational cost to \
           plan for."
    );
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> ValidDriftConfig {
        DriftConfig::default()
            .check_all()
            .expect("defaults are valid")
    }

    #[test]
    fn psi_matches_a_hand_computation() {
        // Reference 100 rows over two bins (60, 40), period 100 rows (40, 60). By hand, with
        // shares smoothed as (c + 0.5) / (n + 1): r = (60.5, 40.5) / 101, a = (40.5, 60.5) / 101;
        // PSI = 2 × (r₁ − a₁) × ln(r₁ / a₁) = 0.158947 (NumPy: 0.15894708551457506).
        let c = compare(&[60, 40], &[40, 60], &config()).expect("compares");
        let (r1, a1): (f64, f64) = (60.5 / 101.0, 40.5 / 101.0);
        let expected = 2.0 * (r1 - a1) * (r1 / a1).ln();
        assert!((c.psi - expected).abs() < 1e-12, "{} vs {expected}", c.psi);
        assert!((c.psi - 0.158_947_085_514_575).abs() < 1e-12);
        assert_eq!((c.bins, c.reference_rows, c.rows), (2, 100, 100));
        // One degree of freedom: p = P(χ²₁ > PSI / (1/100 + 1/100)) = P(χ²₁ > 7.947354), which
        // scipy.stats.chi2.sf gives as 0.004815772813577971: below alpha 0.01, so watch.
        assert!(
            (c.p_value - 0.004_815_772_813_577_971).abs() < 1e-12,
            "{}",
            c.p_value
        );
        assert_eq!(c.status, DriftStatus::Watch);
        // Identical distributions: PSI 0, p 1, stable.
        let same = compare(&[60, 40], &[6, 4], &config()).expect("compares");
        assert!(same.psi.abs() < 1e-3 && same.status == DriftStatus::Stable);
    }

    #[test]
    fn a_small_period_with_a_large_psi_is_noise() {
        // 12 rows against a 10-bin reference of 10,000: a PSI well above 0.25 that the chi-square
        // law says sampling alone gives often (its noise floor is higher still).
        let reference = [1000u64; 10];
        let period = [3, 0, 0, 2, 0, 3, 0, 0, 4, 0];
        let c = compare(&reference, &period, &config()).expect("compares");
        assert!(c.psi > 0.25, "{}", c.psi);
        assert!(c.p_value > 0.01 && !c.significant, "{}", c.p_value);
        assert!(c.noise_floor > c.psi);
        assert_eq!(c.status, DriftStatus::Stable);
        // The same shares over 1,200 rows are far above noise: act.
        let big: Vec<u64> = period.iter().map(|c| c * 100).collect();
        let c = compare(&reference, &big, &config()).expect("compares");
        assert!(c.significant && c.status == DriftStatus::Act, "{c:?}");
    }

    #[test]
    fn chi_square_matches_scipy() {
        // Reference: scipy.stats.chi2.sf(x, df) and chi2.ppf(q, df), SciPy 1.17.1; tolerance
        // 1e-10 relative.
        let cases = [
            (1.0, 1.0, 0.317_310_507_862_911_15),
            (9.0, 9.0, 0.437_274_188_913_866_93),
            (21.665_994_333_461_924, 9.0, 0.01),
            (0.5, 3.0, 0.918_891_411_654_675_8),
            (50.0, 10.0, 2.669_083_424_904_495e-7),
            (200.0, 150.0, 0.003_973_185_970_821_635),
            (0.001, 2.0, 0.999_500_124_979_169_3),
            (30.0, 2.5, 6.747_491_852_005_865e-7),
        ];
        for (x, df, expected) in cases {
            let sf = chi_square_sf(x, df);
            assert!(
                ((sf - expected) / expected).abs() < 1e-9,
                "sf({x}, {df}) = {sf}, scipy {expected}"
            );
        }
        let q = chi_square_quantile(0.99, 9.0);
        assert!((q - 21.665_994_333_461_924).abs() < 1e-8, "{q}");
        assert!((chi_square_quantile(0.95, 1.0) - 3.841_458_820_694_124).abs() < 1e-8);
    }

    #[test]
    fn reference_edges_are_values_or_deciles() {
        // Few distinct values: one bin per value.
        let binary = [0.0, 1.0, 1.0, f64::NAN, 0.0];
        assert_eq!(reference_edges(&binary), vec![0.0]);
        let h = reference_histogram(&binary);
        assert_eq!((h.counts.clone(), h.missing), (vec![2, 2], 1));
        assert!(h.is_well_formed());
        // 100 distinct values 1..=100: deciles at 10, 20, …, 90 (numpy.quantile(…, method =
        // "inverted_cdf") gives the same lower quantiles).
        let values: Vec<f64> = (1..=100).map(f64::from).collect();
        let edges = reference_edges(&values);
        assert_eq!(
            edges,
            (1..10).map(|i| f64::from(10 * i)).collect::<Vec<_>>()
        );
        let h = reference_histogram(&values);
        assert_eq!(h.counts, vec![10; 10]);
        // A mass point: 95 zeros and 1..=20. The deciles at 0.1..0.8 are all 0 (the 92nd of 115
        // values is still 0) and merge; the one at 0.9 is the 104th value, 9.
        let mut skewed = vec![0.0; 95];
        skewed.extend((1..=20).map(f64::from));
        let edges = reference_edges(&skewed);
        assert_eq!(edges, vec![0.0, 9.0]);
        assert!(reference_edges(&[f64::NAN]).is_empty());
        assert_eq!(Histogram::count(&[], [f64::NAN, 1.0]).cells(), vec![1, 1]);
    }

    #[test]
    fn periods_are_calendar_periods() {
        let at = |y, m, d| {
            NaiveDate::from_ymd_opt(y, m, d)
                .and_then(|d| d.and_hms_opt(13, 0, 0))
                .map(|t| t.and_utc().timestamp_micros())
                .expect("valid date")
        };
        let t = at(2026, 3, 1); // a Sunday
        assert_eq!(
            Period::Month.of(t),
            Some((
                NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
                "2026-03".into()
            ))
        );
        assert_eq!(
            Period::Quarter.of(t),
            Some((
                NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
                "2026-Q1".into()
            ))
        );
        assert_eq!(
            Period::Week.of(t),
            Some((
                NaiveDate::from_ymd_opt(2026, 2, 23).unwrap(),
                "2026-W09".into()
            ))
        );
        // ISO week 1 of 2027 starts on Monday 2027-01-04; 2027-01-02 is in 2026-W53.
        assert_eq!(Period::Week.of(at(2027, 1, 2)).unwrap().1, "2026-W53");
    }

    #[test]
    fn thresholds_are_checked_together() {
        let err = DriftConfig::new()
            .watch(0.3)
            .act(0.2)
            .check_all()
            .unwrap_err();
        assert_eq!(err.name, "act");
        let err = DriftConfig::new().alpha(1.0).check_all().unwrap_err();
        assert_eq!(err.name, "alpha");
        let c = DriftConfig::from_toml_str("watch = 0.2\nact = 0.5\n")
            .expect("parses")
            .check_all()
            .expect("valid");
        assert_eq!((c.watch(), c.act(), c.alpha()), (0.2, 0.5, 0.01));
        assert!(DriftConfig::from_toml_str("wach = 0.2\n").is_err());
    }

    #[test]
    fn a_report_finds_the_shifted_input_and_not_the_steady_one() {
        // Reference: two inputs uniform over 0..100; the score uniform too. Period 1 draws the
        // same; period 2 moves input `b` up by 50 and leaves `a` alone.
        let values: Vec<f32> = (0..1000).map(|i| (i % 100) as f32).collect();
        let probs: Vec<f64> = (0..1000).map(|i| f64::from(i % 100) / 100.0).collect();
        let bands = Bands {
            review: 0.9,
            verify: 0.95,
        };
        let names = vec!["a".to_owned(), "b".to_owned()];
        let values64: Vec<f64> = values.iter().map(|v| f64::from(*v)).collect();
        let histogram = reference_histogram(&values64);
        let reference = drift_reference(
            &names,
            &[histogram.clone(), histogram],
            values.len(),
            None,
            &probs,
            None,
            &bands,
        )
        .expect("reference");
        let day = 86_400_000_000i64;
        let jan = 1_767_225_600_000_000i64; // 2026-01-01
        let feb = jan + 31 * day;
        let mut a = Vec::new();
        let mut b = Vec::new();
        let mut times = Vec::new();
        let mut p = Vec::new();
        for (start, shift) in [(jan, 0.0f32), (feb, 50.0)] {
            for i in 0..1000 {
                a.push((i % 100) as f32);
                b.push((i % 100) as f32 + shift);
                p.push(f64::from(i % 100) / 100.0);
                times.push(start + i64::from(i % 28) * day);
            }
        }
        let report = drift_report(
            "m",
            &reference,
            &bands,
            DriftInputs {
                names: &names,
                columns: &[&a, &b],
                probabilities: &p,
                times: &times,
            },
            Period::Month,
            &config(),
        )
        .expect("report");
        let labels: Vec<&str> = report.periods.iter().map(|p| p.period.as_str()).collect();
        assert_eq!(labels, ["2026-01", "2026-02"]);
        assert_eq!(report.periods[0].status, DriftStatus::Stable);
        assert_eq!(
            report.periods[1].features[0].comparison.status,
            DriftStatus::Stable
        );
        assert_eq!(
            report.periods[1].features[1].comparison.status,
            DriftStatus::Act
        );
        assert_eq!(report.status, DriftStatus::Act);
        assert_eq!(report.top_features.len(), 1);
        assert_eq!(report.top_features[0].feature, "b");
        let md = drift_markdown(&report);
        assert!(md.contains("**Overall: act.**") && md.contains("| `b` |"));
    }
}
