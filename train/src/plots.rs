//! The model card's plots, each a standalone 640×480 SVG document returned as a `String`.
//!
//! - [`roc_svg`]: the ROC curve (false-positive rate against true-positive rate) with the
//!   chance diagonal and the AUC in the legend.
//! - [`precision_recall_svg`]: the precision-recall curve, drawn as the step function whose area
//!   is the average precision (scikit-learn's `drawstyle="steps-post"`), with the base rate (the
//!   precision of flagging everything) as the no-skill line.
//! - [`calibration_svg`]: the reliability diagram, mean predicted probability against observed
//!   positive rate per non-empty bin with the perfect-calibration diagonal, over a histogram of
//!   the rows per bin (log scale, since fraud scores pile up near zero).
//! - [`importance_svg`]: horizontal bars of gain importance, largest at the top.
//! - [`bins_svg`]: a scorecard feature's bins, event rate (top) and weight of evidence
//!   (bottom) as bars per bin, labelled with the bins' value ranges.
//!
//! Drawing uses `plotters` with only its SVG backend (`svg_backend`, `line_series`; no default
//! features). Text needs no font: without the `ttf` or `ab_glyph` features, plotters lays text
//! out with a fixed per-character width estimate and the SVG backend writes every label as a
//! `<text>` element in the generic `sans-serif` family, anchored with `text-anchor`, so the
//! viewer renders it with whatever sans-serif font it has. No system font is read and no font
//! file is shipped or embedded (so no font license applies).
//!
//! Output is deterministic: the same input gives the same string. Curves with many points are
//! thinned before drawing: a point closer than 1/1000 of the axis range (under one pixel) to the
//! last point kept is dropped, so a curve over millions of rows stays a small file and looks the
//! same.
//!
//! Inputs are validated first: an empty curve or table is [`TrainError::EmptyInput`], a NaN or
//! infinite value [`TrainError::NonFinite`], a rate outside `[0, 1]`
//! [`TrainError::NotAProbability`], curve arrays of different lengths
//! [`TrainError::LengthMismatch`], and a bad scalar argument (AUC, base rate, `top`)
//! [`TrainError::InvalidArgument`]. Nothing panics on user data.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::TrainError;
use crate::drift::DriftReport;
use crate::metrics::{PrecisionRecallCurve, ReliabilityBin, RocCurve};

/// Width and height of every plot, in pixels.
const SIZE: (u32, u32) = (640, 480);
/// The font family written into the SVG; the viewer picks the actual font.
const FONT: &str = "sans-serif";
/// Font sizes in plotters' units (the SVG `font-size` is this / 1.24).
const TITLE_SIZE: f64 = 24.0;
const DESC_SIZE: f64 = 18.0;
const LABEL_SIZE: f64 = 15.0;
/// Points closer than this fraction of an axis range to the last kept point are dropped.
const THIN_TOLERANCE: f64 = 1e-3;
/// The most bars [`importance_svg`] draws: beyond this the labels no longer fit 480 pixels.
pub const MAX_IMPORTANCE_BARS: usize = 40;

const MODEL: RGBColor = RGBColor(31, 119, 180);
const REFERENCE: RGBColor = RGBColor(140, 140, 140);
const BASE_RATE: RGBColor = RGBColor(255, 127, 14);
const GRID: RGBColor = RGBColor(225, 225, 225);
const ACT: RGBColor = RGBColor(214, 39, 40);

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type DrawResult = Result<(), DrawingAreaErrorKind<std::io::Error>>;

/// The ROC curve as an SVG document: false-positive rate (x) against true-positive rate (y),
/// the chance diagonal, and `auc` in the legend.
///
/// Every point of `curve` is drawn (after sub-pixel thinning) as one polyline, in order;
/// `curve.thresholds` is not used.
///
/// # Errors
///
/// [`TrainError::EmptyInput`] for an empty curve, [`TrainError::LengthMismatch`] when `fpr` and
/// `tpr` differ in length, [`TrainError::NonFinite`] / [`TrainError::NotAProbability`] for a
/// rate that is not a finite number in `[0, 1]`, [`TrainError::InvalidArgument`] for an `auc`
/// outside `[0, 1]` or NaN.
pub fn roc_svg(curve: &RocCurve, auc: f64, title: &str) -> Result<String, TrainError> {
    check_pairs(("curve.fpr", &curve.fpr), ("curve.tpr", &curve.tpr))?;
    check_unit_argument("auc", auc)?;
    let points = thin(curve.fpr.iter().copied().zip(curve.tpr.iter().copied()));

    render("ROC", |root| {
        let mut chart = unit_chart(root, title)?;
        configure_unit_mesh(
            &mut chart,
            "False-positive rate",
            "True-positive rate (recall)",
        )?;
        chart
            .draw_series(LineSeries::new(
                [(0.0, 0.0), (1.0, 1.0)],
                REFERENCE.stroke_width(1),
            ))?
            .label("chance (AUC = 0.5)")
            .legend(|(x, y)| legend_line(x, y, REFERENCE));
        chart
            .draw_series(LineSeries::new(points, MODEL.stroke_width(2)))?
            .label(format!("model (AUC = {auc:.3})"))
            .legend(|(x, y)| legend_line(x, y, MODEL));
        draw_legend(&mut chart, SeriesLabelPosition::LowerRight)
    })
}

/// The precision-recall curve as an SVG document: recall (x) against precision (y), drawn as
/// the step function whose area is `average_precision`, with a horizontal line at `base_rate`
/// (the share of positives: the precision of a model without skill).
///
/// The steps follow `curve`'s order (scikit-learn's, recall decreasing): from point `i` the line
/// runs level at `precision[i]` to `recall[i + 1]`, then to `precision[i + 1]`. So `n` points
/// with distinct recalls make a polyline of `2n - 1` points (after sub-pixel thinning, which also
/// merges repeated points). `curve.thresholds` is not used.
///
/// # Errors
///
/// [`TrainError::EmptyInput`] for an empty curve, [`TrainError::LengthMismatch`] when
/// `precision` and `recall` differ in length, [`TrainError::NonFinite`] /
/// [`TrainError::NotAProbability`] for a value that is not a finite number in `[0, 1]`,
/// [`TrainError::InvalidArgument`] for `average_precision` or `base_rate` outside `[0, 1]` or
/// NaN.
pub fn precision_recall_svg(
    curve: &PrecisionRecallCurve,
    average_precision: f64,
    base_rate: f64,
    title: &str,
) -> Result<String, TrainError> {
    check_pairs(
        ("curve.recall", &curve.recall),
        ("curve.precision", &curve.precision),
    )?;
    check_unit_argument("average_precision", average_precision)?;
    check_unit_argument("base_rate", base_rate)?;
    let points = thin(pr_steps(&curve.recall, &curve.precision));

    render("precision-recall", |root| {
        let mut chart = unit_chart(root, title)?;
        configure_unit_mesh(&mut chart, "Recall", "Precision")?;
        chart
            .draw_series(LineSeries::new(
                [(0.0, base_rate), (1.0, base_rate)],
                BASE_RATE.stroke_width(1),
            ))?
            .label(format!("no skill (base rate = {base_rate:.3})"))
            .legend(|(x, y)| legend_line(x, y, BASE_RATE));
        chart
            .draw_series(LineSeries::new(points, MODEL.stroke_width(2)))?
            .label(format!("model (AP = {average_precision:.3})"))
            .legend(|(x, y)| legend_line(x, y, MODEL));
        draw_legend(&mut chart, SeriesLabelPosition::UpperRight)
    })
}

/// The reliability diagram as an SVG document: for every non-empty bin, its mean predicted
/// probability (x) against its observed positive rate (y), joined by one polyline with a marker
/// per bin, and the perfect-calibration diagonal; below it, one bar per non-empty bin spanning
/// the bin's edges, its height the bin's row count on a log scale.
///
/// A bin counts as non-empty when `count > 0` and both `mean_predicted` and `observed_rate` are
/// set (as [`reliability`](crate::reliability) reports them); other bins are skipped.
///
/// # Errors
///
/// [`TrainError::EmptyInput`] when `bins` is empty or holds no non-empty bin,
/// [`TrainError::NonFinite`] / [`TrainError::NotAProbability`] for an edge, mean or rate that is
/// not a finite number in `[0, 1]`.
pub fn calibration_svg(bins: &[ReliabilityBin], title: &str) -> Result<String, TrainError> {
    if bins.is_empty() {
        return Err(TrainError::EmptyInput { what: "bins" });
    }
    for (index, bin) in bins.iter().enumerate() {
        check_unit_value("bins.lower", index, bin.lower)?;
        check_unit_value("bins.upper", index, bin.upper)?;
        if let Some(value) = bin.mean_predicted {
            check_unit_value("bins.mean_predicted", index, value)?;
        }
        if let Some(value) = bin.observed_rate {
            check_unit_value("bins.observed_rate", index, value)?;
        }
    }
    // (lower, upper, count, mean predicted, observed rate) of each non-empty bin.
    let filled: Vec<(f64, f64, usize, f64, f64)> = bins
        .iter()
        .filter(|bin| bin.count > 0)
        .filter_map(|bin| match (bin.mean_predicted, bin.observed_rate) {
            (Some(predicted), Some(observed)) => {
                Some((bin.lower, bin.upper, bin.count, predicted, observed))
            }
            _ => None,
        })
        .collect();
    if filled.is_empty() {
        return Err(TrainError::EmptyInput {
            what: "non-empty reliability bins",
        });
    }
    let points: Vec<(f64, f64)> = filled.iter().map(|b| (b.3, b.4)).collect();
    let max_count = filled.iter().map(|b| b.2).max().unwrap_or(1) as f64;

    render("calibration", |root| {
        let root = root.titled(title, (FONT, TITLE_SIZE))?;
        let (upper, lower) = root.split_vertically(280);

        let mut chart = ChartBuilder::on(&upper)
            .margin_top(8)
            .margin_left(12)
            .margin_right(24)
            .x_label_area_size(24)
            .y_label_area_size(64)
            .build_cartesian_2d(-0.02f64..1.02f64, -0.02f64..1.02f64)?;
        chart
            .configure_mesh()
            .x_labels(11)
            .y_labels(6)
            .x_label_formatter(&|v| format!("{v:.1}"))
            .y_label_formatter(&|v| format!("{v:.1}"))
            .y_desc("Observed positive rate")
            .axis_desc_style((FONT, DESC_SIZE))
            .label_style((FONT, LABEL_SIZE))
            .bold_line_style(GRID)
            .light_line_style(TRANSPARENT)
            .draw()?;
        chart
            .draw_series(LineSeries::new(
                [(0.0, 0.0), (1.0, 1.0)],
                REFERENCE.stroke_width(1),
            ))?
            .label("perfectly calibrated")
            .legend(|(x, y)| legend_line(x, y, REFERENCE));
        chart
            .draw_series(LineSeries::new(
                points.iter().copied(),
                MODEL.stroke_width(2),
            ))?
            .label("model")
            .legend(|(x, y)| legend_line(x, y, MODEL));
        chart.draw_series(
            points
                .iter()
                .map(|&point| Circle::new(point, 4, MODEL.filled())),
        )?;
        draw_legend(&mut chart, SeriesLabelPosition::UpperLeft)?;

        let mut histogram = ChartBuilder::on(&lower)
            .margin_top(4)
            .margin_bottom(8)
            .margin_left(12)
            .margin_right(24)
            .x_label_area_size(48)
            .y_label_area_size(64)
            .build_cartesian_2d(
                -0.02f64..1.02f64,
                (0.5f64..max_count * 2.0).log_scale().base(10.0),
            )?;
        histogram
            .configure_mesh()
            .x_labels(11)
            .y_labels(4)
            .x_label_formatter(&|v| format!("{v:.1}"))
            .y_label_formatter(&|v| format_count(*v))
            .x_desc("Mean predicted probability")
            .y_desc("Rows (log)")
            .axis_desc_style((FONT, DESC_SIZE))
            .label_style((FONT, LABEL_SIZE))
            .bold_line_style(GRID)
            .light_line_style(TRANSPARENT)
            .draw()?;
        histogram.draw_series(filled.iter().map(|&(low, high, count, _, _)| {
            let inset = (high - low) * 0.05;
            Rectangle::new(
                [(low + inset, 0.5), (high - inset, count as f64)],
                MODEL.mix(0.6).filled(),
            )
        }))?;
        Ok(())
    })
}

/// The gain importance of features as an SVG document: the `top` features with the largest
/// values, one horizontal bar each, largest at the top, its value written at its end.
///
/// Ties are broken by feature name, so the order does not depend on the input's. With fewer
/// than `top` features, all are drawn. Negative values (not produced by gain importance) are
/// drawn as bars left of zero.
///
/// # Errors
///
/// [`TrainError::EmptyInput`] for no features, [`TrainError::NonFinite`] for a NaN or infinite
/// value, [`TrainError::InvalidArgument`] for `top` outside `1..=MAX_IMPORTANCE_BARS`.
pub fn importance_svg(
    features: &[(String, f64)],
    top: usize,
    title: &str,
) -> Result<String, TrainError> {
    bars_svg("importance", features, top, title, "Gain importance")
}

/// Horizontal bars of `features`' values, the `top` largest at the top, each labelled with its
/// value; the x axis described as `x_desc`. The body of [`importance_svg`] and
/// [`drift_top_svg`].
fn bars_svg(
    plot: &'static str,
    features: &[(String, f64)],
    top: usize,
    title: &str,
    x_desc: &str,
) -> Result<String, TrainError> {
    if !(1..=MAX_IMPORTANCE_BARS).contains(&top) {
        return Err(TrainError::InvalidArgument {
            name: "top",
            value: top.to_string(),
            expected: format!("a bar count in 1..={MAX_IMPORTANCE_BARS}"),
        });
    }
    if features.is_empty() {
        return Err(TrainError::EmptyInput { what: "features" });
    }
    if let Some((index, (_, value))) = features
        .iter()
        .enumerate()
        .find(|(_, (_, value))| !value.is_finite())
    {
        return Err(TrainError::NonFinite {
            what: "features",
            index,
            value: *value,
        });
    }
    let mut ranked: Vec<(&str, f64)> = features
        .iter()
        .map(|(name, value)| (name.as_str(), *value))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    ranked.truncate(top);
    let shown = ranked.len();
    // The y axis counts tenths of a bar row (plotters cannot combine custom key points with an
    // f64 axis): bar `rank` is centred at y = 10 (shown - 1 - rank), so rank 0 is at the top.
    let rows = i32::try_from(shown).unwrap_or(i32::MAX);
    let y_of = |rank: usize| 10 * (rows - 1 - i32::try_from(rank).unwrap_or(0));
    let names: Vec<String> = ranked.iter().map(|(name, _)| shorten(name, 36)).collect();

    let low = ranked.iter().map(|r| r.1).fold(0.0f64, f64::min);
    let high = ranked.iter().map(|r| r.1).fold(0.0f64, f64::max);
    let span = if high - low > 0.0 { high - low } else { 1.0 };
    // Room right of the longest bar for its value.
    let x_range = (low - if low < 0.0 { 0.2 * span } else { 0.0 })..(high + 0.2 * span);
    let decimals = value_decimals(low.abs().max(high.abs()));
    // Keep each name within its bar's height, and the name column as wide as the longest
    // (about 0.47 × the size per character in a sans-serif font).
    let row_pixels = 380.0 / shown as f64;
    let name_size = (row_pixels * 1.1).clamp(9.0, LABEL_SIZE);
    let longest = names.iter().map(|n| n.chars().count()).max().unwrap_or(1);
    let label_area = (0.47 * name_size * longest as f64 + 14.0).clamp(60.0, 280.0) as u32;
    // Key points in rank order, so the names appear in the SVG largest first.
    let key_points: Vec<i32> = (0..shown).map(y_of).collect();

    render(plot, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, TITLE_SIZE))
            .margin(12)
            .margin_right(24)
            .x_label_area_size(48)
            .y_label_area_size(label_area)
            .build_cartesian_2d(x_range, (-5..10 * rows - 5).with_key_points(key_points))?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .x_labels(6)
            .x_label_formatter(&|v| format_tick(*v))
            .y_label_formatter(&|&y| {
                usize::try_from(rows - 1 - y / 10)
                    .ok()
                    .and_then(|rank| names.get(rank))
                    .cloned()
                    .unwrap_or_default()
            })
            .x_desc(x_desc)
            .axis_desc_style((FONT, DESC_SIZE))
            .x_label_style((FONT, LABEL_SIZE))
            .y_label_style((FONT, name_size))
            .bold_line_style(GRID)
            .light_line_style(TRANSPARENT)
            .draw()?;
        chart.draw_series(ranked.iter().enumerate().map(|(rank, &(_, value))| {
            let y = y_of(rank);
            Rectangle::new([(0.0, y - 4), (value, y + 4)], MODEL.filled())
        }))?;
        chart.draw_series(ranked.iter().enumerate().map(|(rank, &(_, value))| {
            let anchor = if value < 0.0 {
                Pos::new(HPos::Right, VPos::Center)
            } else {
                Pos::new(HPos::Left, VPos::Center)
            };
            let style = TextStyle::from((FONT, name_size).into_font()).pos(anchor);
            let gap = 0.01 * span * if value < 0.0 { -1.0 } else { 1.0 };
            Text::new(
                format_value(value, decimals),
                (value + gap, y_of(rank)),
                style,
            )
        }))?;
        Ok(())
    })
}

/// One bin of [`bins_svg`]: its label (the value range), fraud rate and weight of evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct BinBar {
    /// The bin's values, e.g. `(0.5, 3]` or `missing`.
    pub label: String,
    /// Share of fraud among the bin's training rows, in `[0, 1]`.
    pub event_rate: f64,
    /// The bin's weight of evidence.
    pub woe: f64,
}

/// A scorecard feature's bins as an SVG document: the fraud rate of each bin (top panel) and
/// its weight of evidence (bottom panel, bars from 0; negative WoE, more fraud, drawn in the
/// warning colour), bins left to right in value order with the missing bin last.
///
/// # Errors
///
/// [`TrainError::EmptyInput`] without bins, [`TrainError::NotAProbability`] for an event rate
/// outside `[0, 1]`, [`TrainError::NonFinite`] for a NaN or infinite WoE.
pub fn bins_svg(bins: &[BinBar], title: &str) -> Result<String, TrainError> {
    if bins.is_empty() {
        return Err(TrainError::EmptyInput { what: "bins" });
    }
    for (index, bin) in bins.iter().enumerate() {
        check_unit_value("bins.event_rate", index, bin.event_rate)?;
        if !bin.woe.is_finite() {
            return Err(TrainError::NonFinite {
                what: "bins.woe",
                index,
                value: bin.woe,
            });
        }
    }
    let n = bins.len();
    let labels: Vec<String> = bins.iter().map(|b| shorten(&b.label, 18)).collect();
    let top_rate = bins.iter().map(|b| b.event_rate).fold(0.0f64, f64::max);
    let rate_high = if top_rate > 0.0 { top_rate * 1.15 } else { 1.0 };
    let woe_low = bins.iter().map(|b| b.woe).fold(0.0f64, f64::min);
    let woe_high = bins.iter().map(|b| b.woe).fold(0.0f64, f64::max);
    let pad = 0.1 * (woe_high - woe_low).max(0.1);
    let label_size = if n > 7 { 9.0 } else { LABEL_SIZE };
    let x_range = -0.5f64..n as f64 - 0.5;
    let label_of = |v: &f64| {
        let k = v.round();
        if (v - k).abs() < 1e-9 && k >= 0.0 {
            labels.get(k as usize).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    };
    render("bins", |root| {
        let root = root.titled(title, (FONT, TITLE_SIZE))?;
        let (upper, lower) = root.split_vertically(210);
        let mut rate = ChartBuilder::on(&upper)
            .margin_top(8)
            .margin_left(12)
            .margin_right(24)
            .x_label_area_size(8)
            .y_label_area_size(72)
            .build_cartesian_2d(x_range.clone(), 0.0f64..rate_high)?;
        rate.configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_labels(5)
            .y_label_formatter(&|v| format!("{:.1}%", v * 100.0))
            .y_desc("Fraud rate")
            .axis_desc_style((FONT, DESC_SIZE))
            .label_style((FONT, LABEL_SIZE))
            .bold_line_style(GRID)
            .light_line_style(TRANSPARENT)
            .draw()?;
        rate.draw_series(bins.iter().enumerate().map(|(i, b)| {
            let x = i as f64;
            Rectangle::new([(x - 0.35, 0.0), (x + 0.35, b.event_rate)], MODEL.filled())
        }))?;
        let mut woe = ChartBuilder::on(&lower)
            .margin_top(4)
            .margin_bottom(8)
            .margin_left(12)
            .margin_right(24)
            .x_label_area_size(56)
            .y_label_area_size(72)
            .build_cartesian_2d(x_range, (woe_low - pad)..(woe_high + pad))?;
        woe.configure_mesh()
            .disable_x_mesh()
            .x_labels(n)
            .x_label_formatter(&label_of)
            .y_labels(5)
            .y_label_formatter(&|v| format!("{v:.2}"))
            .x_desc("Bin (values)")
            .y_desc("WoE")
            .axis_desc_style((FONT, DESC_SIZE))
            .x_label_style((FONT, label_size))
            .y_label_style((FONT, LABEL_SIZE))
            .bold_line_style(GRID)
            .light_line_style(TRANSPARENT)
            .draw()?;
        woe.draw_series(bins.iter().enumerate().map(|(i, b)| {
            let x = i as f64;
            let colour = if b.woe < 0.0 { BASE_RATE } else { MODEL };
            Rectangle::new([(x - 0.35, 0.0), (x + 0.35, b.woe)], colour.filled())
        }))?;
        Ok(())
    })
}

/// Draws on a fresh white 640×480 SVG and returns the document.
fn render(
    plot: &'static str,
    draw: impl FnOnce(&Area<'_>) -> DrawResult,
) -> Result<String, TrainError> {
    let draw_error = |error: DrawingAreaErrorKind<std::io::Error>| draw_error(plot, error);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(draw_error)?;
        draw(&root).map_err(draw_error)?;
        root.present().map_err(draw_error)?;
    }
    Ok(svg)
}

/// Drawing into a `String` cannot fail in practice; should plotters report an error anyway, it
/// is an internal failure, [`TrainError::Plot`] with plotters' message.
fn draw_error(plot: &'static str, error: DrawingAreaErrorKind<std::io::Error>) -> TrainError {
    TrainError::Plot {
        plot,
        reason: error.to_string(),
    }
}

/// The score's distribution per period as an SVG document: the share of each period's
/// applications in each of the reference's score bins (x, labelled by the bins' upper edges),
/// one line per period from light (oldest) to dark (newest), the reference dashed.
///
/// # Errors
///
/// [`TrainError::EmptyInput`] for a report without periods.
pub fn drift_score_svg(report: &DriftReport, title: &str) -> Result<String, TrainError> {
    if report.periods.is_empty() {
        return Err(TrainError::EmptyInput {
            what: "drift periods",
        });
    }
    let edges = &report.reference.score.edges;
    let bins = edges.len() + 1;
    let shares = |counts: &[u64]| -> Vec<(f64, f64)> {
        let total = counts.iter().take(bins).sum::<u64>().max(1) as f64;
        counts
            .iter()
            .take(bins)
            .enumerate()
            .map(|(i, c)| (i as f64, *c as f64 / total))
            .collect()
    };
    let reference = shares(&report.reference.score.counts);
    let lines: Vec<(String, Vec<(f64, f64)>)> = report
        .periods
        .iter()
        .map(|p| (p.period.clone(), shares(&p.score_counts)))
        .collect();
    let top = lines
        .iter()
        .flat_map(|(_, l)| l.iter().map(|p| p.1))
        .chain(reference.iter().map(|p| p.1))
        .fold(0.0f64, f64::max)
        .max(0.01);
    let label_of = |i: usize| -> String {
        match edges.get(i) {
            Some(e) => format!("≤{}", format_edge(*e)),
            None => format!(
                ">{}",
                edges
                    .last()
                    .map_or_else(|| "–".to_owned(), |e| format_edge(*e))
            ),
        }
    };
    let n = lines.len();
    // Shown in the legend: at most six periods, the oldest and the newest among them.
    let legend_every = n.div_ceil(6).max(1);
    render("score by period", |root| {
        let mut chart = category_chart(
            root,
            title,
            -0.3..(bins as f64 - 0.7),
            top * 1.15,
            CategoryAxes {
                labels: bins,
                label_of: &label_of,
                y_format: &|v| format!("{:.0} %", 100.0 * v),
                x_desc: "Score bin of the reference (upper edge)",
                y_desc: "Share of the period's applications",
            },
        )?;
        for (k, (label, points)) in lines.iter().enumerate() {
            let color = period_color(k, n);
            let series = chart.draw_series(LineSeries::new(
                points.iter().copied(),
                color.stroke_width(2),
            ))?;
            if k % legend_every == 0 || k + 1 == n {
                series
                    .label(label.clone())
                    .legend(move |(x, y)| legend_line(x, y, color));
            }
        }
        chart
            .draw_series(DashedLineSeries::new(
                reference.iter().copied(),
                6,
                4,
                BLACK.stroke_width(2),
            ))?
            .label("reference (held out)")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], BLACK.stroke_width(2)));
        draw_legend(&mut chart, SeriesLabelPosition::LowerLeft)
    })
}

/// The score's and the bands' PSI per period as an SVG document, with the `watch` and `act`
/// thresholds as dashed lines.
///
/// # Errors
///
/// [`TrainError::EmptyInput`] for a report without periods.
pub fn drift_psi_svg(report: &DriftReport, title: &str) -> Result<String, TrainError> {
    if report.periods.is_empty() {
        return Err(TrainError::EmptyInput {
            what: "drift periods",
        });
    }
    let score: Vec<(f64, f64)> = report
        .periods
        .iter()
        .enumerate()
        .map(|(i, p)| (i as f64, p.score.psi))
        .collect();
    let bands: Vec<(f64, f64)> = report
        .periods
        .iter()
        .enumerate()
        .map(|(i, p)| (i as f64, p.bands_comparison.psi))
        .collect();
    let top = score
        .iter()
        .chain(&bands)
        .map(|p| p.1)
        .fold(report.act * 1.2, f64::max);
    let n = report.periods.len();
    let labels: Vec<String> = report.periods.iter().map(|p| p.period.clone()).collect();
    let x_labels = n.min(12);
    render("PSI by period", |root| {
        let mut chart = category_chart(
            root,
            title,
            -0.5..(n as f64 - 0.5),
            top * 1.1,
            CategoryAxes {
                labels: x_labels,
                label_of: &|i| labels.get(i).cloned().unwrap_or_default(),
                y_format: &|v| format_tick(*v),
                x_desc: "Period",
                y_desc: "PSI against the reference",
            },
        )?;
        for (level, color) in [(report.watch, BASE_RATE), (report.act, ACT)] {
            chart.draw_series(DashedLineSeries::new(
                [(-0.5, level), (n as f64 - 0.5, level)],
                6,
                4,
                color.stroke_width(1),
            ))?;
        }
        chart
            .draw_series(LineSeries::new(
                score.iter().copied(),
                MODEL.stroke_width(2),
            ))?
            .label("score")
            .legend(|(x, y)| legend_line(x, y, MODEL));
        chart.draw_series(score.iter().map(|p| Circle::new(*p, 3, MODEL.filled())))?;
        chart
            .draw_series(LineSeries::new(
                bands.iter().copied(),
                REFERENCE.stroke_width(2),
            ))?
            .label("bands (flag rates)")
            .legend(|(x, y)| legend_line(x, y, REFERENCE));
        chart
            .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())?
            .label(format!("watch ≥ {}", report.watch))
            .legend(|(x, y)| legend_line(x, y, BASE_RATE));
        chart
            .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())?
            .label(format!("act ≥ {}", report.act))
            .legend(|(x, y)| legend_line(x, y, ACT));
        draw_legend(&mut chart, SeriesLabelPosition::UpperLeft)
    })
}

/// The top drifting inputs of a report as horizontal bars of their largest significant PSI.
///
/// # Errors
///
/// [`TrainError::EmptyInput`] when no input drifted significantly.
pub fn drift_top_svg(report: &DriftReport, title: &str) -> Result<String, TrainError> {
    let bars: Vec<(String, f64)> = report
        .top_features
        .iter()
        .map(|t| (t.feature.clone(), t.psi))
        .collect();
    let top = bars.len().clamp(1, MAX_IMPORTANCE_BARS);
    bars_svg(
        "top drifting inputs",
        &bars,
        top,
        title,
        "Largest PSI above sampling noise, over the periods",
    )
}

/// The axes of a [`category_chart`]: categories at x = 0, 1, 2, … labelled by `label_of`.
struct CategoryAxes<'a> {
    /// Ticks on the x axis (plotters spreads them over the range).
    labels: usize,
    /// The label of category `i`.
    label_of: &'a dyn Fn(usize) -> String,
    /// The y axis' tick labels.
    y_format: &'a dyn Fn(&f64) -> String,
    /// What the x axis shows.
    x_desc: &'a str,
    /// What the y axis shows.
    y_desc: &'a str,
}

/// A titled chart of categories along x (`x` spans their indices with some padding) and
/// values from 0 to `y_top`, its mesh drawn: the frame of the drift plots.
fn category_chart<'a, 'b>(
    root: &'a Area<'b>,
    title: &str,
    x: std::ops::Range<f64>,
    y_top: f64,
    axes: CategoryAxes<'_>,
) -> Result<UnitChart<'a, 'b>, DrawingAreaErrorKind<std::io::Error>> {
    let mut chart = ChartBuilder::on(root)
        .caption(title, (FONT, TITLE_SIZE))
        .margin(12)
        .margin_right(24)
        .x_label_area_size(56)
        .y_label_area_size(64)
        .build_cartesian_2d(x, 0.0f64..y_top)?;
    chart
        .configure_mesh()
        .x_labels(axes.labels)
        .x_label_formatter(&|v| {
            let i = v.round();
            if (v - i).abs() < 1e-6 && i >= 0.0 {
                (axes.label_of)(i as usize)
            } else {
                String::new()
            }
        })
        .y_label_formatter(axes.y_format)
        .x_desc(axes.x_desc)
        .y_desc(axes.y_desc)
        .axis_desc_style((FONT, DESC_SIZE))
        .x_label_style((FONT, LABEL_SIZE * 0.8))
        .y_label_style((FONT, LABEL_SIZE))
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .draw()?;
    Ok(chart)
}

/// The colour of period `k` of `n`: from light to dark blue as periods get newer.
fn period_color(k: usize, n: usize) -> RGBColor {
    let t = if n <= 1 {
        1.0
    } else {
        k as f64 / (n - 1) as f64
    };
    let mix = |light: f64, dark: f64| (light + t * (dark - light)).round() as u8;
    RGBColor(mix(158.0, 8.0), mix(202.0, 48.0), mix(225.0, 107.0))
}

/// A bin edge, short: three significant digits.
fn format_edge(e: f64) -> String {
    if e == 0.0 {
        "0".to_owned()
    } else if e.abs() >= 0.01 {
        format!("{e:.3}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_owned()
    } else {
        format!("{e:.1e}")
    }
}

type UnitChart<'a, 'b> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// A titled chart over the unit square (with a little padding so lines on the edges show).
fn unit_chart<'a, 'b>(
    root: &'a Area<'b>,
    title: &str,
) -> Result<UnitChart<'a, 'b>, DrawingAreaErrorKind<std::io::Error>> {
    ChartBuilder::on(root)
        .caption(title, (FONT, TITLE_SIZE))
        .margin(12)
        .margin_right(24)
        .x_label_area_size(48)
        .y_label_area_size(64)
        .build_cartesian_2d(-0.02f64..1.02f64, -0.02f64..1.02f64)
}

/// Grid, ticks every 0.1 and axis descriptions for a chart over the unit square.
fn configure_unit_mesh(chart: &mut UnitChart<'_, '_>, x_desc: &str, y_desc: &str) -> DrawResult {
    chart
        .configure_mesh()
        .x_labels(11)
        .y_labels(11)
        .x_label_formatter(&|v| format!("{v:.1}"))
        .y_label_formatter(&|v| format!("{v:.1}"))
        .x_desc(x_desc)
        .y_desc(y_desc)
        .axis_desc_style((FONT, DESC_SIZE))
        .label_style((FONT, LABEL_SIZE))
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .draw()
}

fn legend_line(x: i32, y: i32, color: RGBColor) -> PathElement<(i32, i32)> {
    PathElement::new([(x, y), (x + 20, y)], color.stroke_width(2))
}

fn draw_legend<'a, 'b: 'a, X, Y>(
    chart: &mut ChartContext<'a, SVGBackend<'b>, Cartesian2d<X, Y>>,
    position: SeriesLabelPosition,
) -> DrawResult
where
    X: Ranged,
    Y: Ranged,
{
    chart
        .configure_series_labels()
        .position(position)
        .margin(12)
        .label_font((FONT, LABEL_SIZE))
        .background_style(WHITE.mix(0.9))
        .border_style(REFERENCE)
        .draw()
}

/// Checks two curve coordinates: same non-zero length, every value finite and in `[0, 1]`.
fn check_pairs(
    (x_name, x): (&'static str, &[f64]),
    (y_name, y): (&'static str, &[f64]),
) -> Result<(), TrainError> {
    if x.is_empty() {
        return Err(TrainError::EmptyInput { what: x_name });
    }
    if y.len() != x.len() {
        return Err(TrainError::LengthMismatch {
            what: y_name,
            expected: x.len(),
            found: y.len(),
        });
    }
    for (what, values) in [(x_name, x), (y_name, y)] {
        for (index, &value) in values.iter().enumerate() {
            check_unit_value(what, index, value)?;
        }
    }
    Ok(())
}

fn check_unit_value(what: &'static str, index: usize, value: f64) -> Result<(), TrainError> {
    if !value.is_finite() {
        return Err(TrainError::NonFinite { what, index, value });
    }
    if !(0.0..=1.0).contains(&value) {
        return Err(TrainError::NotAProbability { what, index, value });
    }
    Ok(())
}

fn check_unit_argument(name: &'static str, value: f64) -> Result<(), TrainError> {
    if !(0.0..=1.0).contains(&value) {
        return Err(TrainError::InvalidArgument {
            name,
            value: value.to_string(),
            expected: "a number in [0, 1]".to_owned(),
        });
    }
    Ok(())
}

/// The step function of a precision-recall curve in its own order: level at `precision[i]`
/// from `recall[i]` to `recall[i + 1]`, then to `precision[i + 1]`.
fn pr_steps<'a>(recall: &'a [f64], precision: &'a [f64]) -> impl Iterator<Item = (f64, f64)> + 'a {
    recall
        .iter()
        .zip(precision)
        .enumerate()
        .flat_map(move |(i, (&r, &p))| {
            let level = recall.get(i + 1).map(|&next| (next, p));
            std::iter::once((r, p)).chain(level)
        })
}

/// Drops every point within [`THIN_TOLERANCE`] (on both axes) of the last point kept; the
/// first and last points are always kept (the last unless it repeats the one before).
fn thin(points: impl IntoIterator<Item = (f64, f64)>) -> Vec<(f64, f64)> {
    let mut kept: Vec<(f64, f64)> = Vec::new();
    let mut pending = None;
    for point in points {
        match kept.last() {
            Some(&(x, y))
                if (point.0 - x).abs() < THIN_TOLERANCE && (point.1 - y).abs() < THIN_TOLERANCE =>
            {
                pending = Some(point);
            }
            _ => {
                kept.push(point);
                pending = None;
            }
        }
    }
    if let Some(last) = pending
        && kept.last() != Some(&last)
    {
        kept.push(last);
    }
    kept
}

/// A row count for a log axis: `1`, `10`, `1k`, `10k`, `1M`.
fn format_count(value: f64) -> String {
    let value = value.round();
    if value >= 1e6 {
        format!("{}M", value / 1e6)
    } else if value >= 1e3 {
        format!("{}k", value / 1e3)
    } else {
        format!("{value}")
    }
}

/// An axis tick: the shortest of up to three decimals (`0`, `2.5`, `0.125`, `20`).
fn format_tick(value: f64) -> String {
    let text = format!("{value:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

/// The decimals that show `largest` (a magnitude) with about three significant digits, 0 to 6.
fn value_decimals(largest: f64) -> usize {
    if largest > 0.0 {
        (2.0 - largest.log10().floor()).clamp(0.0, 6.0) as usize
    } else {
        0
    }
}

/// `value` with `decimals` decimals.
fn format_value(value: f64, decimals: usize) -> String {
    format!("{value:.decimals$}")
}

/// `name` cut to at most `max` characters, with an ellipsis when cut.
fn shorten(name: &str, max: usize) -> String {
    if name.chars().count() <= max {
        name.to_owned()
    } else {
        let mut short: String = name.chars().take(max - 1).collect();
        short.push('…');
        short
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roc() -> RocCurve {
        RocCurve {
            fpr: vec![0.0, 0.0, 0.5, 1.0],
            tpr: vec![0.0, 0.5, 1.0, 1.0],
            thresholds: vec![f64::INFINITY, 0.9, 0.5, 0.1],
        }
    }

    fn pr() -> PrecisionRecallCurve {
        PrecisionRecallCurve {
            precision: vec![0.5, 1.0, 1.0],
            recall: vec![1.0, 0.5, 0.0],
            thresholds: vec![0.1, 0.9],
        }
    }

    fn bin(lower: f64, upper: f64, count: usize, positives: usize, mean: f64) -> ReliabilityBin {
        ReliabilityBin {
            lower,
            upper,
            count,
            positives,
            mean_predicted: (count > 0).then_some(mean),
            observed_rate: (count > 0).then(|| positives as f64 / count as f64),
        }
    }

    fn bins() -> Vec<ReliabilityBin> {
        vec![
            bin(0.0, 0.2, 900, 9, 0.03),
            bin(0.2, 0.4, 40, 10, 0.3),
            bin(0.4, 0.6, 0, 0, 0.0),
            bin(0.6, 0.8, 0, 0, 0.0),
            bin(0.8, 1.0, 12, 11, 0.9),
        ]
    }

    fn features() -> Vec<(String, f64)> {
        [
            ("email_domain_age_days", 12.5),
            ("phone_is_voip", 40.0),
            ("ip_country_mismatch", 3.25),
            ("resume_similarity_max", 27.0),
            ("applications_per_device_24h", 55.5),
        ]
        .iter()
        .map(|&(name, value)| (name.to_owned(), value))
        .collect()
    }

    /// The number of points of every `<polyline>` in `svg`.
    fn polyline_lengths(svg: &str) -> Vec<usize> {
        svg.split("<polyline")
            .skip(1)
            .map(|tag| {
                let start = tag.find("points=\"").expect("points attribute") + 8;
                let end = start + tag[start..].find('"').expect("closing quote");
                tag[start..end].split_whitespace().count()
            })
            .collect()
    }

    /// The texts of every `<text>` element in `svg`, in document order.
    fn texts(svg: &str) -> Vec<&str> {
        svg.split("<text")
            .skip(1)
            .map(|tag| {
                let start = tag.find('>').expect("end of tag") + 1;
                let end = tag.find("</text>").expect("closing tag");
                tag[start..end].trim()
            })
            .collect()
    }

    fn assert_svg(svg: &str, expected_texts: &[&str]) {
        assert!(svg.starts_with("<svg"), "{}", &svg[..svg.len().min(80)]);
        assert!(svg.trim_end().ends_with("</svg>"));
        assert!(svg.contains("width=\"640\"") && svg.contains("height=\"480\""));
        let texts = texts(svg);
        for expected in expected_texts {
            assert!(
                texts.contains(expected),
                "missing text {expected:?} in {texts:?}"
            );
        }
    }

    #[test]
    fn roc_is_labelled_svg_with_every_point() {
        let svg = roc_svg(&roc(), 0.875, "ROC, test split").unwrap();
        assert_svg(
            &svg,
            &[
                "ROC, test split",
                "False-positive rate",
                "True-positive rate (recall)",
                "model (AUC = 0.875)",
                "chance (AUC = 0.5)",
                "0.0",
                "0.5",
                "1.0",
            ],
        );
        let lengths = polyline_lengths(&svg);
        assert!(lengths.contains(&4), "{lengths:?}");
        assert!(lengths.contains(&2), "diagonal: {lengths:?}");
    }

    #[test]
    fn precision_recall_is_a_labelled_step_curve() {
        let svg = precision_recall_svg(&pr(), 0.75, 0.25, "Precision-recall").unwrap();
        assert_svg(
            &svg,
            &[
                "Precision-recall",
                "Recall",
                "Precision",
                "model (AP = 0.750)",
                "no skill (base rate = 0.250)",
            ],
        );
        // (1, .5) → (.5, .5) → (.5, 1) → (0, 1): 2n - 1 = 5 points, the repeated (0, 1) merged.
        let lengths = polyline_lengths(&svg);
        assert!(lengths.contains(&4), "{lengths:?}");
    }

    #[test]
    fn pr_steps_run_level_then_vertical() {
        let steps: Vec<_> = pr_steps(&[1.0, 0.5, 0.0], &[0.5, 1.0, 1.0]).collect();
        assert_eq!(
            steps,
            [(1.0, 0.5), (0.5, 0.5), (0.5, 1.0), (0.0, 1.0), (0.0, 1.0)]
        );
    }

    #[test]
    fn calibration_draws_only_non_empty_bins() {
        let svg = calibration_svg(&bins(), "Reliability").unwrap();
        assert_svg(
            &svg,
            &[
                "Reliability",
                "Mean predicted probability",
                "Observed positive rate",
                "Rows (log)",
                "model",
                "perfectly calibrated",
            ],
        );
        assert!(polyline_lengths(&svg).contains(&3));
        // One marker per non-empty bin.
        assert_eq!(svg.matches("<circle").count(), 3);
    }

    #[test]
    fn importance_shows_top_bars_largest_first() {
        let svg = importance_svg(&features(), 3, "Feature importance").unwrap();
        assert_svg(&svg, &["Feature importance", "Gain importance"]);
        let texts = texts(&svg);
        let position = |name: &str| texts.iter().position(|t| *t == name);
        let first = position("applications_per_device_24h").expect("largest shown");
        let second = position("phone_is_voip").expect("second shown");
        let third = position("resume_similarity_max").expect("third shown");
        assert!(first < second && second < third, "{texts:?}");
        assert_eq!(position("email_domain_age_days"), None);
        assert_eq!(position("ip_country_mismatch"), None);
        // The values are written at the bars' ends.
        for value in ["55.5", "40.0", "27.0"] {
            assert!(texts.contains(&value), "{value} in {texts:?}");
        }
        // Exactly `top` bars: filled rectangles in the model's colour.
        let fill = format!("fill=\"#{:02X}{:02X}{:02X}\"", MODEL.0, MODEL.1, MODEL.2);
        let bars = svg
            .split("<rect")
            .skip(1)
            .filter(|tag| tag.split("/>").next().unwrap_or("").contains(&fill))
            .count();
        assert_eq!(bars, 3, "{svg}");
    }

    #[test]
    fn importance_with_fewer_features_than_top_shows_all() {
        let svg = importance_svg(&features()[..2], 10, "Importance").unwrap();
        let texts = texts(&svg);
        let a = texts.iter().position(|t| *t == "phone_is_voip").unwrap();
        let b = texts
            .iter()
            .position(|t| *t == "email_domain_age_days")
            .unwrap();
        assert!(a < b);
    }

    #[test]
    fn importance_ties_break_by_name_and_long_names_are_shortened() {
        let features = vec![
            ("b".to_owned(), 1.0),
            ("a".repeat(50), 1.0),
            ("c".to_owned(), 2.0),
        ];
        let svg = importance_svg(&features, 3, "Importance").unwrap();
        let texts = texts(&svg);
        let long = format!("{}…", "a".repeat(35));
        let order: Vec<usize> = ["c", long.as_str(), "b"]
            .iter()
            .map(|name| texts.iter().position(|t| t == name).unwrap())
            .collect();
        assert!(order[0] < order[1] && order[1] < order[2], "{texts:?}");
    }

    #[test]
    fn degenerate_inputs_still_draw() {
        let point = RocCurve {
            fpr: vec![0.0],
            tpr: vec![0.0],
            thresholds: vec![f64::INFINITY],
        };
        assert!(roc_svg(&point, 0.5, "").unwrap().ends_with("</svg>\n"));
        let one = [bin(0.0, 1.0, 1, 1, 0.7)];
        assert!(calibration_svg(&one, "one bin").is_ok());
        let zeros = vec![("a".to_owned(), 0.0), ("b".to_owned(), 0.0)];
        assert!(importance_svg(&zeros, 2, "zeros").is_ok());
        let mixed = vec![("up".to_owned(), 2.0), ("down".to_owned(), -1.0)];
        let texts_of = importance_svg(&mixed, 2, "mixed").unwrap();
        let texts = texts(&texts_of);
        assert!(
            texts.contains(&"-1.00") && texts.contains(&"2.00"),
            "{texts:?}"
        );
    }

    #[test]
    fn text_is_escaped() {
        let svg = roc_svg(&roc(), 0.5, "A <b> & \"c\"").unwrap();
        assert!(!svg.contains("<b>"));
        assert!(svg.contains("&lt;b&gt; &amp;"));
    }

    #[test]
    fn output_is_deterministic() {
        assert_eq!(
            roc_svg(&roc(), 0.8, "t").unwrap(),
            roc_svg(&roc(), 0.8, "t").unwrap()
        );
        assert_eq!(
            precision_recall_svg(&pr(), 0.8, 0.1, "t").unwrap(),
            precision_recall_svg(&pr(), 0.8, 0.1, "t").unwrap()
        );
        assert_eq!(
            calibration_svg(&bins(), "t").unwrap(),
            calibration_svg(&bins(), "t").unwrap()
        );
        let mut shuffled = features();
        shuffled.reverse();
        assert_eq!(
            importance_svg(&features(), 4, "t").unwrap(),
            importance_svg(&shuffled, 4, "t").unwrap()
        );
    }

    #[test]
    fn empty_inputs_are_errors() {
        let empty_roc = RocCurve {
            fpr: vec![],
            tpr: vec![],
            thresholds: vec![],
        };
        assert_eq!(
            roc_svg(&empty_roc, 0.5, "t"),
            Err(TrainError::EmptyInput { what: "curve.fpr" })
        );
        let empty_pr = PrecisionRecallCurve {
            precision: vec![],
            recall: vec![],
            thresholds: vec![],
        };
        assert_eq!(
            precision_recall_svg(&empty_pr, 0.5, 0.1, "t"),
            Err(TrainError::EmptyInput {
                what: "curve.recall"
            })
        );
        assert_eq!(
            calibration_svg(&[], "t"),
            Err(TrainError::EmptyInput { what: "bins" })
        );
        let all_empty: Vec<_> = bins().into_iter().filter(|b| b.count == 0).collect();
        assert_eq!(
            calibration_svg(&all_empty, "t"),
            Err(TrainError::EmptyInput {
                what: "non-empty reliability bins"
            })
        );
        assert_eq!(
            importance_svg(&[], 5, "t"),
            Err(TrainError::EmptyInput { what: "features" })
        );
    }

    #[test]
    fn non_finite_and_out_of_range_values_are_errors() {
        let mut curve = roc();
        curve.tpr[2] = f64::NAN;
        assert!(matches!(
            roc_svg(&curve, 0.5, "t"),
            Err(TrainError::NonFinite {
                what: "curve.tpr",
                index: 2,
                ..
            })
        ));
        let mut curve = roc();
        curve.fpr[1] = 1.5;
        assert!(matches!(
            roc_svg(&curve, 0.5, "t"),
            Err(TrainError::NotAProbability {
                what: "curve.fpr",
                index: 1,
                ..
            })
        ));
        let mut curve = roc();
        curve.tpr.pop();
        assert!(matches!(
            roc_svg(&curve, 0.5, "t"),
            Err(TrainError::LengthMismatch {
                what: "curve.tpr",
                expected: 4,
                found: 3
            })
        ));
        assert!(matches!(
            roc_svg(&roc(), f64::NAN, "t"),
            Err(TrainError::InvalidArgument { name: "auc", .. })
        ));

        let mut curve = pr();
        curve.precision[0] = f64::INFINITY;
        assert!(matches!(
            precision_recall_svg(&curve, 0.5, 0.1, "t"),
            Err(TrainError::NonFinite {
                what: "curve.precision",
                index: 0,
                ..
            })
        ));
        assert!(matches!(
            precision_recall_svg(&pr(), 0.5, f64::NAN, "t"),
            Err(TrainError::InvalidArgument {
                name: "base_rate",
                ..
            })
        ));
        assert!(matches!(
            precision_recall_svg(&pr(), 1.5, 0.1, "t"),
            Err(TrainError::InvalidArgument {
                name: "average_precision",
                ..
            })
        ));

        let mut table = bins();
        table[1].observed_rate = Some(f64::NAN);
        assert!(matches!(
            calibration_svg(&table, "t"),
            Err(TrainError::NonFinite {
                what: "bins.observed_rate",
                index: 1,
                ..
            })
        ));
        let mut table = bins();
        table[0].mean_predicted = Some(-0.1);
        assert!(matches!(
            calibration_svg(&table, "t"),
            Err(TrainError::NotAProbability {
                what: "bins.mean_predicted",
                index: 0,
                ..
            })
        ));

        let mut ranked = features();
        ranked[3].1 = f64::NAN;
        assert!(matches!(
            importance_svg(&ranked, 3, "t"),
            Err(TrainError::NonFinite {
                what: "features",
                index: 3,
                ..
            })
        ));
        for top in [0, MAX_IMPORTANCE_BARS + 1] {
            assert!(matches!(
                importance_svg(&features(), top, "t"),
                Err(TrainError::InvalidArgument { name: "top", .. })
            ));
        }
    }

    #[test]
    fn numbers_are_formatted_for_reading() {
        assert_eq!(value_decimals(1234.0), 0);
        assert_eq!(value_decimals(55.5), 1);
        assert_eq!(value_decimals(1.0), 2);
        assert_eq!(value_decimals(0.25), 3);
        assert_eq!(value_decimals(0.0), 0);
        assert_eq!(value_decimals(1e-12), 6);
        assert_eq!(format_value(27.0, 1), "27.0");
        assert_eq!(format_tick(20.0), "20");
        assert_eq!(format_tick(2.5), "2.5");
        assert_eq!(format_tick(-0.0), "0");
        assert_eq!(format_count(1000.0), "1k");
        assert_eq!(format_count(100.0), "100");
        assert_eq!(format_count(1e6), "1M");
    }

    #[test]
    fn thinning_keeps_shape_and_bounds_size() {
        // Exact repeats merge; distinct points survive.
        assert_eq!(
            thin([(0.0, 0.0), (0.0, 0.0), (0.0, 0.5), (1.0, 1.0), (1.0, 1.0)]),
            [(0.0, 0.0), (0.0, 0.5), (1.0, 1.0)]
        );
        // A million-point diagonal: at most one point per tolerance step, ends kept.
        let n = 1_000_000;
        let dense = (0..=n).map(|i| (i as f64 / n as f64, i as f64 / n as f64));
        let thinned = thin(dense);
        assert!(thinned.len() <= 1_002, "{}", thinned.len());
        assert_eq!(thinned.first(), Some(&(0.0, 0.0)));
        assert_eq!(thinned.last(), Some(&(1.0, 1.0)));
    }

    /// Deterministic pseudo-random numbers in `[0, 1)` (a 64-bit LCG).
    fn uniform(state: &mut u64) -> f64 {
        *state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (*state >> 11) as f64 / (1u64 << 53) as f64
    }

    #[test]
    fn curves_over_many_rows_stay_small() {
        let mut state = 7;
        let n = 200_000;
        let labels: Vec<bool> = (0..n).map(|_| uniform(&mut state) < 0.02).collect();
        let scores: Vec<f64> = labels
            .iter()
            .map(|&fraud| {
                let noise = uniform(&mut state);
                if fraud {
                    0.3 + 0.7 * noise
                } else {
                    0.8 * noise * noise
                }
            })
            .collect();
        let roc = crate::roc_curve(&labels, &scores).unwrap();
        let auc = crate::roc_auc(&labels, &scores).unwrap();
        let pr = crate::precision_recall_curve(&labels, &scores).unwrap();
        let ap = crate::average_precision(&labels, &scores).unwrap();
        let base_rate = labels.iter().filter(|&&l| l).count() as f64 / n as f64;
        let probabilities: Vec<f64> = scores.iter().map(|s| s.clamp(0.0, 1.0)).collect();
        let table = crate::reliability(&labels, &probabilities, 10).unwrap();
        assert!(roc.fpr.len() > 100_000);

        let roc_plot = roc_svg(&roc, auc, "ROC").unwrap();
        let pr_plot = precision_recall_svg(&pr, ap, base_rate, "Precision-recall").unwrap();
        let calibration_plot = calibration_svg(&table, "Reliability").unwrap();
        for svg in [&roc_plot, &pr_plot] {
            assert!(svg.len() < 100_000, "{} bytes", svg.len());
        }
        let longest = polyline_lengths(&roc_plot).into_iter().max().unwrap();
        assert!((10..=2_002).contains(&longest), "{longest}");
        assert!(calibration_plot.ends_with("</svg>\n") || calibration_plot.ends_with("</svg>"));

        let many: Vec<(String, f64)> = (0..60)
            .map(|i| (format!("feature_{i}"), 1000.0 / (i as f64 + 1.0)))
            .collect();
        let svg = importance_svg(&many, MAX_IMPORTANCE_BARS, "Importance").unwrap();
        let texts = texts(&svg);
        assert!(texts.contains(&"feature_39") && !texts.contains(&"feature_40"));
    }

    #[test]
    fn writes_the_four_plots() {
        let dir = tempfile::tempdir().unwrap();
        let plots = [
            ("roc.svg", roc_svg(&roc(), 0.875, "ROC").unwrap()),
            (
                "pr.svg",
                precision_recall_svg(&pr(), 0.75, 0.25, "Precision-recall").unwrap(),
            ),
            (
                "calibration.svg",
                calibration_svg(&bins(), "Reliability").unwrap(),
            ),
            (
                "importance.svg",
                importance_svg(&features(), 5, "Feature importance").unwrap(),
            ),
        ];
        for (name, svg) in &plots {
            let path = dir.path().join(name);
            std::fs::write(&path, svg).unwrap();
            let written = std::fs::metadata(&path).unwrap().len();
            assert!(written > 1024, "{name} is {written} bytes");
        }
    }
}
