//! Batch scoring of a data directory (`appfraud score`): the one feature pipeline, then the
//! model and reason codes in parallel chunks, then one output row per application, written
//! atomically.
//!
//! Output columns, one row per application in input order (rows in = rows out):
//!
//! | column | type | |
//! |---|---|---|
//! | `application_id` | string | |
//! | `submitted_at` | datetime[µs, UTC] | |
//! | `probability` | float32 | calibrated probability of fraud; null if unscored |
//! | `band` | string | `clear`, `review` or `verify` (thresholds from the manifest); null if unscored |
//! | `reasons` | list<struct{feature: string, value: float32, contribution: float64, text: string}> | the features that pushed the score up most, largest first; by default only for the `review` and `verify` bands ([`ReasonScope`]), empty otherwise. `value` is the feature's value (`NaN` = missing), `contribution` its contribution to the log-odds, `text` what the value means in plain English for a reviewer ([`ReasonCode::text`]: the feature catalog's sentence, or the feature's name and value for a feature the catalog does not describe) |
//! | `model` | string | the manifest's `model_id` |
//! | `error` | string | why the application could not be scored; null if scored |
//!
//! An application is unscored, never dropped, when one of its features breaks the model's
//! contract: a `NaN` in a feature whose missing policy is `never`, or an infinite value.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use appfraud_core::{Band, ReasonCode};
use appfraud_features::{
    DirProgress, FeatureError, FeatureFrame, FeatureOptions, HistorySnapshot, IngestReport, Stage,
    for_each_feature_block,
};
use polars::prelude::*;
use rayon::prelude::*;

use crate::package::ReasonScratch;
use crate::{BatchScorer, CHUNK_ROWS, EngineChoice, ModelPackage, ServeError};

/// What to score and how.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScoreOptions {
    /// Only applications submitted at or after this instant (µs since the epoch, UTC) are
    /// scored; earlier ones are history.
    pub since_micros: Option<i64>,
    /// Reason codes per application.
    pub reasons: usize,
    /// Which applications get reason codes.
    pub reasons_for: ReasonScope,
    /// The engine.
    pub engine: EngineChoice,
}

/// Which applications get reason codes.
///
/// Exact TreeSHAP costs far more than the score itself (for a 500-tree, 63-leaf model, about
/// 1.2 ms of one core per application against a few µs for the score; `cargo bench --bench
/// treeshap`), and reasons exist for the reviewer who acts on a flagged application; so by
/// default only the `review` and `verify` bands get them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ReasonScope {
    /// Applications in the `review` or `verify` band.
    #[default]
    Flagged,
    /// Every scored application.
    All,
}

/// Progress of a scoring run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScoreProgress {
    /// The feature pipeline entered a stage.
    Features(Stage),
    /// Scoring started on `total` applications with the named engine.
    ScoringStarted {
        /// Applications to score.
        total: usize,
        /// `native` or `onnxruntime`.
        engine: &'static str,
    },
    /// `done` more applications were scored.
    Scored {
        /// Applications in the chunk just finished.
        done: usize,
    },
}

/// The result of a scoring run.
#[derive(Debug, Clone)]
pub struct ScoreRun {
    /// The output rows (see the module docs).
    pub frame: DataFrame,
    /// What ingest found questionable.
    pub report: IngestReport,
    /// The engine that computed the probabilities.
    pub engine: &'static str,
    /// Applications per band, `[clear, review, verify]`.
    pub bands: [usize; 3],
    /// Applications that could not be scored: (row, reason).
    pub unscored: Vec<(usize, String)>,
}

/// The outcome for one application.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Scored {
        probability: f32,
        reasons: Vec<ReasonCode>,
    },
    Unscored(String),
}

/// Scores the applications of data directory `dir` with `package`.
///
/// # Errors
///
/// [`ServeError::Features`] for data the pipeline refuses (naming file, column and row),
/// [`ServeError::FeatureSetMismatch`] when the pipeline's FeatureSet is not the model's, and
/// the engine's errors.
pub fn score_data_dir(
    package: &ModelPackage,
    dir: &Path,
    options: ScoreOptions,
    progress: &(dyn Fn(ScoreProgress) + Sync),
) -> Result<ScoreRun, ServeError> {
    score_data_dir_in_blocks(package, dir, options, progress, SCORE_BLOCK_ROWS)
}

/// [`score_data_dir`] computing and scoring `block_rows` applications at a time.
fn score_data_dir_in_blocks(
    package: &ModelPackage,
    dir: &Path,
    options: ScoreOptions,
    progress: &(dyn Fn(ScoreProgress) + Sync),
    block_rows: usize,
) -> Result<ScoreRun, ServeError> {
    // Fail on the package, the engine and the pipeline's FeatureSet before the long feature
    // computation.
    let scorer = BatchScorer::new(package, options.engine)?;
    package.check_feature_set(appfraud_features::feature_set().hash().as_str())?;
    // The features are scored a block at a time as they are computed, so that the feature
    // frame of every application is never held beside the history (4.4 GB at ten million).
    let never = required_features(package);
    let mut tally = Tally::default();
    let mut frames: Vec<DataFrame> = Vec::new();
    let summary = for_each_feature_block::<ServeError>(
        dir,
        FeatureOptions {
            since_micros: options.since_micros,
        },
        block_rows,
        &|p| {
            if let DirProgress::Stage(stage) = p {
                progress(ScoreProgress::Features(stage));
            }
        },
        &mut |block| {
            if block.first_row == 0 {
                progress(ScoreProgress::ScoringStarted {
                    total: block.total_rows,
                    engine: scorer.engine_name(),
                });
            }
            let frame = &block.frame;
            let rows = row_major(&frame.columns()[2..], package.n_features())?;
            let keys = [
                frame.column("application_id")?.clone(),
                frame.column("submitted_at")?.clone(),
            ];
            let scored = score_block(
                package,
                &scorer,
                (&rows, keys),
                &never,
                options,
                progress,
                (block.first_row, &mut tally),
            )?;
            frames.push(scored);
            Ok(())
        },
    )?;
    let mut frames = frames.into_iter();
    let mut out = frames.next().ok_or_else(|| {
        ServeError::Features(FeatureError::Internal {
            reason: "no block of feature rows was handed over".into(),
        })
    })?;
    for f in frames {
        out.vstack_mut(&f)?;
    }
    Ok(ScoreRun {
        frame: out,
        report: summary.report,
        engine: scorer.engine_name(),
        bands: tally.bands,
        unscored: tally.unscored,
    })
}

/// Applications whose features are computed and scored together by [`score_data_dir`]: 64Ki
/// rows of 110 features are 28 MiB.
const SCORE_BLOCK_ROWS: usize = 1 << 16;

/// Scores the applications of data directory `dir`, which holds only new rows, against the
/// history `snapshot` (extended in memory with the directory's rows): only the new
/// applications' features are computed, with the same values as [`score_data_dir`] over the
/// snapshot's history plus `dir`.
///
/// # Errors
///
/// As [`score_data_dir`], and [`ServeError::Features`] for an application the snapshot
/// already holds.
pub fn score_data_dir_with_snapshot(
    package: &ModelPackage,
    snapshot: &mut HistorySnapshot,
    dir: &Path,
    options: ScoreOptions,
    progress: &(dyn Fn(ScoreProgress) + Sync),
) -> Result<ScoreRun, ServeError> {
    let scorer = BatchScorer::new(package, options.engine)?;
    package.check_feature_set(snapshot.feature_set().hash().as_str())?;
    let stage = |stage| progress(ScoreProgress::Features(stage));
    let added = snapshot.extend_from_data_dir(dir, &|p| {
        if let DirProgress::Stage(s) = p {
            stage(s);
        }
    })?;
    let features = snapshot.features_of(
        &added,
        FeatureOptions {
            since_micros: options.since_micros,
        },
        &stage,
    )?;
    score_frame(package, &scorer, features, options, progress)
}

fn score_frame(
    package: &ModelPackage,
    scorer: &BatchScorer,
    features: FeatureFrame,
    options: ScoreOptions,
    progress: &(dyn Fn(ScoreProgress) + Sync),
) -> Result<ScoreRun, ServeError> {
    package.check_feature_set(features.feature_set.hash().as_str())?;
    let frame = &features.frame;
    let rows = row_major(&frame.columns()[2..], package.n_features())?;
    let ids = frame.column("application_id")?.clone();
    let submitted = frame.column("submitted_at")?.clone();
    score_matrix(
        package,
        scorer,
        &rows,
        [ids, submitted],
        features.report,
        options,
        progress,
    )
}

/// Scores a table of precomputed features (`--table`): any Parquet or CSV file with one column
/// per model feature, named as in the manifest (as `appfraud features` writes them; other
/// columns are ignored), numeric or boolean (null = missing). `application_id` and
/// `submitted_at` are carried over when present (else the row number and null). `since_micros`
/// does not apply: the features are already computed.
///
/// # Errors
///
/// [`ServeError::Features`] for an unreadable table, [`ServeError::Input`] naming the file and
/// column for a missing feature column or a column of another type; the engine's errors.
pub fn score_table(
    package: &ModelPackage,
    path: &Path,
    options: ScoreOptions,
    progress: &(dyn Fn(ScoreProgress) + Sync),
) -> Result<ScoreRun, ServeError> {
    let scorer = BatchScorer::new(package, options.engine)?;
    let df = appfraud_features::read_generic_table(path).map_err(FeatureError::from)?;
    let rows = feature_rows(package, &df, &path.display().to_string())?;
    let n = df.height();
    let ids = match df.column("application_id") {
        Ok(c) => c
            .cast(&DataType::String)
            .map_err(|e| ServeError::Input {
                message: format!(
                    "{}: column `application_id` of type {} cannot be read as text: {e}",
                    path.display(),
                    c.dtype()
                ),
            })?
            .with_name("application_id".into()),
        Err(_) => StringChunked::from_iter_values(
            "application_id".into(),
            (0..n).map(|i| format!("row {i}")),
        )
        .into_column(),
    };
    let submitted = match df.column("submitted_at") {
        Ok(c) => c.clone(),
        Err(_) => Column::full_null(
            "submitted_at".into(),
            n,
            &DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC)),
        ),
    };
    score_matrix(
        package,
        &scorer,
        &rows,
        [ids, submitted],
        IngestReport::default(),
        options,
        progress,
    )
}

/// The package's feature columns of a feature table, found by name (other columns are
/// ignored), as one row-major `f32` matrix in the manifest's feature order, null = `NaN`.
/// `source` names the table in errors.
///
/// # Errors
///
/// [`ServeError::Input`] naming the source and column for a missing feature column or a column
/// that holds neither numbers nor booleans.
pub fn feature_rows(
    package: &ModelPackage,
    df: &DataFrame,
    source: &str,
) -> Result<Vec<f32>, ServeError> {
    let bad = |message: String| ServeError::Input { message };
    let mut columns = Vec::with_capacity(package.n_features());
    for name in package.feature_names() {
        let c = df.column(name).map_err(|_| {
            bad(format!(
                "{source}: column `{name}` is missing; the model needs its {} feature columns (see manifest.json), as `appfraud features` writes them",
                package.n_features()
            ))
        })?;
        let numeric = c.dtype().is_primitive_numeric() || c.dtype() == &DataType::Boolean;
        if !numeric {
            return Err(bad(format!(
                "{source}: column `{name}` has type {}, expected numbers or booleans",
                c.dtype()
            )));
        }
        columns.push(c.cast(&DataType::Float32)?);
    }
    row_major(&columns, package.n_features())
}

/// Scores row-major `rows` and assembles the output with the `[application_id, submitted_at]`
/// columns.
fn score_matrix(
    package: &ModelPackage,
    scorer: &BatchScorer,
    rows: &[f32],
    keys: [Column; 2],
    report: IngestReport,
    options: ScoreOptions,
    progress: &(dyn Fn(ScoreProgress) + Sync),
) -> Result<ScoreRun, ServeError> {
    let never = required_features(package);
    let n_rows = keys[0].len();
    progress(ScoreProgress::ScoringStarted {
        total: n_rows,
        engine: scorer.engine_name(),
    });
    let mut tally = Tally::default();
    let out = score_block(
        package,
        scorer,
        (rows, keys),
        &never,
        options,
        progress,
        (0, &mut tally),
    )?;
    Ok(ScoreRun {
        frame: out,
        report,
        engine: scorer.engine_name(),
        bands: tally.bands,
        unscored: tally.unscored,
    })
}

/// Applications per band and the unscored ones (row, reason), over the blocks scored so far.
#[derive(Debug, Default)]
struct Tally {
    bands: [usize; 3],
    unscored: Vec<(usize, String)>,
}

/// Scores the row-major feature `rows` of the applications `keys` (ids, submission times),
/// whose first is row `first_row` of the run, into their output frame, counting them in
/// `tally`.
fn score_block(
    package: &ModelPackage,
    scorer: &BatchScorer,
    (rows, keys): (&[f32], [Column; 2]),
    never: &[bool],
    options: ScoreOptions,
    progress: &(dyn Fn(ScoreProgress) + Sync),
    (first_row, tally): (usize, &mut Tally),
) -> Result<DataFrame, ServeError> {
    let outcomes = score_rows(package, scorer, rows, never, options, progress)?;
    let bands = package.manifest().bands;
    for (i, o) in outcomes.iter().enumerate() {
        match o {
            Outcome::Scored { probability, .. } => {
                tally.bands[bands.band(f64::from(*probability)) as usize] += 1;
            }
            Outcome::Unscored(reason) => tally.unscored.push((first_row + i, reason.clone())),
        }
    }
    output_frame(keys, &outcomes, package)
}

/// Float32 feature columns as one row-major matrix (null = `NaN`).
fn row_major(columns: &[Column], n_features: usize) -> Result<Vec<f32>, ServeError> {
    if columns.len() != n_features {
        return Err(ServeError::Shape {
            expected: format!("{n_features} feature columns"),
            found: format!("{} feature columns", columns.len()),
        });
    }
    let n = columns.first().map_or(0, Column::len);
    let mut rows = vec![f32::NAN; n * n_features];
    for (j, c) in columns.iter().enumerate() {
        let values = c.f32()?;
        for (i, v) in values.iter().enumerate() {
            if let Some(v) = v {
                rows[i * n_features + j] = v;
            }
        }
    }
    Ok(rows)
}

/// For each of the package's features, whether its missing policy is `never` (a row missing
/// it cannot be scored).
pub(crate) fn required_features(package: &ModelPackage) -> Vec<bool> {
    package
        .manifest()
        .feature_set
        .features
        .iter()
        .map(|f| f.missing == "never")
        .collect()
}

/// Why a row breaks the model's input contract, if it does.
pub(crate) fn contract_violation(
    row: &[f32],
    never: &[bool],
    package: &ModelPackage,
) -> Option<String> {
    row.iter()
        .zip(never)
        .enumerate()
        .find_map(|(j, (x, &never))| {
            let name = &package.feature_names()[j];
            if x.is_infinite() {
                Some(format!("feature {name} is infinite"))
            } else if x.is_nan() && never {
                Some(format!(
                    "feature {name} is missing but the model requires it on every application"
                ))
            } else {
                None
            }
        })
}

fn score_rows(
    package: &ModelPackage,
    scorer: &BatchScorer,
    rows: &[f32],
    never: &[bool],
    options: ScoreOptions,
    progress: &(dyn Fn(ScoreProgress) + Sync),
) -> Result<Vec<Outcome>, ServeError> {
    let f = package.n_features();
    let bands = package.manifest().bands;
    let done = AtomicUsize::new(0);
    let parts: Vec<Vec<Outcome>> = rows
        .par_chunks(CHUNK_ROWS * f)
        .map_init(ReasonScratch::default, |scratch, chunk| {
            let p = scorer.probabilities_here(chunk)?;
            crate::scorer::check_output_len(scorer.engine_name(), chunk.len() / f, p.len())?;
            // Score every row, then compute the reasons of the rows that want them together.
            let mut k = vec![0; p.len()];
            let mut out: Vec<Outcome> = chunk
                .chunks_exact(f)
                .zip(p)
                .enumerate()
                .map(|(i, (row, probability))| {
                    if let Some(reason) = contract_violation(row, never, package) {
                        Outcome::Unscored(reason)
                    } else if !probability.is_finite() {
                        Outcome::Unscored(format!("the model returned {probability}"))
                    } else {
                        let flagged = bands.band(f64::from(probability)) != Band::Clear;
                        k[i] = match options.reasons_for {
                            ReasonScope::All => options.reasons,
                            ReasonScope::Flagged if flagged => options.reasons,
                            ReasonScope::Flagged => 0,
                        };
                        Outcome::Scored {
                            probability,
                            reasons: Vec::new(),
                        }
                    }
                })
                .collect();
            let reasons = package.reasons_of_rows(chunk, &k, scratch);
            for (outcome, codes) in out.iter_mut().zip(reasons) {
                if let Outcome::Scored { reasons, .. } = outcome {
                    *reasons = codes;
                }
            }
            done.fetch_add(out.len(), Ordering::Relaxed);
            progress(ScoreProgress::Scored { done: out.len() });
            Ok(out)
        })
        .collect::<Result<_, ServeError>>()?;
    Ok(parts.concat())
}

/// The output table (see the module docs).
fn output_frame(
    keys: [Column; 2],
    outcomes: &[Outcome],
    package: &ModelPackage,
) -> Result<DataFrame, ServeError> {
    let bands = package.manifest().bands;
    let probability: Float32Chunked = outcomes
        .iter()
        .map(|o| match o {
            Outcome::Scored { probability, .. } => Some(*probability),
            Outcome::Unscored(_) => None,
        })
        .collect();
    let band: StringChunked = outcomes
        .iter()
        .map(|o| match o {
            Outcome::Scored { probability, .. } => {
                Some(bands.band(f64::from(*probability)).as_str())
            }
            Outcome::Unscored(_) => None,
        })
        .collect();
    let error: StringChunked = outcomes
        .iter()
        .map(|o| match o {
            Outcome::Scored { .. } => None,
            Outcome::Unscored(reason) => Some(reason.as_str()),
        })
        .collect();
    let model = StringChunked::full("model".into(), &package.manifest().model_id, outcomes.len());
    let reasons = reasons_column(outcomes)?;
    let [ids, submitted] = keys;
    DataFrame::new(
        outcomes.len(),
        vec![
            ids,
            submitted,
            probability.with_name("probability".into()).into_column(),
            band.with_name("band".into()).into_column(),
            reasons.into_column(),
            model.into_column(),
            error.with_name("error".into()).into_column(),
        ],
    )
    .map_err(ServeError::from)
}

/// `reasons` as list<struct{feature, value, contribution, text}>: one flat struct series of
/// every reason, sliced per application.
fn reasons_column(outcomes: &[Outcome]) -> Result<Series, ServeError> {
    let all = || {
        outcomes.iter().flat_map(|o| match o {
            Outcome::Scored { reasons, .. } => reasons.as_slice(),
            Outcome::Unscored(_) => &[],
        })
    };
    let feature: StringChunked = all().map(|r| Some(r.feature.as_str())).collect();
    let value: Float32Chunked = all().map(|r| Some(r.value)).collect();
    let contribution: Float64Chunked = all().map(|r| Some(r.contribution)).collect();
    let text: StringChunked = all().map(|r| Some(r.text.as_str())).collect();
    let total = feature.len();
    let flat = StructChunked::from_series(
        "reason".into(),
        total,
        [
            feature.with_name("feature".into()).into_series(),
            value.with_name("value".into()).into_series(),
            contribution.with_name("contribution".into()).into_series(),
            text.with_name("text".into()).into_series(),
        ]
        .iter(),
    )
    .map_err(ServeError::from)?
    .into_series();
    let mut builder = polars::chunked_array::builder::get_list_builder(
        flat.dtype(),
        total,
        outcomes.len(),
        "reasons".into(),
    );
    let mut offset = 0i64;
    for o in outcomes {
        let len = match o {
            Outcome::Scored { reasons, .. } => reasons.len(),
            Outcome::Unscored(_) => 0,
        };
        builder
            .append_series(&flat.slice(offset, len))
            .map_err(ServeError::from)?;
        offset += len as i64;
    }
    Ok(builder.finish().into_series())
}

/// Writes `frame` to the Parquet file `path` atomically: into a temporary file in the same
/// directory, renamed into place only when complete, so an interrupted run leaves either no
/// file or the previous one intact.
///
/// # Errors
///
/// [`ServeError::Write`].
pub fn write_scores(frame: &mut DataFrame, path: &Path) -> Result<(), ServeError> {
    appfraud_features::write_parquet_atomically(frame, path).map_err(|e| ServeError::Write {
        file: path.to_path_buf(),
        reason: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
    }

    /// Scored in blocks of 3,000 rows (the last one partial), the sample gives the run of
    /// scoring its whole feature frame at once (the reference): the same output frame, band
    /// counts, unscored rows and report, with and without `--since`.
    #[test]
    fn scoring_in_blocks_equals_scoring_the_whole_frame() {
        let package = ModelPackage::load(&workspace().join("models/baseline")).expect("baseline");
        let sample = workspace().join("notebooks-data/sample");
        for since_micros in [None, Some(1_740_000_000_000_000)] {
            let options = ScoreOptions {
                since_micros,
                reasons: 3,
                ..ScoreOptions::default()
            };
            let scorer = BatchScorer::new(&package, options.engine).expect("engine");
            let features = appfraud_features::features_from_data_dir(
                &sample,
                FeatureOptions { since_micros },
                &|_| {},
            )
            .expect("features");
            let whole = score_frame(&package, &scorer, features, options, &|_| {}).expect("whole");
            let blocks = score_data_dir_in_blocks(&package, &sample, options, &|_| {}, 3_000)
                .expect("blocks");
            assert!(whole.frame.height() > 6_000, "{}", whole.frame.height());
            assert!(blocks.frame.equals_missing(&whole.frame));
            assert_eq!(blocks.bands, whole.bands);
            assert_eq!(blocks.unscored, whole.unscored);
            assert_eq!(blocks.report, whole.report);
        }
    }
}
