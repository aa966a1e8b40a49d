//! Parity of the scorecard's binning with optbinning: every expected value is recomputed at test
//! time by `train/tests/reference/optbinning_reference.py` with the optbinning (and the
//! scikit-learn, OR-Tools and NumPy under it) that `./dev test` installs (see
//! `support/reference.rs`). For each generated table and each monotone trend the script runs
//! `OptimalBinning(dtype="numerical", solver="cp", max_n_prebins, min_prebin_size,
//! min_bin_size, max_n_bins, monotonic_trend)` with the settings of our [`ScorecardParams`],
//! and prints its `splits` and the `Count`, `Event`, `WoE` and `IV` columns of
//! `binning_table.build()`. The script also prints the tables it used, and the tests check that
//! they are ours.
//!
//! The generated tables (a few thousand rows each, drawn from the MMIX LCG of `support/lcg.rs`,
//! in `f64` then rounded to `f32` on both sides) cover an increasing risk, a decreasing one, a
//! U-shaped one (where the trend decides the bins) under two settings, heavy ties (integer
//! counts 0..=20) with missing values, a skewed feature with 15 % missing values, a low-signal
//! one, and a missing bin holding legitimate rows only. Three small written-out tables each
//! pin one detail of optbinning's algorithm that a plain reading of it misses (see the module
//! docs of `scorecard/binning.rs`): the leaf weight scikit-learn is given, rounded above the
//! minimum row count (`min_leaf_step`); the boundaries its CP model forbids before solving
//! (`forbidden_boundary`); and values closer than scikit-learn's `FEATURE_THRESHOLD`
//! (`near_values`).
//!
//! Tolerances: the split points are `a / 2 + b / 2` of the same two `f32` values in `f64` on
//! both sides (scikit-learn's tree thresholds), which is exact, so they are compared exactly.
//! Counts are compared exactly. WoE and IV are compared to `1e-9` absolute: both sides compute
//! them from the same integer counts, optbinning as `ln(1 / rate − 1) + ln(events /
//! non-events)` and we as `ln(non-event share / event share)`, which differ by a few ulps.
//!
//! optbinning's CP model rounds the IV of every candidate bin and every event rate down to a
//! multiple of 1e-6; where two partitions are within that rounding of each other it may return
//! either, while our dynamic program is exact and, on an exact tie (two neighbouring bins of
//! equal event rate: merging them leaves the IV unchanged), keeps the one found first. Which
//! of tied partitions the CP solver returns is its own affair, so tables built of repeated
//! patterns of integer counts are avoided here; none of these tables has a tie or near-tie at
//! its optimum. Should a new one have it, the split comparison fails with both objectives in
//! its message (equal to within about 1e-6 per bin), which tells a tie from a disagreement.

#[path = "support/lcg.rs"]
mod lcg;
#[path = "support/reference.rs"]
mod reference;

use std::sync::Arc;

use appfraud_train::{
    ScorecardFeature, ScorecardParams, Trend, ValidScorecardParams, scorecard_bins,
};
use lcg::Lcg;
use reference::{bools, count, counts, float, floats, floats_of, get};
use serde_json::Value;

/// WoE and IV: the same integer counts, two algebraically equal formulas.
const WOE_IV_TOLERANCE: f64 = 1e-9;

/// The script's output (run once for all tests of this file).
fn optbinning() -> Arc<Value> {
    reference::run("optbinning_reference.py", &[])
}

/// The value and the probability of fraud at draw `u` (`shape` of the script).
#[derive(Debug, Clone, Copy)]
enum Shape {
    /// `100 u`, risk `0.03 + 0.25 u²`.
    Ascending,
    /// `5 + 50 u`, risk `0.35 − 0.3 u`.
    Descending,
    /// `10 u − 5`, risk `0.04 + 1.2 (u − 0.4)²`: falls, then rises further.
    UShaped,
    /// `floor(21 u)` (0..=20), risk `0.02 + 0.015 x`.
    Counts,
    /// `1000 u³`, risk `0.05 + 0.2 u`.
    Skewed,
    /// `u`, risk `0.1 + 0.03 u`.
    LowSignal,
}

impl Shape {
    fn draw(self, u: f64) -> (f64, f64) {
        match self {
            Shape::Ascending => (100.0 * u, 0.03 + 0.25 * u * u),
            Shape::Descending => (5.0 + 50.0 * u, 0.35 - 0.3 * u),
            Shape::UShaped => (10.0 * u - 5.0, 0.04 + 1.2 * (u - 0.4) * (u - 0.4)),
            Shape::Counts => {
                let x = (21.0 * u).floor();
                (x, 0.02 + 0.015 * x)
            }
            Shape::Skewed => (1000.0 * u * u * u, 0.05 + 0.2 * u),
            Shape::LowSignal => (u, 0.1 + 0.03 * u),
        }
    }
}

/// `(max_prebins, min_prebin_share, max_bins, min_bin_share)`.
type Settings = (usize, f64, usize, f64);
const DEFAULT: Settings = (20, 0.05, 10, 0.05);
const FINE: Settings = (30, 0.02, 6, 0.04);
const COARSE: Settings = (12, 0.04, 4, 0.1);

/// Where a table's rows come from.
enum Source {
    /// `TABLES` of the script: `rows` rows, three draws each from `Lcg(seed)`: `u` (value and
    /// risk by `shape`), `m` (missing when `m < missing.0`, then fraud with probability
    /// `missing.1`), `l` (fraud when `l < risk`).
    Drawn {
        seed: u64,
        rows: usize,
        shape: Shape,
        missing: (f64, f64),
    },
    /// `min_leaf_step()` of the script: `x = k` for `k` in `0..1097`, fraud when
    /// `(k >= 1042) != (k % 10 == 3)`.
    MinLeafStep,
    /// `forbidden_boundary()` of the script: values 0, 1, 2, 3 with (rows, fraud) = (40, 4),
    /// (10, 6), (10, 5), (40, 36), the fraud rows first within each value.
    ForbiddenBoundary,
    /// `near_values()` of the script: for `k` in `0..300`, 0.5 (fraud when `k % 4 == 0`) below
    /// 100, 0.5 + 2⁻²⁴ (fraud when `k % 4 != 0`) below 200, else 0.75 (fraud when `k` is even).
    NearValues,
}

/// One table and the settings it is binned with.
struct Table {
    name: &'static str,
    source: Source,
    settings: Settings,
}

/// A table of [`Source::Drawn`].
const fn drawn(
    name: &'static str,
    (seed, rows): (u64, usize),
    shape: Shape,
    missing: (f64, f64),
    settings: Settings,
) -> Table {
    Table {
        name,
        source: Source::Drawn {
            seed,
            rows,
            shape,
            missing,
        },
        settings,
    }
}

/// `(share, fraud probability)` of missing rows: none.
const NO_MISSING: (f64, f64) = (0.0, 0.0);

const TABLES: [Table; 11] = [
    drawn(
        "ascending",
        (101, 3000),
        Shape::Ascending,
        NO_MISSING,
        DEFAULT,
    ),
    drawn(
        "descending",
        (202, 3000),
        Shape::Descending,
        NO_MISSING,
        FINE,
    ),
    drawn("u_shaped", (303, 4000), Shape::UShaped, NO_MISSING, DEFAULT),
    drawn(
        "u_shaped_fine",
        (304, 4000),
        Shape::UShaped,
        NO_MISSING,
        FINE,
    ),
    drawn("counts", (404, 3000), Shape::Counts, (0.05, 0.2), DEFAULT),
    drawn(
        "skewed_missing",
        (505, 3000),
        Shape::Skewed,
        (0.15, 0.3),
        FINE,
    ),
    drawn(
        "low_signal",
        (606, 3000),
        Shape::LowSignal,
        NO_MISSING,
        DEFAULT,
    ),
    drawn(
        "pure_missing",
        (707, 3000),
        Shape::Ascending,
        (0.015, 0.0),
        COARSE,
    ),
    Table {
        name: "min_leaf_step",
        source: Source::MinLeafStep,
        settings: (2, 0.05, 10, 0.05),
    },
    Table {
        name: "forbidden_boundary",
        source: Source::ForbiddenBoundary,
        settings: (20, 0.1, 2, 0.45),
    },
    Table {
        name: "near_values",
        source: Source::NearValues,
        settings: DEFAULT,
    },
];

impl Table {
    /// Values (`NaN` = missing) and labels, as [`Source`] describes.
    fn generate(&self) -> (Vec<f32>, Vec<bool>) {
        match self.source {
            Source::Drawn {
                seed,
                rows,
                shape,
                missing: (missing_share, missing_risk),
            } => {
                let mut rng = Lcg(seed);
                (0..rows)
                    .map(|_| {
                        let (u, m, l) = (rng.unit(), rng.unit(), rng.unit());
                        let (x, risk) = shape.draw(u);
                        let (x, risk) = if m < missing_share {
                            (f64::NAN, missing_risk)
                        } else {
                            (x, risk)
                        };
                        (x as f32, l < risk)
                    })
                    .unzip()
            }
            Source::MinLeafStep => (0..1097u16)
                .map(|k| (f32::from(k), (k >= 1042) != (k % 10 == 3)))
                .unzip(),
            Source::ForbiddenBoundary => [(40, 4), (10, 6), (10, 5), (40, 36)]
                .into_iter()
                .zip([0.0f32, 1.0, 2.0, 3.0])
                .flat_map(|((rows, fraud), value)| (0..rows).map(move |i| (value, i < fraud)))
                .unzip(),
            Source::NearValues => (0..300)
                .map(|k| match k {
                    0..100 => (0.5, k % 4 == 0),
                    100..200 => (0.5f32.next_up(), k % 4 != 0),
                    _ => (0.75, k % 2 == 0),
                })
                .unzip(),
        }
    }

    /// Whether the table has missing values.
    fn has_missing(&self) -> bool {
        matches!(self.source, Source::Drawn { missing, .. } if missing.0 > 0.0)
    }

    fn params(&self) -> ValidScorecardParams {
        let (max_prebins, min_prebin_share, max_bins, min_bin_share) = self.settings;
        ScorecardParams::new()
            .max_prebins(max_prebins)
            .min_prebin_share(min_prebin_share)
            .max_bins(max_bins)
            .min_bin_share(min_bin_share)
            .check()
            .expect("valid settings")
    }

    fn bins(&self, trend: Option<Trend>) -> ScorecardFeature {
        let (values, labels) = self.generate();
        scorecard_bins(&self.params(), &values, &labels, trend).expect("valid table")
    }

    /// The script's section for this table.
    fn reference<'a>(&self, all: &'a Value) -> &'a Value {
        get(all, &format!("tables/{}", self.name))
    }
}

#[track_caller]
fn assert_close(what: &str, actual: f64, expected: f64, tolerance: f64) {
    assert!(
        actual == expected || (actual - expected).abs() <= tolerance,
        "{what}: got {actual:?}, optbinning gives {expected:?} (tolerance {tolerance:e})"
    );
}

/// The information value of the non-missing bins over the non-missing rows: the objective both
/// binnings maximise, `Σ (p_i − q_i) ln(p_i / q_i)` with `p`, `q` the bins' shares of the
/// non-missing events and non-events.
fn objective(f: &ScorecardFeature) -> f64 {
    let events: u64 = f.bins.iter().map(|b| b.events).sum();
    let non_events: u64 = f.bins.iter().map(|b| b.rows - b.events).sum();
    f.bins
        .iter()
        .filter(|b| b.events > 0 && b.events < b.rows)
        .map(|b| {
            let p = b.events as f64 / events as f64;
            let q = (b.rows - b.events) as f64 / non_events as f64;
            (p - q) * (p / q).ln()
        })
        .sum()
}

/// Checks our binning of `table` under `trend` against optbinning's run `expected`.
#[track_caller]
fn assert_matches(table: &Table, trend: Trend, ours: &ScorecardFeature, expected: &Value) {
    let at = format!("{} ({})", table.name, trend.as_str());
    assert_eq!(
        get(expected, "status").as_str(),
        Some("OPTIMAL"),
        "{at}: optbinning's solver did not prove its solution optimal"
    );
    assert_eq!(ours.trend, trend, "{at}: trend");
    let splits = floats(expected, "splits");
    assert_eq!(
        ours.edges,
        splits,
        "{at}: our edges vs optbinning's splits (exact); objectives: ours {}, optbinning's {}",
        objective(ours),
        float(expected, "objective")
    );
    assert_eq!(
        ours.bins
            .iter()
            .map(|b| b.rows as usize)
            .collect::<Vec<_>>(),
        counts(expected, "bins/count"),
        "{at}: rows per bin"
    );
    assert_eq!(
        ours.bins
            .iter()
            .map(|b| b.events as usize)
            .collect::<Vec<_>>(),
        counts(expected, "bins/event"),
        "{at}: events per bin"
    );
    let woe = floats(expected, "bins/woe");
    let iv = floats(expected, "bins/iv");
    for (k, bin) in ours.bins.iter().enumerate() {
        assert_close(
            &format!("{at}: WoE of bin {k}"),
            bin.woe,
            woe[k],
            WOE_IV_TOLERANCE,
        );
        assert_close(
            &format!("{at}: IV of bin {k}"),
            bin.iv,
            iv[k],
            WOE_IV_TOLERANCE,
        );
    }
    let our_iv: f64 = ours.bins.iter().map(|b| b.iv).sum();
    assert_close(
        &format!("{at}: IV of the non-missing bins"),
        our_iv,
        iv.iter().sum(),
        WOE_IV_TOLERANCE,
    );
    assert_close(
        &format!("{at}: objective"),
        objective(ours),
        float(expected, "objective"),
        WOE_IV_TOLERANCE,
    );

    // The missing bin: counts always; WoE and IV where optbinning's convention is ours: a
    // missing bin smaller than the least bin is not estimated (WoE 0, optbinning's default for
    // missing values in `transform`); a larger one holding both classes has the same WoE.
    let missing = &ours.missing;
    let rows: u64 = ours.bins.iter().map(|b| b.rows).sum::<u64>() + missing.rows;
    let least = (table.settings.3 * rows as f64).ceil() as u64;
    assert_eq!(
        missing.rows as usize,
        count(expected, "missing/count"),
        "{at}: missing rows"
    );
    assert_eq!(
        missing.events as usize,
        count(expected, "missing/event"),
        "{at}: missing events"
    );
    let pure = missing.rows > 0 && (missing.events == 0 || missing.events == missing.rows);
    if missing.rows < least {
        assert_eq!(
            (missing.woe, missing.iv),
            (0.0, 0.0),
            "{at}: small missing bin"
        );
    } else if !pure {
        assert_close(
            &format!("{at}: WoE of the missing bin"),
            missing.woe,
            float(expected, "missing/woe"),
            WOE_IV_TOLERANCE,
        );
        assert_close(
            &format!("{at}: IV of the missing bin"),
            missing.iv,
            float(expected, "missing/iv"),
            WOE_IV_TOLERANCE,
        );
    }
}

/// Every table of this file is the script's, value for value (bit for bit, `NaN` where
/// missing), label for label, and so are the settings.
#[test]
fn generated_tables_are_the_scripts() {
    let all = optbinning();
    for table in &TABLES {
        let section = table.reference(&all);
        let (values, labels) = table.generate();
        let theirs = floats_of(get(section, "values"));
        assert_eq!(values.len(), theirs.len(), "{}: rows", table.name);
        for (i, (&ours, &theirs)) in values.iter().zip(&theirs).enumerate() {
            assert!(
                (ours.is_nan() && theirs.is_nan()) || f64::from(ours) == theirs,
                "{} row {i}: our value {ours:?}, the script's {theirs:?}",
                table.name
            );
        }
        assert_eq!(labels, bools(section, "labels"), "{}: labels", table.name);
        let (max_prebins, min_prebin_share, max_bins, min_bin_share) = table.settings;
        assert_eq!(count(section, "settings/max_prebins"), max_prebins);
        assert_eq!(
            float(section, "settings/min_prebin_share"),
            min_prebin_share
        );
        assert_eq!(count(section, "settings/max_bins"), max_bins);
        assert_eq!(float(section, "settings/min_bin_share"), min_bin_share);
        assert!(
            values.iter().any(|v| v.is_nan()) == table.has_missing(),
            "{}: missing values as declared",
            table.name
        );
    }
}

/// `scorecard_bins(.., Some(Trend::Ascending))` against `OptimalBinning(..,
/// monotonic_trend="ascending")`, table by table.
#[test]
fn ascending_binning_matches_optbinning() {
    let all = optbinning();
    for table in &TABLES {
        let ours = table.bins(Some(Trend::Ascending));
        assert!(ours.declared);
        assert_matches(
            table,
            Trend::Ascending,
            &ours,
            get(table.reference(&all), "ascending"),
        );
    }
}

/// `scorecard_bins(.., Some(Trend::Descending))` against `OptimalBinning(..,
/// monotonic_trend="descending")`, table by table.
#[test]
fn descending_binning_matches_optbinning() {
    let all = optbinning();
    for table in &TABLES {
        let ours = table.bins(Some(Trend::Descending));
        assert!(ours.declared);
        assert_matches(
            table,
            Trend::Descending,
            &ours,
            get(table.reference(&all), "descending"),
        );
    }
}

/// `scorecard_bins(.., Some(Trend::Peak | Trend::Valley))` against `OptimalBinning(..,
/// monotonic_trend="peak" | "valley")` (no search-space reduction in optbinning's model for
/// these), table by table.
#[test]
fn peak_and_valley_binning_match_optbinning() {
    let all = optbinning();
    for table in &TABLES {
        for trend in [Trend::Peak, Trend::Valley] {
            let ours = table.bins(Some(trend));
            assert!(ours.declared);
            assert_matches(
                table,
                trend,
                &ours,
                get(table.reference(&all), trend.as_str()),
            );
        }
    }
}

/// Without a declared trend we pick the monotone one whose optbinning objective (IV of the
/// non-missing bins over the non-missing rows) is larger (ascending when they are equal, which
/// here means both are one bin), unless the better of peak and valley exceeds it by more than
/// `min_unimodal_gain` (10 %); and we bin exactly as optbinning does under the trend chosen.
/// Two different objectives differ by far more than the solver's rounding (1e-6 per bin).
#[test]
fn auto_trend_is_the_one_with_the_larger_optbinning_iv() {
    let all = optbinning();
    for table in &TABLES {
        let section = table.reference(&all);
        let up = float(section, "ascending/objective");
        let down = float(section, "descending/objective");
        let peak = float(section, "peak/objective");
        let valley = float(section, "valley/objective");
        for (a, b) in [
            (up, down),
            (peak, valley),
            (up.max(down) * 1.1, peak.max(valley)),
        ] {
            assert!(
                a == b || (a - b).abs() > 1e-4,
                "{}: the trends' IVs {a} and {b} are too close to tell apart",
                table.name
            );
        }
        let monotone = if down > up {
            Trend::Descending
        } else {
            Trend::Ascending
        };
        let unimodal = if valley > peak {
            Trend::Valley
        } else {
            Trend::Peak
        };
        let expected = if peak.max(valley) > up.max(down) * 1.1 {
            unimodal
        } else {
            monotone
        };
        let ours = table.bins(None);
        assert!(!ours.declared);
        assert_eq!(ours.trend, expected, "{}: trend chosen", table.name);
        assert_matches(table, expected, &ours, get(section, expected.as_str()));
    }
}

/// The U-shaped tables are where the trend matters: optbinning bins them differently under the
/// two trends (so the auto choice above is a real choice), and the low-signal table still gets
/// more than one bin under its better trend (the optimiser is not trivially merging all).
#[test]
fn the_tables_exercise_the_choices() {
    let all = optbinning();
    for name in ["u_shaped", "u_shaped_fine"] {
        let up = floats(&all, &format!("tables/{name}/ascending/splits"));
        let down = floats(&all, &format!("tables/{name}/descending/splits"));
        assert!(!up.is_empty() && !down.is_empty() && up != down, "{name}");
    }
    assert!(floats(&all, "tables/low_signal/ascending/splits").len() >= 2);
    assert!(floats(&all, "tables/pure_missing/ascending/splits").len() >= 2);
    assert_eq!(
        count(&all, "tables/pure_missing/ascending/missing/event"),
        0
    );
    assert!(count(&all, "tables/pure_missing/ascending/missing/count") > 0);
}

/// A pure missing bin (legitimate rows only): optbinning gives it WoE 0 and IV 0. Ours agrees
/// when the bin is smaller than the least bin (too small to estimate); a larger one gets half a
/// row of each class added to the bin and to the totals (module docs of the scorecard), checked
/// against that formula written out on a table built here.
#[test]
fn a_pure_missing_bin_is_neutral_when_small_and_smoothed_by_half_a_row_when_large() {
    let table = &TABLES[7];
    assert_eq!(table.name, "pure_missing");
    let ours = table.bins(Some(Trend::Ascending));
    let m = ours.missing;
    assert!(m.rows > 0 && m.events == 0);
    let all = optbinning();
    let theirs = get(table.reference(&all), "ascending/missing");
    assert_eq!(float(theirs, "woe"), 0.0);
    assert_eq!(float(theirs, "iv"), 0.0);
    assert_eq!(
        (m.woe, m.iv),
        (0.0, 0.0),
        "a small pure missing bin is neutral"
    );

    // 1,000 rows: 200 missing, all legitimate (20 %, above the least bin of 5 %); the present
    // values 0..800 with fraud on every fourth row.
    let values: Vec<f32> = (0..1000)
        .map(|i| if i < 200 { f32::NAN } else { (i - 200) as f32 })
        .collect();
    let labels: Vec<bool> = (0..1000).map(|i| i >= 200 && i % 4 == 0).collect();
    let params = ScorecardParams::new().check().expect("defaults");
    let ours = scorecard_bins(&params, &values, &labels, Some(Trend::Ascending)).expect("valid");
    let m = ours.missing;
    assert_eq!((m.rows, m.events), (200, 0));
    let (events, rows) = (200.0f64, 1000.0f64);
    let p = 0.5 / (events + 0.5);
    let q = 200.5 / (rows - events + 0.5);
    assert_close("smoothed WoE", m.woe, (q / p).ln(), 1e-12);
    assert_close("smoothed IV", m.iv, (p - q) * (p / q).ln(), 1e-12);
}
