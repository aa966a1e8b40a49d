//! Flags across groups: whether a model's flags fall unevenly on the groups an organisation must
//! protect. The group is supplied by the user for evaluation only; it is never a model input.
//!
//! An application is **flagged** when its band is `review` or `verify` (its calibrated score is
//! at or above the `review` threshold): it goes to a human or to identity verification. It
//! **passes** otherwise. For each group [`fairness`] reports:
//!
//! - counts: applications, legitimate and fraudulent ones, flagged ones;
//! - the flag rate, the false-positive rate (flagged among the legitimate) and the true-positive
//!   rate (flagged among the fraudulent), each with a Wilson score interval;
//! - the **impact ratio**: the group's pass rate over the highest pass rate of any group (the
//!   "most favoured" group), the ratio 29 CFR 1607.4(D) compares with four fifths;
//! - the **FPR ratio**: the lowest false-positive rate of any group over the group's, so that it
//!   too is at most 1 and a legitimate applicant's burden is compared the same way.
//!
//! Both ratios carry a Katz log interval (Katz, Baptista, Azen and Pike, *Obtaining confidence
//! intervals for the risk ratio in cohort studies*, Biometrics 34, 1978): `ln R ± z·√(1/x₁ −
//! 1/n₁ + 1/x₂ − 1/n₂)`, with ½ added to every cell of the 2×2 table when one is empty (no
//! event, or nothing but events; the estimate itself stays the plain ratio). The
//! four-fifths rule is flagged when the estimate is below 0.8, and called clear when the whole
//! interval is below 0.8: 1607.4(D) itself says that smaller differences may matter when they
//! are significant and larger ones may not when they rest on small numbers. The most favoured
//! group is chosen on the same data, so its ratio is 1 by construction and has no interval.
//!
//! Applications whose group is unknown (no value, or no row in the side table) are counted and
//! left out of every rate.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::Serialize;

use crate::TrainError;
use crate::drift::chi_square_quantile;

/// The four-fifths threshold of 29 CFR 1607.4(D).
pub const FOUR_FIFTHS: f64 = 0.8;

/// A rate with its Wilson score interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rate {
    /// Events.
    pub count: usize,
    /// Trials.
    pub of: usize,
    /// `count / of`.
    pub estimate: f64,
    /// Lower bound of the interval.
    pub low: f64,
    /// Upper bound of the interval.
    pub high: f64,
}

/// A ratio of two rates with its interval (`None` bounds for the reference group itself, or
/// when a rate is undefined).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Ratio {
    /// The ratio.
    pub estimate: f64,
    /// Lower bound of the Katz log interval.
    pub low: Option<f64>,
    /// Upper bound of the Katz log interval.
    pub high: Option<f64>,
    /// The estimate is below four fifths.
    pub below_four_fifths: bool,
    /// The whole interval is below four fifths.
    pub clearly_below_four_fifths: bool,
}

/// One group's flags.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupFairness {
    /// The group's value.
    pub group: String,
    /// Applications.
    pub rows: usize,
    /// Of which legitimate.
    pub legitimate: usize,
    /// Of which fraudulent.
    pub fraud: usize,
    /// Flagged (review or verify) among all.
    pub flag_rate: Rate,
    /// Flagged among the legitimate; `None` without legitimate applications.
    pub false_positive_rate: Option<Rate>,
    /// Flagged among the fraudulent; `None` without fraudulent applications.
    pub true_positive_rate: Option<Rate>,
    /// Pass rate over the highest pass rate.
    pub impact_ratio: Ratio,
    /// Lowest false-positive rate over this group's; `None` without legitimate applications.
    pub fpr_ratio: Option<Ratio>,
}

/// Flags across the groups of one column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FairnessReport {
    /// The group column's name.
    pub column: String,
    /// The probability at and above which an application is flagged (the `review` threshold).
    pub flag_threshold: f64,
    /// Confidence level of the intervals.
    pub level: f64,
    /// The groups, by name.
    pub groups: Vec<GroupFairness>,
    /// Applications whose group is unknown, left out of every rate.
    pub unknown_group: usize,
    /// The group with the highest pass rate.
    pub most_favoured_pass: String,
    /// The group with the lowest false-positive rate.
    pub most_favoured_fpr: Option<String>,
    /// The lowest impact ratio of any group.
    pub min_impact_ratio: f64,
    /// The lowest FPR ratio of any group.
    pub min_fpr_ratio: Option<f64>,
}

/// The group of each application, read from column `column` of the Parquet or CSV table at
/// `path` (keyed by its `application_id` column): the applications table of a data directory,
/// or a side table. Only the two columns are read, as text (a CSV's values exactly as written:
/// `02134` stays `02134`); an empty or null value is an unknown group.
///
/// # Errors
///
/// [`TrainError::UnreadableTable`] for a file that is not a table; [`TrainError::UnknownColumn`]
/// when `application_id` or `column` is missing; [`TrainError::Data`] for a null or repeated
/// `application_id`, naming its row (0-based, header excluded).
pub fn read_groups(
    path: &Path,
    column: &str,
) -> Result<HashMap<String, Option<String>>, TrainError> {
    let file = path.display().to_string();
    let df = read_text_columns(path, &["application_id", column])?;
    let ids = df.column("application_id")?.str()?;
    let values = df.column(column)?.str()?;
    let mut groups = HashMap::with_capacity(ids.len());
    for (row, (id, value)) in ids.iter().zip(values.iter()).enumerate() {
        let id = id.ok_or_else(|| TrainError::Data {
            reason: format!("{file}: column `application_id`, row {row}: null"),
        })?;
        let value = value.filter(|v| !v.is_empty()).map(str::to_owned);
        if groups.insert(id.to_owned(), value).is_some() {
            return Err(TrainError::Data {
                reason: format!(
                    "{file}: column `application_id`, row {row}: an application listed twice \
                     (each needs one group)"
                ),
            });
        }
    }
    Ok(groups)
}

/// The group of each of `ids` in `groups` (as [`read_groups`] reads them); an id without a row
/// is of unknown group.
pub fn groups_of(ids: &[String], groups: &HashMap<String, Option<String>>) -> Vec<Option<String>> {
    ids.iter()
        .map(|id| groups.get(id).cloned().flatten())
        .collect()
}

/// Columns `names` of the Parquet or CSV table at `path`, each cast to text; a CSV is read with
/// every value as text, no type inferred.
fn read_text_columns(
    path: &Path,
    names: &[&str],
) -> Result<polars::prelude::DataFrame, TrainError> {
    use polars::prelude::*;
    let file = path.display().to_string();
    let unreadable = |reason: String| TrainError::UnreadableTable {
        file: file.clone(),
        reason,
    };
    let open = || std::fs::File::open(path).map_err(|e| unreadable(e.to_string()));
    let missing = |available: &[String]| {
        names
            .iter()
            .find(|n| !available.iter().any(|a| a == *n))
            .map(|n| TrainError::UnknownColumn {
                file: file.clone(),
                column: (*n).to_owned(),
            })
    };
    let df = match path.extension().and_then(|e| e.to_str()) {
        Some("parquet") => {
            let schema = ParquetReader::new(open()?)
                .schema()
                .map_err(|e| unreadable(e.to_string()))?;
            let available: Vec<String> = schema.iter_names().map(|n| n.to_string()).collect();
            if let Some(e) = missing(&available) {
                return Err(e);
            }
            ParquetReader::new(open()?)
                .with_columns(Some(names.iter().map(|n| (*n).to_owned()).collect()))
                .finish()
                .map_err(|e| unreadable(e.to_string()))?
        }
        Some("csv") => {
            let text = || {
                CsvReadOptions::default()
                    .with_has_header(true)
                    .with_infer_schema_length(Some(0))
            };
            let header = text()
                .with_n_rows(Some(0))
                .into_reader_with_file_handle(open()?)
                .finish()
                .map_err(|e| unreadable(e.to_string()))?;
            let available: Vec<String> = header
                .get_column_names()
                .iter()
                .map(|n| n.to_string())
                .collect();
            if let Some(e) = missing(&available) {
                return Err(e);
            }
            text()
                .with_columns(Some(names.iter().map(|n| PlSmallStr::from(*n)).collect()))
                .into_reader_with_file_handle(open()?)
                .finish()
                .map_err(|e| unreadable(e.to_string()))?
        }
        _ => return Err(unreadable("expected a .parquet or .csv file".to_owned())),
    };
    let columns = names
        .iter()
        .map(|n| {
            df.column(n)?
                .cast(&DataType::String)
                .map_err(|e| unreadable(format!("column `{n}` cannot be read as text: {e}")))
        })
        .collect::<Result<Vec<_>, TrainError>>()?;
    Ok(DataFrame::new_infer_height(columns)?)
}

/// The two-sided normal quantile of `level` (`z` with `P(|Z| ≤ z) = level`), from the
/// chi-square law with one degree of freedom (`Z²`).
fn z_of(level: f64) -> f64 {
    chi_square_quantile(level, 1.0).sqrt()
}

/// The Wilson score interval of `count` events in `of` trials (Wilson, 1927).
pub fn wilson(count: usize, of: usize, level: f64) -> Rate {
    let n = of as f64;
    let p = count as f64 / n;
    let z = z_of(level);
    let z2 = z * z;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = z / denominator * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Rate {
        count,
        of,
        estimate: p,
        low: (centre - half).max(0.0),
        high: (centre + half).min(1.0),
    }
}

/// The ratio `(x1 / n1) / (x2 / n2)` with its Katz log interval (see the module docs).
pub fn katz_ratio(x1: usize, n1: usize, x2: usize, n2: usize, level: f64) -> Ratio {
    let estimate = if x2 == 0 {
        if x1 == 0 { 1.0 } else { f64::INFINITY }
    } else {
        (x1 as f64 / n1 as f64) / (x2 as f64 / n2 as f64)
    };
    // A zero cell of either 2×2 row (no event, or all events) makes the log ratio or its
    // standard error degenerate: ½ is then added to every cell (Haldane–Anscombe), so each
    // count gains ½ and each total 1.
    let degenerate = x1 == 0 || x2 == 0 || x1 == n1 || x2 == n2;
    let (a, m, b, k) = if degenerate {
        (
            x1 as f64 + 0.5,
            n1 as f64 + 1.0,
            x2 as f64 + 0.5,
            n2 as f64 + 1.0,
        )
    } else {
        (x1 as f64, n1 as f64, x2 as f64, n2 as f64)
    };
    let log_ratio = (a / m / (b / k)).ln();
    let se = (1.0 / a - 1.0 / m + 1.0 / b - 1.0 / k).max(0.0).sqrt();
    let z = z_of(level);
    let (low, high) = ((log_ratio - z * se).exp(), (log_ratio + z * se).exp());
    Ratio {
        estimate,
        low: Some(low),
        high: Some(high),
        below_four_fifths: estimate < FOUR_FIFTHS,
        clearly_below_four_fifths: high < FOUR_FIFTHS,
    }
}

/// The most favoured group's own ratio: exactly 1, without an interval.
fn unit_ratio() -> Ratio {
    Ratio {
        estimate: 1.0,
        low: None,
        high: None,
        below_four_fifths: false,
        clearly_below_four_fifths: false,
    }
}

/// Per-group counts, before rates.
#[derive(Default)]
struct Counts {
    rows: usize,
    fraud: usize,
    flagged: usize,
    flagged_fraud: usize,
}

impl Counts {
    fn legitimate(&self) -> usize {
        self.rows - self.fraud
    }
    fn flagged_legitimate(&self) -> usize {
        self.flagged - self.flagged_fraud
    }
    fn passed(&self) -> usize {
        self.rows - self.flagged
    }
}

/// Flags across groups (see the module docs): `groups[i]` is row `i`'s group (`None` =
/// unknown), `labels[i]` whether it is fraud, `probabilities[i]` its calibrated score, flagged at
/// and above `flag_threshold`. Intervals at confidence `level`.
///
/// # Errors
///
/// [`TrainError::LengthMismatch`] for slices of different lengths; [`TrainError::EmptyInput`]
/// when no row has a known group; [`TrainError::InvalidArgument`] for a level outside (0, 1).
pub fn fairness(
    column: &str,
    groups: &[Option<String>],
    labels: &[bool],
    probabilities: &[f64],
    flag_threshold: f64,
    level: f64,
) -> Result<FairnessReport, TrainError> {
    for (what, len) in [("labels", labels.len()), ("scores", probabilities.len())] {
        if len != groups.len() {
            return Err(TrainError::LengthMismatch {
                what,
                found: len,
                expected: groups.len(),
            });
        }
    }
    if !(level > 0.0 && level < 1.0) {
        return Err(TrainError::InvalidArgument {
            name: "level",
            value: level.to_string(),
            expected: "a confidence level in (0, 1)".to_owned(),
        });
    }
    let mut by_group: BTreeMap<&str, Counts> = BTreeMap::new();
    let mut unknown_group = 0;
    for ((group, fraud), p) in groups.iter().zip(labels).zip(probabilities) {
        let Some(group) = group else {
            unknown_group += 1;
            continue;
        };
        let c = by_group.entry(group.as_str()).or_default();
        let flagged = *p >= flag_threshold;
        c.rows += 1;
        c.fraud += usize::from(*fraud);
        c.flagged += usize::from(flagged);
        c.flagged_fraud += usize::from(flagged && *fraud);
    }
    if by_group.is_empty() {
        return Err(TrainError::EmptyInput {
            what: "rows with a known group",
        });
    }
    let pass_rate = |c: &Counts| c.passed() as f64 / c.rows as f64;
    let fpr = |c: &Counts| c.flagged_legitimate() as f64 / c.legitimate() as f64;
    // Most favoured: the highest pass rate, and the lowest false-positive rate; ties go to the
    // first group by name.
    let best_pass = by_group
        .iter()
        .reduce(|a, b| {
            if pass_rate(b.1) > pass_rate(a.1) {
                b
            } else {
                a
            }
        })
        .map(|(g, _)| *g)
        .unwrap_or_default();
    let best_fpr = by_group
        .iter()
        .filter(|(_, c)| c.legitimate() > 0)
        .reduce(|a, b| if fpr(b.1) < fpr(a.1) { b } else { a })
        .map(|(g, _)| *g);
    let reference = &by_group[best_pass];
    let out: Vec<GroupFairness> = by_group
        .iter()
        .map(|(group, c)| {
            let impact_ratio = if *group == best_pass {
                unit_ratio()
            } else {
                katz_ratio(
                    c.passed(),
                    c.rows,
                    reference.passed(),
                    reference.rows,
                    level,
                )
            };
            let fpr_ratio = match best_fpr {
                Some(best) if c.legitimate() > 0 => Some(if *group == best {
                    unit_ratio()
                } else {
                    let r = &by_group[best];
                    katz_ratio(
                        r.flagged_legitimate(),
                        r.legitimate(),
                        c.flagged_legitimate(),
                        c.legitimate(),
                        level,
                    )
                }),
                _ => None,
            };
            GroupFairness {
                group: (*group).to_owned(),
                rows: c.rows,
                legitimate: c.legitimate(),
                fraud: c.fraud,
                flag_rate: wilson(c.flagged, c.rows, level),
                false_positive_rate: (c.legitimate() > 0)
                    .then(|| wilson(c.flagged_legitimate(), c.legitimate(), level)),
                true_positive_rate: (c.fraud > 0).then(|| wilson(c.flagged_fraud, c.fraud, level)),
                impact_ratio,
                fpr_ratio,
            }
        })
        .collect();
    let min_impact_ratio = out
        .iter()
        .map(|g| g.impact_ratio.estimate)
        .fold(f64::INFINITY, f64::min);
    let min_fpr_ratio = out
        .iter()
        .filter_map(|g| g.fpr_ratio.map(|r| r.estimate))
        .reduce(f64::min);
    Ok(FairnessReport {
        column: column.to_owned(),
        flag_threshold,
        level,
        groups: out,
        unknown_group,
        most_favoured_pass: best_pass.to_owned(),
        most_favoured_fpr: best_fpr.map(str::to_owned),
        min_impact_ratio,
        min_fpr_ratio,
    })
}

/// The report as a markdown section (a `##` heading, a table per measure, and how to read it),
/// for the model card and for `fairness.md`.
pub fn fairness_markdown(report: &FairnessReport) -> String {
    use std::fmt::Write;
    let pct = |r: &Rate| {
        format!(
            "{:.1} % [{:.1}, {:.1}]",
            100.0 * r.estimate,
            100.0 * r.low,
            100.0 * r.high
        )
    };
    let opt_pct = |r: &Option<Rate>| r.as_ref().map_or_else(|| "–".to_owned(), pct);
    let ratio = |r: &Ratio| {
        let interval = match (r.low, r.high) {
            (Some(l), Some(h)) => format!(" [{l:.3}, {h:.3}]"),
            _ => " (reference)".to_owned(),
        };
        let flag = if r.clearly_below_four_fifths {
            " **below 4/5**"
        } else if r.below_four_fifths {
            " below 4/5 (not significant)"
        } else {
            ""
        };
        format!("{:.3}{interval}{flag}", r.estimate)
    };
    let mut md = String::new();
    let _ = writeln!(md, "## Fairness across `{}`\n", report.column);
    let _ = writeln!(
        md,
        "Flagged means the `review` or `verify` band (probability ≥ {:.6}): the application goes \
         to a human or to identity verification, never to rejection. Intervals are {:.0} %: \
         Wilson for rates, Katz log for ratios. The group was supplied for this evaluation only \
         and is not a model input.\n",
        report.flag_threshold,
        100.0 * report.level
    );
    let _ = writeln!(
        md,
        "| group | applications | legitimate | fraud | flag rate | false-positive rate | true-positive rate | impact ratio | FPR ratio |"
    );
    let _ = writeln!(md, "|---|---:|---:|---:|---|---|---|---|---|");
    for g in &report.groups {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            g.group.replace('|', "\\|"),
            g.rows,
            g.legitimate,
            g.fraud,
            pct(&g.flag_rate),
            opt_pct(&g.false_positive_rate),
            opt_pct(&g.true_positive_rate),
            ratio(&g.impact_ratio),
            g.fpr_ratio.as_ref().map_or_else(|| "–".to_owned(), ratio),
        );
    }
    let _ = writeln!(
        md,
        "\n- Applications whose group is unknown: {} (left out of every rate).",
        report.unknown_group
    );
    let _ = writeln!(
        md,
        "- Most favoured group: `{}` by pass rate; {} by false-positive rate.",
        report.most_favoured_pass,
        report
            .most_favoured_fpr
            .as_deref()
            .map_or_else(|| "none".to_owned(), |g| format!("`{g}`"))
    );
    let _ = writeln!(
        md,
        "- Lowest impact ratio {:.3}; lowest FPR ratio {}.",
        report.min_impact_ratio,
        report
            .min_fpr_ratio
            .map_or_else(|| "–".to_owned(), |r| format!("{r:.3}"))
    );
    let _ = writeln!(
        md,
        "- The impact ratio is a group's pass rate over the most favoured group's; the FPR ratio \
         the lowest false-positive rate over the group's. Below 4/5 is the four-fifths rule of \
         29 CFR 1607.4(D); **below 4/5** in bold means the whole interval is below it, \
         otherwise the difference may rest on small numbers."
    );
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(
        group: &str,
        legit: usize,
        legit_flagged: usize,
        fraud: usize,
        fraud_flagged: usize,
    ) -> Vec<(Option<String>, bool, f64)> {
        let g = Some(group.to_owned());
        let mut v = Vec::new();
        v.extend((0..legit).map(|i| (g.clone(), false, if i < legit_flagged { 0.9 } else { 0.1 })));
        v.extend((0..fraud).map(|i| (g.clone(), true, if i < fraud_flagged { 0.9 } else { 0.1 })));
        v
    }

    #[test]
    fn rates_and_ratios_match_a_hand_computation() {
        // Group a: 90 legitimate (5 flagged), 10 fraud (5 flagged): flag rate 10/100, pass 0.9.
        // Group b: 40 legitimate (6 flagged), 10 fraud (9 flagged): flag rate 15/50, pass 0.7.
        // Plus 3 rows of unknown group.
        let mut data = rows("a", 90, 5, 10, 5);
        data.extend(rows("b", 40, 6, 10, 9));
        data.extend((0..3).map(|_| (None, false, 0.9)));
        let groups: Vec<Option<String>> = data.iter().map(|r| r.0.clone()).collect();
        let labels: Vec<bool> = data.iter().map(|r| r.1).collect();
        let p: Vec<f64> = data.iter().map(|r| r.2).collect();
        let r = fairness("g", &groups, &labels, &p, 0.5, 0.95).expect("report");
        assert_eq!(r.unknown_group, 3);
        assert_eq!(r.most_favoured_pass, "a");
        assert_eq!(r.most_favoured_fpr.as_deref(), Some("a"));
        let (a, b) = (&r.groups[0], &r.groups[1]);
        assert_eq!((a.rows, a.legitimate, a.fraud), (100, 90, 10));
        assert_eq!(b.flag_rate.estimate, 0.3);
        assert_eq!(b.false_positive_rate.unwrap().estimate, 0.15);
        assert_eq!(b.true_positive_rate.unwrap().estimate, 0.9);
        // Impact ratio of b: 0.7 / 0.9 = 0.777…, below 4/5. Katz by hand: ln R = −0.251314,
        // SE = √(1/35 − 1/50 + 1/90 − 1/100) = 0.098400, z = 1.959964, so the interval is
        // exp(−0.251314 ± 0.192860) = [0.641353, 0.943221] (the same steps in Python with
        // scipy.stats.norm.ppf(0.975)): it holds 0.8, so not significant.
        let ir = b.impact_ratio;
        assert!((ir.estimate - 7.0 / 9.0).abs() < 1e-15);
        assert!((ir.low.unwrap() - 0.641_353).abs() < 1e-6, "{ir:?}");
        assert!((ir.high.unwrap() - 0.943_221).abs() < 1e-6, "{ir:?}");
        assert!(ir.below_four_fifths && !ir.clearly_below_four_fifths);
        // FPR ratio of b: (5/90) / (6/40) = 0.370370.
        let fr = b.fpr_ratio.unwrap();
        assert!((fr.estimate - (5.0 / 90.0) / 0.15).abs() < 1e-15);
        assert!(fr.below_four_fifths);
        assert_eq!(a.impact_ratio, unit_ratio());
        assert!((r.min_impact_ratio - 7.0 / 9.0).abs() < 1e-15);
        // Wilson 95 % for 15 of 50, by hand: centre (0.3 + 1.920729/50) / 1.076829 = 0.314270,
        // half-width 1.959964/1.076829 × √(0.0042 + 0.000384146) = 0.123234: [0.191036,
        // 0.437504] (the same formula in Python with scipy.stats.norm.ppf(0.975)).
        let w = b.flag_rate;
        assert!(
            (w.low - 0.191_036).abs() < 1e-5 && (w.high - 0.437_504).abs() < 1e-5,
            "{w:?}"
        );
        let md = fairness_markdown(&r);
        assert!(md.contains("## Fairness across `g`") && md.contains("unknown: 3"));
    }

    #[test]
    fn zero_counts_keep_finite_intervals() {
        // No legitimate applicant flagged in a, two in b: a's FPR is 0 and the most favoured;
        // b's FPR ratio is 0 with a finite interval from the ½ correction.
        let mut data = rows("a", 50, 0, 0, 0);
        data.extend(rows("b", 50, 2, 5, 5));
        let groups: Vec<Option<String>> = data.iter().map(|r| r.0.clone()).collect();
        let labels: Vec<bool> = data.iter().map(|r| r.1).collect();
        let p: Vec<f64> = data.iter().map(|r| r.2).collect();
        let r = fairness("g", &groups, &labels, &p, 0.5, 0.95).expect("report");
        let b = &r.groups[1];
        let fr = b.fpr_ratio.unwrap();
        assert_eq!(fr.estimate, 0.0);
        assert!(fr.low.unwrap().is_finite() && fr.high.unwrap().is_finite());
        assert!(r.groups[0].true_positive_rate.is_none());
        // Every applicant passes in both groups (49 of 49, 101 of 101): the ratio is 1 and the
        // interval, from ½ added to every cell, is exp(ln(0.99 / (101.5 / 102)) ± z ×
        // √(1/49.5 − 1/50 + 1/101.5 − 1/102)) = [0.964500, 1.026211] (the same steps in Python
        // with scipy.stats.norm.ppf(0.975)), not the point [1, 1].
        let all = katz_ratio(49, 49, 101, 101, 0.95);
        assert_eq!(all.estimate, 1.0);
        assert!((all.low.unwrap() - 0.964_500).abs() < 1e-6, "{all:?}");
        assert!((all.high.unwrap() - 1.026_211).abs() < 1e-6, "{all:?}");
        assert!(fairness("g", &[None], &[false], &[0.1], 0.5, 0.95).is_err());
        assert!(fairness("g", &groups, &labels[1..], &p, 0.5, 0.95).is_err());
    }
}
