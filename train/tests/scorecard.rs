//! The scorecard's binning on a table binned by hand, and the monotone event rate it promises,
//! on many generated tables and through a full `train_scorecard`.
//!
//! Generated tables come from the MMIX LCG of `support/lcg.rs`, so they are fixed.

#[path = "support/lcg.rs"]
mod lcg;

use appfraud_train::{
    ColumnMatrix, ScorecardFeature, ScorecardParams, Trend, scorecard_bins, train_scorecard,
};
use lcg::Lcg;

/// Hand arithmetic (logarithms to 16 digits) against `f64` evaluation of the same formulas.
const HAND_TOLERANCE: f64 = 1e-12;

#[track_caller]
fn assert_close(what: &str, actual: f64, expected: f64) {
    assert!(
        (actual - expected).abs() <= HAND_TOLERANCE,
        "{what}: got {actual:?}, worked by hand {expected:?} (tolerance {HAND_TOLERANCE:e})"
    );
}

/// 20 rows in no particular order: values 1..=8 twice each, and 4 missing.
///
/// | value   | 1   | 2   | 3   | 4   | 5   | 6   | 7   | 8   | missing |
/// |---------|-----|-----|-----|-----|-----|-----|-----|-----|---------|
/// | rows    | 2   | 2   | 2   | 2   | 2   | 2   | 2   | 2   | 4       |
/// | fraud   | 0   | 0   | 1   | 0   | 2   | 1   | 1   | 1   | 2       |
fn hand_table() -> (Vec<f32>, Vec<bool>) {
    let rows: [(f32, bool); 20] = [
        (5.0, true),
        (1.0, false),
        (f32::NAN, true),
        (8.0, true),
        (3.0, false),
        (7.0, false),
        (2.0, false),
        (6.0, true),
        (4.0, false),
        (f32::NAN, false),
        (5.0, true),
        (8.0, false),
        (1.0, false),
        (3.0, true),
        (6.0, false),
        (f32::NAN, true),
        (7.0, true),
        (2.0, false),
        (4.0, false),
        (f32::NAN, false),
    ];
    rows.into_iter().unzip()
}

/// `max_prebins = 4`, `min_prebin_share = 0.175` (a pre-bin holds at least ceil(0.175 · 20) =
/// 4 rows; the leaf weight optbinning asks of scikit-learn is (4 / 16) · 16 = 4 exactly),
/// `max_bins = 10`, `min_bin_share = 0.2` (a bin holds at least ceil(0.2 · 20) = 4 rows).
fn hand_params() -> appfraud_train::ValidScorecardParams {
    ScorecardParams::new()
        .max_prebins(4)
        .min_prebin_share(0.175)
        .max_bins(10)
        .min_bin_share(0.2)
        .check()
        .expect("valid settings")
}

/// The table of [`hand_table`], binned by hand.
///
/// **Pre-binning.** 16 present rows, 6 fraud. A node's weighted Gini `n · gini = 2 e (n − e) / n`
/// (`e` fraud among `n`); the best split minimises the children's sum, with at least 4 rows on
/// each side. At the root (fraud after each value, cumulated: 0, 0, 1, 1, 3, 4, 5, 6):
///
/// - after 2: left 4 rows 0 fraud → 0; right 12 rows 6 fraud → 2·6·6/12 = 6; sum 6
/// - after 3: 6 rows 1 → 10/6 = 1.667; 10 rows 5 → 50/10 = 5; sum 6.667
/// - after 4: 8 rows 1 → 14/8 = 1.75; 8 rows 5 → 30/8 = 3.75; sum **5.5**
/// - after 5: 10 rows 3 → 42/10 = 4.2; 6 rows 3 → 18/6 = 3; sum 7.2
/// - after 6: 12 rows 4 → 64/12 = 5.333; 4 rows 2 → 8/4 = 2; sum 7.333
///
/// so the root splits at 4.5. Its children of 8 rows can only split 4 | 4: the left one
/// ({1, 2}: 0 fraud | {3, 4}: 1) gains (1.75 − 0 − 1.5) / 16 = 1/64, the right one ({5, 6}: 3 |
/// {7, 8}: 2) gains (3.75 − 1.5 − 2) / 16 = 1/64; with 4 leaves allowed both split, at 2.5 and
/// 6.5. Leaves of 4 rows cannot split again.
///
/// **Refinement.** Pre-bin {1, 2} holds no fraud: the split on its right, 2.5, goes. Pre-bins:
/// {1..=4} (8 rows, 1 fraud, rate 0.125), {5, 6} (4, 3, 0.75), {7, 8} (4, 2, 0.5).
///
/// **Merge, ascending.** 0.75 > 0.5 forbids a boundary at 6.5 (and {5..=8} at 5/8 is above
/// {1..=4}); every bin has at least 4 rows, so the best is {1..=4} | {5..=8}, rates 0.125 ≤
/// 0.625, over one bin (IV 0). **Descending.** 0.125 < 0.75 forbids 4.5, and the pooled rate of
/// {1..=8}, 6/16 = 0.375, below {7, 8}'s 0.5, forbids 6.5: one bin.
///
/// **WoE and IV** over all 20 rows (8 fraud, 12 legitimate), `WoE = ln((legit/12) /
/// (fraud/8))`, `IV = (fraud/8 − legit/12) · ln((fraud/8) / (legit/12))`:
///
/// - {1..=4}: 1 fraud, 7 legit: WoE = ln((7/12)/(1/8)) = ln(14/3) = 1.540445040947149;
///   IV = (1/8 − 7/12) · (−1.540445040947149) = 0.706037310434110
/// - {5..=8}: 5 fraud, 3 legit: WoE = ln((3/12)/(5/8)) = ln(0.4) = −0.916290731874155;
///   IV = (5/8 − 3/12) · 0.916290731874155 = 0.343609024452808
/// - missing: 2 fraud, 2 legit: WoE = ln((2/12)/(2/8)) = ln(2/3) = −0.405465108108164;
///   IV = (2/8 − 2/12) · 0.405465108108164 = 0.033788759009014
/// - descending's one bin, 6 fraud, 10 legit: WoE = ln((10/12)/(6/8)) = ln(10/9) =
///   0.105360515657826; IV = (6/8 − 10/12) · (−0.105360515657826) = 0.008780042971486
///
/// (optbinning 1.0.0's `binning_table.build()` prints the same table, rounded to 6 digits.)
#[test]
fn a_twenty_row_table_bins_as_worked_by_hand() {
    let (values, labels) = hand_table();
    let params = hand_params();

    let up = scorecard_bins(&params, &values, &labels, Some(Trend::Ascending)).expect("valid");
    assert_eq!(up.edges, vec![4.5]);
    assert_eq!(up.thresholds, vec![4.5f32]);
    assert_eq!(
        up.bins
            .iter()
            .map(|b| (b.rows, b.events))
            .collect::<Vec<_>>(),
        vec![(8, 1), (8, 5)]
    );
    assert_close("WoE {1..=4}", up.bins[0].woe, 1.540445040947149);
    assert_close("IV {1..=4}", up.bins[0].iv, 0.706037310434110);
    assert_close("WoE {5..=8}", up.bins[1].woe, -0.916290731874155);
    assert_close("IV {5..=8}", up.bins[1].iv, 0.343609024452808);
    assert_eq!((up.missing.rows, up.missing.events), (4, 2));
    assert_close("WoE missing", up.missing.woe, -0.405465108108164);
    assert_close("IV missing", up.missing.iv, 0.033788759009014);
    assert_close(
        "feature IV",
        up.iv,
        0.706037310434110 + 0.343609024452808 + 0.033788759009014,
    );
    assert!(up.declared);

    let down = scorecard_bins(&params, &values, &labels, Some(Trend::Descending)).expect("valid");
    assert!(down.edges.is_empty());
    assert_eq!(
        down.bins
            .iter()
            .map(|b| (b.rows, b.events))
            .collect::<Vec<_>>(),
        vec![(16, 6)]
    );
    assert_close("WoE one bin", down.bins[0].woe, 0.105360515657826);
    assert_close("IV one bin", down.bins[0].iv, 0.008780042971486);
    assert_close("WoE missing", down.missing.woe, -0.405465108108164);

    // Undeclared: ascending's objective over the present rows (6 fraud, 10 legitimate),
    // (1/6 − 7/10) ln((1/6)/(7/10)) + (5/6 − 3/10) ln((5/6)/(3/10)) = 1.310259, beats
    // descending's 0. A peak keeps all three pre-bins (0.125 ≤ 0.75 ≥ 0.5): its objective adds
    // (3/6 − 1/10) ln(5) + (2/6 − 2/10) ln(5/3) for {5, 6} and {7, 8} in place of {5..=8}, 1.477264,
    // 12.7 % more than ascending's, above the 10 % `min_unimodal_gain`: the peak is chosen.
    let auto = scorecard_bins(&params, &values, &labels, None).expect("valid");
    assert_eq!(auto.trend, Trend::Peak);
    assert!(!auto.declared);
    assert_eq!(auto.edges, vec![4.5, 6.5]);
    assert_eq!(
        auto.bins
            .iter()
            .map(|b| (b.rows, b.events))
            .collect::<Vec<_>>(),
        vec![(8, 1), (4, 3), (4, 2)]
    );
    // {5, 6}: 3 fraud, 1 legitimate of 8 and 12: WoE = ln((1/12)/(3/8)) = ln(2/9); IV =
    // (3/8 − 1/12) ln((3/8)/(1/12)) = 0.438689240726413.
    assert_close("WoE {5, 6}", auto.bins[1].woe, -1.504077396776274);
    assert_close("IV {5, 6}", auto.bins[1].iv, 0.438689240726413);
    assert_close("WoE {7, 8}", auto.bins[2].woe, -0.405465108108164);
    // With a gain threshold above 12.7 %, the monotone choice stays.
    let monotone = ScorecardParams::new()
        .max_prebins(4)
        .min_prebin_share(0.175)
        .max_bins(10)
        .min_bin_share(0.2)
        .min_unimodal_gain(0.2)
        .check()
        .expect("valid settings");
    let auto = scorecard_bins(&monotone, &values, &labels, None).expect("valid");
    assert_eq!(auto.trend, Trend::Ascending);
    assert_eq!(auto.edges, up.edges);
    assert_eq!(auto.bins, up.bins);
}

/// `a.events / a.rows <= b.events / b.rows`, exactly.
fn rate_le(a: (u64, u64), b: (u64, u64)) -> bool {
    u128::from(a.1) * u128::from(b.0) <= u128::from(b.1) * u128::from(a.0)
}

/// Checks that the event rates of `f`'s bins follow `trend`.
#[track_caller]
fn assert_monotone(what: &str, f: &ScorecardFeature, trend: Trend) {
    for (k, pair) in f.bins.windows(2).enumerate() {
        let (a, b) = (
            (pair[0].rows, pair[0].events),
            (pair[1].rows, pair[1].events),
        );
        let ok = match trend {
            Trend::Ascending => rate_le(a, b),
            Trend::Descending => rate_le(b, a),
            // Checked on the whole sequence below.
            Trend::Peak | Trend::Valley => true,
        };
        assert!(
            ok,
            "{what}: bins {k} and {} break the {trend:?} trend: {a:?} then {b:?} (rows, fraud)",
            k + 1
        );
    }
    let rates: Vec<f64> = f
        .bins
        .iter()
        .map(|b| b.events as f64 / b.rows as f64)
        .collect();
    assert!(trend.holds(&rates), "{what}: {rates:?} is not {trend:?}");
}

/// One random column: values (`NaN` missing) and labels. The value is `u` through one of
/// five shapes (continuous, skewed, integer counts 0..=k, a handful of values, negative), the
/// fraud probability a random quadratic in `u` clipped to [0.01, 0.95] (often not monotone).
fn random_column(rng: &mut Lcg, rows: usize) -> (Vec<f32>, Vec<bool>) {
    let shape = (rng.unit() * 5.0).floor();
    let ties = 2.0 + (rng.unit() * 20.0).floor();
    let (a, b, c) = (
        rng.unit() * 0.4,
        rng.unit() * 2.0 - 1.0,
        rng.unit() * 2.0 - 1.0,
    );
    let missing_share = if rng.unit() < 0.5 {
        0.0
    } else {
        rng.unit() * 0.3
    };
    let missing_risk = rng.unit();
    (0..rows)
        .map(|_| {
            let (u, m, l) = (rng.unit(), rng.unit(), rng.unit());
            if m < missing_share {
                return (f32::NAN, l < missing_risk);
            }
            let x = match shape as u8 {
                0 => u * 100.0,
                1 => u * u * u * 1000.0,
                2 => (u * ties).floor(),
                3 => (u * 4.0).floor() * 0.25,
                _ => u * 20.0 - 30.0,
            };
            let risk = (a + b * u + c * u * u).clamp(0.01, 0.95);
            (x as f32, l < risk)
        })
        .unzip()
}

/// On 150 random columns (100 to 600 rows, random settings) and both trends: the event rates
/// of the bins follow the trend, there are at most `max_bins` bins, each of at least
/// `ceil(min_bin_share · n)` rows when there are several, and each bin holds exactly the
/// present values between its edges (recounted from the raw values), the missing bin the
/// missing ones; `bin_of` agrees with the edges on every value.
#[test]
fn bins_follow_the_trend_on_random_tables() {
    let mut rng = Lcg(0x005e_ed0f_b1a5);
    let mut several_bins = [0usize; 4];
    for t in 0..150 {
        let rows = 100 + (rng.unit() * 500.0) as usize;
        let (values, labels) = random_column(&mut rng, rows);
        let max_prebins = 2 + (rng.unit() * 29.0) as usize;
        let min_prebin_share = 0.01 + rng.unit() * 0.19;
        let max_bins = 1 + (rng.unit() * 10.0) as usize;
        let min_bin_share = 0.01 + rng.unit() * 0.19;
        let params = ScorecardParams::new()
            .max_prebins(max_prebins)
            .min_prebin_share(min_prebin_share)
            .max_bins(max_bins)
            .min_bin_share(min_bin_share)
            .check()
            .expect("valid settings");
        let min_rows = (min_bin_share * rows as f64).ceil() as u64;
        for (k, trend) in [
            Trend::Ascending,
            Trend::Descending,
            Trend::Peak,
            Trend::Valley,
        ]
        .into_iter()
        .enumerate()
        {
            let what = format!("table {t} ({trend:?})");
            let f = scorecard_bins(&params, &values, &labels, Some(trend)).expect("valid");
            assert_eq!(f.trend, trend);
            assert_monotone(&what, &f, trend);
            assert!(f.bins.len() <= max_bins, "{what}: {} bins", f.bins.len());
            assert_eq!(f.bins.len(), f.edges.len() + 1, "{what}");
            assert!(f.edges.windows(2).all(|w| w[0] < w[1]), "{what}: edges");
            if f.bins.len() > 1 {
                several_bins[k] += 1;
                assert!(
                    f.bins.iter().all(|b| b.rows >= min_rows),
                    "{what}: a bin below {min_rows} rows"
                );
            }
            let mut recount = vec![(0u64, 0u64); f.bins.len()];
            let mut missing = (0u64, 0u64);
            for (&x, &y) in values.iter().zip(&labels) {
                let slot = if x.is_nan() {
                    &mut missing
                } else {
                    &mut recount[f.edges.iter().filter(|&&e| f64::from(x) >= e).count()]
                };
                slot.0 += 1;
                slot.1 += u64::from(y);
            }
            let ours: Vec<(u64, u64)> = f.bins.iter().map(|b| (b.rows, b.events)).collect();
            assert_eq!(ours, recount, "{what}: counts between the edges");
            assert_eq!((f.missing.rows, f.missing.events), missing, "{what}");
            for (b, bin) in f.bins.iter().enumerate() {
                assert!(bin.iv >= 0.0, "{what}: bin {b} IV {}", bin.iv);
            }
            // A value's bin by `thresholds` (x <= t goes left) is its bin by `edges`.
            for &x in values.iter().filter(|x| !x.is_nan()) {
                let by_edges = f.edges.iter().filter(|&&e| f64::from(x) >= e).count();
                assert_eq!(f.bin_of(x), Some(by_edges), "{what}: value {x}");
            }
        }
    }
    // The property is not vacuous: most tables get several bins under either trend.
    assert!(
        several_bins.iter().all(|&n| n >= 40),
        "tables with several bins (ascending, descending, peak, valley): {several_bins:?}"
    );
}

/// Through `train_scorecard`, on 4 seeds of 3000 rows: a feature declared `ascending` whose
/// risk first falls a little then rises (`(u − 0.2)²`), one declared `descending` whose risk
/// falls then rises a little (`(0.8 − u)²`), and an undeclared integer count with 10 % missing
/// values. Both declared features are in the model with their declared trend and bins that
/// follow it; the undeclared one follows the trend chosen for it.
#[test]
fn declared_trends_hold_in_a_trained_scorecard() {
    let names: Vec<String> = ["rises", "falls", "count"].map(String::from).to_vec();
    let params = ScorecardParams::new()
        .ascending(vec!["rises".to_owned()])
        .descending(vec!["falls".to_owned()])
        .check()
        .expect("valid settings");
    for seed in [11u64, 12, 13, 14] {
        let mut rng = Lcg(seed);
        let mut columns = [Vec::new(), Vec::new(), Vec::new()];
        let mut labels = Vec::new();
        for _ in 0..3000 {
            let (u0, u1, u2, m, l) = (rng.unit(), rng.unit(), rng.unit(), rng.unit(), rng.unit());
            let rises = (u0 - 0.2) * (u0 - 0.2) / 0.64;
            let falls = (0.8 - u1) * (0.8 - u1) / 0.64;
            columns[0].push(u0 as f32);
            columns[1].push((50.0 * u1) as f32);
            columns[2].push(if m < 0.1 {
                f32::NAN
            } else {
                (10.0 * u2).floor() as f32
            });
            labels.push(l < 0.02 + 0.3 * rises + 0.3 * falls + 0.15 * u2);
        }
        let x = ColumnMatrix::new(columns.iter().map(Vec::as_slice).collect()).expect("columns");
        let model = train_scorecard(&params, &x, &labels, &names).expect("trains");
        for (column, declared) in [(0, Some(Trend::Ascending)), (1, Some(Trend::Descending))] {
            let f = model
                .features()
                .iter()
                .find(|f| f.feature == column)
                .unwrap_or_else(|| panic!("seed {seed}: {} not selected", names[column]));
            assert_eq!(Some(f.trend), declared, "seed {seed}: {}", names[column]);
            assert!(f.declared);
            assert!(
                f.bins.len() >= 2,
                "seed {seed}: {} has one bin",
                names[column]
            );
            assert_monotone(&format!("seed {seed}: {}", names[column]), f, f.trend);
        }
        if let Some(f) = model.features().iter().find(|f| f.feature == 2) {
            assert!(!f.declared);
            assert_monotone(&format!("seed {seed}: count"), f, f.trend);
        }
    }
}

/// What a user can get wrong is refused with a message naming it: a declared trend naming no
/// feature, a feature declared twice, and a table where no feature carries the minimum
/// information value (labels independent of the feature).
#[test]
fn bad_declarations_and_featureless_tables_are_refused_by_name() {
    let names = vec!["x".to_owned()];
    let mut rng = Lcg(5);
    let values: Vec<f32> = (0..2000).map(|_| rng.unit() as f32).collect();
    let labels: Vec<bool> = (0..2000).map(|_| rng.unit() < 0.1).collect();
    let x = ColumnMatrix::new(vec![&values]).expect("one column");

    let unknown = ScorecardParams::new()
        .ascending(vec!["y".to_owned()])
        .check()
        .expect("names are checked against the table when training");
    let err = train_scorecard(&unknown, &x, &labels, &names).expect_err("no feature y");
    let text = err.to_string();
    assert!(
        text.contains("scorecard.ascending") && text.contains("\"y\""),
        "{text}"
    );

    let twice = ScorecardParams::new()
        .ascending(vec!["x".to_owned()])
        .valley(vec!["x".to_owned()])
        .check()
        .expect("valid alone");
    let text = train_scorecard(&twice, &x, &labels, &names)
        .expect_err("declared twice")
        .to_string();
    assert!(
        text.contains("scorecard.valley") && text.contains("ascending"),
        "{text}"
    );

    let strict = ScorecardParams::new().min_iv(0.5).check().expect("valid");
    let text = train_scorecard(&strict, &x, &labels, &names)
        .expect_err("noise carries no IV of 0.5")
        .to_string();
    assert!(text.contains("scorecard.min_iv"), "{text}");
}
