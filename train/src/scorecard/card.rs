//! What the model card says about a scorecard: the points scaling, per feature its bins
//! (edges, counts, fraud rates, WoE, IV, points), the candidates left out and why, and one plot
//! per top feature.

use std::fmt::Write as _;

use super::{ScoreBin, ScorecardFeature, ScorecardModel, Selection};
use crate::TrainError;
use crate::plots::{BinBar, bins_svg};

/// Features of the scorecard that get a plot (the largest by importance).
pub(crate) const PLOTTED_FEATURES: usize = 6;

/// The file name of feature `name`'s bins plot.
pub(crate) fn plot_file(name: &str) -> String {
    format!("scorecard_{name}.svg")
}

/// Whether `file` names a scorecard bins plot (a package file).
pub(crate) fn is_plot_file(file: &str) -> bool {
    file.starts_with("scorecard_") && file.ends_with(".svg")
}

/// The value range of bin `i` of `f` (`None`: the missing bin), each edge written by `edge`.
fn range_with(f: &ScorecardFeature, bin: Option<usize>, edge: impl Fn(f32) -> String) -> String {
    let t = &f.thresholds;
    match bin {
        None => "missing".to_owned(),
        Some(_) if t.is_empty() => "any value".to_owned(),
        Some(0) => format!("≤ {}", edge(t[0])),
        Some(i) if i == t.len() => format!("> {}", edge(t[i - 1])),
        Some(i) => format!("({}, {}]", edge(t[i - 1]), edge(t[i])),
    }
}

/// The exact range (the card's tables): each edge is the `f32` threshold, shortest form.
fn range(f: &ScorecardFeature, bin: Option<usize>) -> String {
    range_with(f, bin, |t| t.to_string())
}

/// `x` to 4 significant digits, trailing zeros dropped (plot labels).
fn short(x: f32) -> String {
    let x = f64::from(x);
    if x == 0.0 {
        return "0".to_owned();
    }
    let decimals = (3 - x.abs().log10().floor() as i32).max(0) as usize;
    let s = format!("{x:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    }
}

fn name(names: &[String], j: usize) -> &str {
    names.get(j).map_or("?", String::as_str)
}

/// The features with a plot: the `PLOTTED_FEATURES` largest by importance (ties by column).
pub(crate) fn plotted(model: &ScorecardModel) -> Vec<usize> {
    let importance = model.importance();
    let mut order: Vec<usize> = model.features().iter().map(|f| f.feature).collect();
    order.sort_by(|a, b| importance[*b].total_cmp(&importance[*a]).then(a.cmp(b)));
    order.truncate(PLOTTED_FEATURES);
    order
}

/// The bins plots: (file name, SVG) per plotted feature.
pub(crate) fn plots(
    model: &ScorecardModel,
    names: &[String],
) -> Result<Vec<(String, String)>, TrainError> {
    plotted(model)
        .into_iter()
        .filter_map(|j| model.features().iter().find(|f| f.feature == j))
        .map(|f| {
            let bars: Vec<BinBar> = f
                .bins
                .iter()
                .enumerate()
                .map(|(i, b)| (Some(i), b))
                .chain(
                    // The missing bin only when training had missing values.
                    (f.missing.rows > 0).then_some((None, &f.missing)),
                )
                .map(|(bin, b)| BinBar {
                    label: range_with(f, bin, short),
                    event_rate: b.events as f64 / b.rows.max(1) as f64,
                    woe: b.woe,
                })
                .collect();
            let feature = name(names, f.feature);
            Ok((
                plot_file(feature),
                bins_svg(&bars, &format!("{feature}: fraud rate and WoE by bin"))?,
            ))
        })
        .collect()
}

/// The points table as JSON for `metrics.json`: the scaling, then per feature (in the
/// scorecard's order) its name, IV, trend, coefficient and bins (values, rows, fraud, WoE, IV,
/// points), the missing bin last.
pub(crate) fn points_json(model: &ScorecardModel, names: &[String]) -> serde_json::Value {
    let points = model.points();
    let s = model.scaling();
    let features: Vec<serde_json::Value> = model
        .features()
        .iter()
        .map(|f| {
            let bin = |bin: Option<usize>, b: &ScoreBin| {
                serde_json::json!({
                    "values": range(f, bin),
                    "upper": bin.and_then(|i| f.thresholds.get(i)),
                    "rows": b.rows,
                    "fraud": b.events,
                    "woe": b.woe,
                    "iv": b.iv,
                    "points": points
                        .iter()
                        .find(|p| p.feature == f.feature && p.bin == bin)
                        .map(|p| p.points),
                })
            };
            let mut bins: Vec<serde_json::Value> = f
                .bins
                .iter()
                .enumerate()
                .map(|(i, b)| bin(Some(i), b))
                .collect();
            bins.push(bin(None, &f.missing));
            serde_json::json!({
                "feature": name(names, f.feature),
                "iv": f.iv,
                "trend": f.trend.as_str(),
                "trend_declared": f.declared,
                "coefficient": f.coefficient,
                "bins": bins,
            })
        })
        .collect();
    serde_json::json!({
        "points_base": s.base,
        "points_base_odds": s.base_odds,
        "points_pdo": s.pdo,
        "intercept": model.intercept(),
        "expected_margin": model.expected_margin(),
        "features": features,
    })
}

/// The card's "Scorecard" section (Markdown).
pub(crate) fn section(model: &ScorecardModel, names: &[String]) -> String {
    let s = model.scaling();
    let mut out = String::new();
    let _ = writeln!(out, "## Scorecard\n");
    let _ = writeln!(
        out,
        "An applicant's score is the sum of the points of the bin they fall in for each \
         feature below. **More points, more risk**: {} points mean odds of fraud of 1 : {}, and \
         every {} points double the odds (points = {} + {:.4} × (margin + ln {})). The points \
         map the model's margin before calibration; the probability the package reports is the \
         calibration of that margin, so it rises with the points. Each feature's reason code is \
         its points minus its expected points over the training rows, in log-odds.\n",
        s.base,
        s.base_odds,
        s.pdo,
        s.base,
        s.factor(),
        s.base_odds
    );
    let _ = writeln!(
        out,
        "Bins: optimal binning under a trend of the fraud rate (declared; else the better of \
         ascending and descending, or a peak or valley where it carries clearly more \
         information), missing values in their own bin. WoE = ln(share of \
         legitimate / share of fraud): a negative WoE means more fraud than average. The \
         intercept is {:.6}; the expected margin over the training rows is {:.6}.\n",
        model.intercept(),
        model.expected_margin()
    );
    let points = model.points();
    let plotted = plotted(model);
    for f in model.features() {
        let feature = name(names, f.feature);
        let rows: u64 = f.bins.iter().map(|b| b.rows).sum::<u64>() + f.missing.rows;
        let _ = writeln!(
            out,
            "### `{feature}`\n\nIV {:.4}, fraud rate {} ({}), coefficient {:.4}.\n",
            f.iv,
            f.trend.as_str(),
            if f.declared { "declared" } else { "chosen" },
            f.coefficient
        );
        let _ = writeln!(
            out,
            "| Bin | Values | Rows | Share | Fraud | Fraud rate | WoE | IV | Points |\n|---|---|---:|---:|---:|---:|---:|---:|---:|"
        );
        let row = |out: &mut String, label: &str, bin: Option<usize>, b: &ScoreBin| {
            let p = points
                .iter()
                .find(|p| p.feature == f.feature && p.bin == bin)
                .map_or(f64::NAN, |p| p.points);
            let _ = writeln!(
                out,
                "| {label} | {} | {} | {:.1}% | {} | {:.2}% | {:.4} | {:.4} | {:.1} |",
                range(f, bin),
                b.rows,
                100.0 * b.rows as f64 / rows.max(1) as f64,
                b.events,
                100.0 * b.events as f64 / b.rows.max(1) as f64,
                b.woe,
                b.iv,
                p
            );
        };
        for (i, b) in f.bins.iter().enumerate() {
            row(&mut out, &(i + 1).to_string(), Some(i), b);
        }
        row(&mut out, "missing", None, &f.missing);
        if plotted.contains(&f.feature) {
            let _ = writeln!(
                out,
                "\n![{feature}: fraud rate and WoE by bin]({})",
                plot_file(feature)
            );
        }
        out.push('\n');
    }
    let left_out: Vec<_> = model
        .candidates()
        .iter()
        .filter(|c| !matches!(c.selection, Selection::Selected | Selection::LowIv))
        .collect();
    let weak = model
        .candidates()
        .iter()
        .filter(|c| c.selection == Selection::LowIv)
        .count();
    let _ = writeln!(out, "### Features left out\n");
    let _ = writeln!(
        out,
        "{weak} features have an information value below the minimum and are not used."
    );
    if !left_out.is_empty() {
        let _ = writeln!(out, "\n| Feature | IV | Why |\n|---|---:|---|");
        for c in left_out {
            let why = match &c.selection {
                Selection::Correlated { with, correlation } => format!(
                    "its WoE correlates {correlation:.2} with `{}`",
                    name(names, *with)
                ),
                Selection::WrongSign => {
                    "its coefficient came out against its WoE (it fought the others)".to_owned()
                }
                Selection::Limit => "the scorecard already had its most features".to_owned(),
                Selection::Selected | Selection::LowIv => String::new(),
            };
            let _ = writeln!(
                out,
                "| `{}` | {:.4} | {why} |",
                name(names, c.feature),
                c.iv
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::short;

    #[test]
    fn plot_labels_keep_four_significant_digits() {
        // Worked by hand.
        assert_eq!(short(14.837719), "14.84");
        assert_eq!(short(0.26491228), "0.2649");
        assert_eq!(short(-0.7570486), "-0.757");
        assert_eq!(short(96.13025), "96.13");
        assert_eq!(short(12345.0), "12345");
        assert_eq!(short(0.5), "0.5");
        assert_eq!(short(0.0), "0");
    }
}
