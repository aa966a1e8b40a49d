//! Datasets: a feature table joined with labels and split out of time.
//!
//! **Data-directory mode** ([`Dataset::from_data_dir`]): the feature frame comes from the one
//! pipeline (`appfraud_features::features_from_data_dir`) and the labels from `labels`. Rows are
//! split by `submitted_at`: before `valid_from` is training, before `test_from` validation, the
//! rest test. The defaults make the last calendar quarter holding a labelled application the
//! test split and the quarter before it the validation split.
//!
//! A label is used only if it was known by its split's cutoff, as it would have been in
//! production: training rows use labels with `labeled_at < valid_from`, validation rows labels
//! with `labeled_at < test_from`, test rows every label (the last one known applies; at equal
//! times fraud wins, as in the features). Training applications whose label came later are
//! dropped (the label-delay embargo) and counted.
//!
//! Identity clusters (applications linked by a shared address, device, phone or email) do not
//! straddle splits: a training row whose cluster has an application in the validation or test
//! window is dropped and counted, so the model is not evaluated on the people it trained on.
//!
//! **Deployed-fit rows** ([`Dataset::refit`]): the model that is packaged is refitted on every
//! row submitted before the test split's start (the *calibration window* `[test_from, end]`)
//! whose label is known at the data's end (the last label of each application), with no
//! label-delay drop. Only the rows whose identity cluster reaches the calibration window are
//! dropped (and counted), since the calibration window is where the deployed model's
//! calibration and band thresholds are fitted. The calibration window's rows are the test
//! split's rows. The trade-off: the deployed model is at most one window (a quarter by
//! default) behind its data's end instead of two, and the newest window it did not learn from
//! is spent on its calibration.
//!
//! **Table mode** ([`Dataset::from_table`]): any Parquet or CSV table whose columns are used as
//! they are. The label column holds booleans, 0/1 integers or the strings true/false/1/0/yes/no;
//! numeric and boolean columns become `f32` features; a string column becomes a categorical
//! coded by its frequency among training rows (most frequent = 0; unseen or null = missing).
//! With a time column the split is out of time as above (every label is taken as known); without
//! one it is a deterministic 70/15/15 split by a hash of the id (or the row number).

use std::collections::HashMap;
use std::path::Path;

use appfraud_core::{Family, FeatureDef, FeatureSet, MissingPolicy};
use appfraud_features::{DirProgress, FeatureOptions, features_from_data_dir};
use chrono::{DateTime, Datelike, NaiveDate};
use polars::prelude::*;
use rayon::prelude::*;

use crate::TrainError;

/// Which split a row belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Split {
    /// Fits the model.
    Train,
    /// Early stopping, calibration and thresholds.
    Valid,
    /// Reported metrics only.
    Test,
}

impl Split {
    /// All splits, in time order.
    pub const ALL: [Split; 3] = [Split::Train, Split::Valid, Split::Test];

    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Split::Train => "train",
            Split::Valid => "valid",
            Split::Test => "test",
        }
    }
}

/// Where the splits start (µs since the epoch, UTC). `None` takes the default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SplitSpec {
    /// First instant of the validation split.
    pub valid_from: Option<i64>,
    /// First instant of the test split.
    pub test_from: Option<i64>,
}

/// Counts that describe how a dataset was made, for the model card.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct DatasetSummary {
    /// Rows in the input table.
    pub input_rows: usize,
    /// Rows without a usable label (unlabelled, or labelled only after the cutoff).
    pub unlabeled: usize,
    /// Training rows dropped because their label became known after `valid_from`.
    pub dropped_label_delay: usize,
    /// Training rows dropped because their identity cluster reaches the validation or test
    /// window.
    pub dropped_cluster_overlap: usize,
    /// Per split: (rows, positives).
    pub counts: Vec<(Split, usize, usize)>,
    /// Start of the validation split used (µs since the epoch), when the split is out of time.
    pub valid_from: Option<i64>,
    /// Start of the test split used.
    pub test_from: Option<i64>,
    /// First and last time of the rows used, when there is a time column.
    pub window: Option<(i64, i64)>,
}

/// The training rows of the deployed fit (see the module docs): every row before the
/// calibration window (the test split) whose label is known at the data's end, labelled with
/// that last label.
#[derive(Debug, Clone)]
pub struct RefitRows {
    /// Features, labels and ids of the deployed fit's training rows, in the input's order.
    pub rows: SplitRows,
    /// The time of each row (µs since the epoch), when the data has times.
    pub times: Option<Vec<i64>>,
    /// Rows before the calibration window dropped because their identity cluster reaches it.
    pub dropped_cluster_overlap: usize,
}

/// A labelled, split feature table: column-major `f32` features (`NaN` = missing).
#[derive(Debug, Clone)]
pub struct Dataset {
    /// The features, in column order.
    pub feature_set: FeatureSet,
    /// One vector per feature, one value per row.
    pub columns: Vec<Vec<f32>>,
    /// `true` = fraud.
    pub labels: Vec<bool>,
    /// The split of each row.
    pub splits: Vec<Split>,
    /// The id of each row.
    pub ids: Vec<String>,
    /// The time of each row (µs since the epoch), when known.
    pub times: Option<Vec<i64>>,
    /// How the dataset was made.
    pub summary: DatasetSummary,
    /// The training rows of the deployed fit; `None` when the data allows none (an imported
    /// model's table).
    pub refit: Option<RefitRows>,
    /// Every row of the input, labelled or not, as the drift reference needs them.
    pub population: Population,
}

/// Every row of a dataset's input, labelled or not: what the packaged model will meet. Labels
/// are not known for every application (some are never investigated, recent ones not yet), and
/// the labelled ones are not a random sample of them, so the drift reference
/// ([`crate::drift_reference`]) is counted over these rows, not over the labelled ones.
#[derive(Debug, Clone, Default)]
pub struct Population {
    /// One histogram per feature over every row ([`crate::reference_histogram`]).
    pub features: Vec<appfraud_core::Histogram>,
    /// Rows counted.
    pub rows: usize,
    /// First and last time of those rows (µs since the epoch), when the data has times.
    pub window: Option<(i64, i64)>,
    /// The features (one column per feature) of every row of the held-out window: the test
    /// split's dates, which are the deployed fit's calibration window (for an imported model,
    /// its whole table). The packaged model learned from none of them.
    pub held_out: Vec<Vec<f32>>,
    /// First and last time of the held-out rows, when the data has times.
    pub held_out_window: Option<(i64, i64)>,
}

/// The first and last of `times`.
fn window_of(times: impl Iterator<Item = i64> + Clone) -> Option<(i64, i64)> {
    Some((times.clone().min()?, times.max()?))
}

/// A histogram of `values` (`NaN` = missing) with reference bins.
fn population_histogram(values: impl Iterator<Item = f32>) -> appfraud_core::Histogram {
    let values: Vec<f64> = values.map(f64::from).collect();
    crate::reference_histogram(&values)
}

/// One split's rows, ready for a model: column-major features and labels.
#[derive(Debug, Clone)]
pub struct SplitRows {
    /// One vector per feature.
    pub columns: Vec<Vec<f32>>,
    /// `true` = fraud.
    pub labels: Vec<bool>,
    /// Row ids.
    pub ids: Vec<String>,
}

impl SplitRows {
    /// The features as a [`crate::ColumnMatrix`].
    pub fn matrix(&self) -> Result<crate::ColumnMatrix<'_>, TrainError> {
        crate::ColumnMatrix::new(self.columns.iter().map(Vec::as_slice).collect())
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether the split has no row.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }
}

fn data_error(what: impl Into<String>) -> TrainError {
    TrainError::Data {
        reason: what.into(),
    }
}

/// A table read with its label, time and id columns parsed (the columns of
/// [`Dataset::from_table`] and [`Dataset::for_model`] that are not features).
struct LabelledTable {
    df: DataFrame,
    file: String,
    labels: Vec<Option<bool>>,
    times: Option<Vec<Option<i64>>>,
    ids: Vec<String>,
}

impl LabelledTable {
    fn read(
        path: &Path,
        label: &str,
        time: Option<&str>,
        id: Option<&str>,
    ) -> Result<LabelledTable, TrainError> {
        let df = read_any_table(path)?;
        let file = path.display().to_string();
        let missing_col = |c: &str| TrainError::UnknownColumn {
            file: file.clone(),
            column: c.to_owned(),
        };
        let label_col = df.column(label).map_err(|_| missing_col(label))?;
        let labels = parse_labels(label_col, &file)?;
        let times = match time {
            Some(t) => Some(time_values(
                df.column(t).map_err(|_| missing_col(t))?,
                &file,
            )?),
            None => None,
        };
        let ids: Vec<String> = match id {
            Some(c) => as_text(df.column(c).map_err(|_| missing_col(c))?, &file)?
                .str()?
                .iter()
                .enumerate()
                .map(|(i, v)| v.map_or_else(|| format!("row {i}"), str::to_owned))
                .collect(),
            None => (0..df.height()).map(|i| i.to_string()).collect(),
        };
        Ok(LabelledTable {
            df,
            file,
            labels,
            times,
            ids,
        })
    }
}

impl Dataset {
    /// The rows of one split.
    pub fn rows(&self, split: Split) -> SplitRows {
        let idx: Vec<usize> = (0..self.labels.len())
            .filter(|&i| self.splits[i] == split)
            .collect();
        SplitRows {
            columns: self
                .columns
                .iter()
                .map(|c| idx.iter().map(|&i| c[i]).collect())
                .collect(),
            labels: idx.iter().map(|&i| self.labels[i]).collect(),
            ids: idx.iter().map(|&i| self.ids[i].clone()).collect(),
        }
    }

    /// The time of each row of one split, in the order of [`rows`](Self::rows); `None` without
    /// a time column.
    pub fn times_of(&self, split: Split) -> Option<Vec<i64>> {
        let times = self.times.as_ref()?;
        Some(
            times
                .iter()
                .zip(&self.splits)
                .filter(|(_, s)| **s == split)
                .map(|(t, _)| *t)
                .collect(),
        )
    }

    /// Builds the dataset of a `docs/input-contract.md` data directory (see the module docs).
    pub fn from_data_dir(dir: &Path, spec: SplitSpec) -> Result<Dataset, TrainError> {
        // The labels come from the tables ingest validated; the frame is built from the same
        // read.
        let labels = std::cell::RefCell::new(None);
        let frame = features_from_data_dir(dir, FeatureOptions::default(), &|p| {
            if let DirProgress::Ingested { frames: raw, .. } = p {
                *labels.borrow_mut() = raw.labels.clone();
            }
        })?;
        let labels_df = labels.into_inner().ok_or_else(|| {
            data_error(format!(
                "{}: labels.parquet (or labels.csv) is required for training",
                dir.display()
            ))
        })?;
        let ids = string_column(&frame.frame, "application_id")?;
        let times = micros_column(&frame.frame, "submitted_at")?;
        let mut label_events: HashMap<&str, Vec<(i64, bool)>> = HashMap::new();
        let l_ids = string_column(&labels_df, "application_id")?;
        let l_at = micros_column(&labels_df, "labeled_at")?;
        let l_fraud = bool_column(&labels_df, "is_fraud")?;
        for ((id, at), fraud) in l_ids.iter().zip(&l_at).zip(&l_fraud) {
            label_events
                .entry(id.as_str())
                .or_default()
                .push((*at, *fraud));
        }
        for events in label_events.values_mut() {
            events.sort_unstable();
        }
        // Default split: by the quarters of labelled applications.
        let labelled_times: Vec<i64> = ids
            .iter()
            .zip(&times)
            .filter(|(id, _)| label_events.contains_key(id.as_str()))
            .map(|(_, t)| *t)
            .collect();
        let (valid_from, test_from) = resolve_spec(spec, &labelled_times)?;

        let mut summary = DatasetSummary {
            input_rows: ids.len(),
            valid_from: Some(valid_from),
            test_from: Some(test_from),
            ..DatasetSummary::default()
        };
        // Clusters that reach the validation or test window.
        let late_clusters: std::collections::HashSet<u32> = times
            .iter()
            .zip(&frame.clusters)
            .filter(|(t, _)| **t >= valid_from)
            .map(|(_, c)| *c)
            .collect();
        let mut keep: Vec<(usize, bool, Split)> = Vec::new();
        for (i, (id, t)) in ids.iter().zip(&times).enumerate() {
            let split = split_of(*t, valid_from, test_from);
            let cutoff = match split {
                Split::Train => valid_from,
                Split::Valid => test_from,
                Split::Test => i64::MAX,
            };
            let events = label_events.get(id.as_str()).map_or(&[][..], Vec::as_slice);
            let known = events.partition_point(|e| e.0 < cutoff);
            if known == 0 {
                if split == Split::Train && !events.is_empty() {
                    summary.dropped_label_delay += 1;
                } else {
                    summary.unlabeled += 1;
                }
                continue;
            }
            if split == Split::Train && late_clusters.contains(&frame.clusters[i]) {
                summary.dropped_cluster_overlap += 1;
                continue;
            }
            keep.push((i, events[known - 1].1, split));
        }
        let rows: Vec<usize> = keep.iter().map(|(i, _, _)| *i).collect();
        let feature_columns = feature_rows(&frame.frame, &rows)?;
        let kept_times: Vec<i64> = keep.iter().map(|(i, _, _)| times[*i]).collect();

        // The deployed fit: before the calibration window (the test split), the last label,
        // only the clusters that reach the calibration window kept out.
        let calibration_clusters: std::collections::HashSet<u32> = times
            .iter()
            .zip(&frame.clusters)
            .filter(|(t, _)| **t >= test_from)
            .map(|(_, c)| *c)
            .collect();
        let mut refit_keep: Vec<(usize, bool)> = Vec::new();
        let mut refit_dropped = 0;
        for (i, (id, t)) in ids.iter().zip(&times).enumerate() {
            if *t >= test_from {
                continue;
            }
            let Some(last) = label_events.get(id.as_str()).and_then(|e| e.last()) else {
                continue;
            };
            if calibration_clusters.contains(&frame.clusters[i]) {
                refit_dropped += 1;
                continue;
            }
            refit_keep.push((i, last.1));
        }
        let refit_rows: Vec<usize> = refit_keep.iter().map(|(i, _)| *i).collect();
        let refit = RefitRows {
            rows: SplitRows {
                columns: feature_rows(&frame.frame, &refit_rows)?,
                labels: refit_keep.iter().map(|k| k.1).collect(),
                ids: refit_rows.iter().map(|&i| ids[i].clone()).collect(),
            },
            times: Some(refit_rows.iter().map(|&i| times[i]).collect()),
            dropped_cluster_overlap: refit_dropped,
        };
        let held_out_rows: Vec<usize> = (0..times.len())
            .filter(|&i| times[i] >= test_from)
            .collect();
        let population = Population {
            // One column per task: each histogram sorts its column.
            features: frame.frame.columns()[2..]
                .par_iter()
                .map(|c| {
                    Ok(population_histogram(
                        c.f32()?.iter().map(|v| v.unwrap_or(f32::NAN)),
                    ))
                })
                .collect::<Result<Vec<_>, TrainError>>()?,
            rows: times.len(),
            window: window_of(times.iter().copied()),
            held_out: feature_rows(&frame.frame, &held_out_rows)?,
            held_out_window: window_of(held_out_rows.iter().map(|&i| times[i])),
        };
        let dataset = Dataset {
            feature_set: frame.feature_set,
            columns: feature_columns,
            labels: keep.iter().map(|k| k.1).collect(),
            splits: keep.iter().map(|k| k.2).collect(),
            ids: keep.iter().map(|(i, _, _)| ids[*i].clone()).collect(),
            times: Some(kept_times),
            summary,
            refit: Some(refit),
            population,
        };
        dataset.finish()
    }

    /// Builds the dataset of a generic table (see the module docs).
    pub fn from_table(
        path: &Path,
        label: &str,
        time: Option<&str>,
        id: Option<&str>,
        spec: SplitSpec,
    ) -> Result<Dataset, TrainError> {
        let LabelledTable {
            df,
            file,
            labels,
            times,
            ids,
        } = LabelledTable::read(path, label, time, id)?;
        let mut summary = DatasetSummary {
            input_rows: df.height(),
            ..DatasetSummary::default()
        };
        let splits: Vec<Split> = match &times {
            Some(ts) => {
                let present: Vec<i64> = ts.iter().flatten().copied().collect();
                let (valid_from, test_from) = resolve_spec(spec, &present)?;
                summary.valid_from = Some(valid_from);
                summary.test_from = Some(test_from);
                ts.iter()
                    .map(|t| split_of(t.unwrap_or(i64::MIN), valid_from, test_from))
                    .collect()
            }
            None => ids.iter().map(|id| hash_split(id)).collect(),
        };
        // Rows with a label (and a time, when splitting by time).
        let keep: Vec<usize> = (0..df.height())
            .filter(|&i| labels[i].is_some() && times.as_ref().is_none_or(|t| t[i].is_some()))
            .collect();
        summary.unlabeled = df.height() - keep.len();
        let train_rows: Vec<usize> = keep
            .iter()
            .copied()
            .filter(|&i| splits[i] == Split::Train)
            .collect();
        let skip: Vec<&str> = [Some(label), time, id].into_iter().flatten().collect();
        let held_out_rows: Vec<usize> = (0..df.height())
            .filter(|&i| splits[i] == Split::Test)
            .collect();
        let mut defs = Vec::new();
        let mut columns = Vec::new();
        let mut population = Population {
            rows: df.height(),
            window: times
                .as_ref()
                .and_then(|t| window_of(t.iter().flatten().copied())),
            held_out_window: times
                .as_ref()
                .and_then(|t| window_of(held_out_rows.iter().filter_map(|&i| t[i]))),
            ..Population::default()
        };
        for c in df.columns() {
            let name = c.name().as_str();
            if skip.contains(&name) {
                continue;
            }
            let (values, kind) = encode_column(c, &train_rows, &file)?;
            defs.push(FeatureDef::new(
                name,
                Family::Generic,
                MissingPolicy::Informative,
                format!("Column `{name}` of the input table ({kind})."),
            ));
            population
                .features
                .push(population_histogram(values.iter().copied()));
            population
                .held_out
                .push(held_out_rows.iter().map(|&i| values[i]).collect());
            columns.push(keep.iter().map(|&i| values[i]).collect());
        }
        let feature_set = FeatureSet::new(defs).map_err(|e| data_error(e.to_string()))?;
        let mut dataset = Dataset {
            feature_set,
            columns,
            labels: keep.iter().map(|&i| labels[i].unwrap_or(false)).collect(),
            splits: keep.iter().map(|&i| splits[i]).collect(),
            ids: keep.iter().map(|&i| ids[i].clone()).collect(),
            times: times.map(|t| keep.iter().map(|&i| t[i].unwrap_or_default()).collect()),
            summary,
            refit: None,
            population,
        };
        // Every label of a table is known, and nothing was dropped: the deployed fit learns
        // from the training and validation rows.
        let before: Vec<usize> = (0..dataset.labels.len())
            .filter(|&i| dataset.splits[i] != Split::Test)
            .collect();
        dataset.refit = Some(RefitRows {
            rows: SplitRows {
                columns: dataset
                    .columns
                    .iter()
                    .map(|c| before.iter().map(|&i| c[i]).collect())
                    .collect(),
                labels: before.iter().map(|&i| dataset.labels[i]).collect(),
                ids: before.iter().map(|&i| dataset.ids[i].clone()).collect(),
            },
            times: dataset
                .times
                .as_ref()
                .map(|t| before.iter().map(|&i| t[i]).collect()),
            dropped_cluster_overlap: 0,
        });
        dataset.finish()
    }

    /// The validation set of an imported model: every labelled row of the Parquet or CSV table
    /// at `path` (with its time when `time` is given) in [`Split::Valid`], with the columns
    /// named `features` as the features, in that order. Numeric and boolean columns are read as
    /// `f32` like [`Dataset::from_table`] reads them (non-finite values are missing; a column
    /// with no value at all, which a CSV reader cannot type, is all missing). When the
    /// names are the pipeline's FeatureSet, in its order, the dataset carries that FeatureSet
    /// (so the package also scores data directories); otherwise a generic one.
    ///
    /// # Errors
    ///
    /// [`TrainError::MissingColumns`] naming every feature the table lacks;
    /// [`TrainError::Data`] for a feature column that is not numeric or boolean; the label
    /// and time errors of [`Dataset::from_table`]; [`TrainError::SingleClass`] when the
    /// labelled rows hold one class.
    pub fn for_model(
        path: &Path,
        label: &str,
        time: Option<&str>,
        id: Option<&str>,
        features: &[String],
    ) -> Result<Dataset, TrainError> {
        let LabelledTable {
            df,
            file,
            labels,
            times,
            ids,
        } = LabelledTable::read(path, label, time, id)?;
        let missing: Vec<String> = features
            .iter()
            .filter(|f| df.column(f).is_err())
            .cloned()
            .collect();
        if !missing.is_empty() {
            return Err(TrainError::MissingColumns { file, missing });
        }
        let keep: Vec<usize> = (0..df.height())
            .filter(|&i| labels[i].is_some() && times.as_ref().is_none_or(|t| t[i].is_some()))
            .collect();
        let mut columns = Vec::with_capacity(features.len());
        let mut population = Population {
            rows: df.height(),
            window: times
                .as_ref()
                .and_then(|t| window_of(t.iter().flatten().copied())),
            held_out_window: times
                .as_ref()
                .and_then(|t| window_of(t.iter().flatten().copied())),
            ..Population::default()
        };
        for name in features {
            let c = df.column(name)?;
            let all_missing = c.null_count() == c.len();
            if !(all_missing || c.dtype().is_primitive_numeric() || c.dtype() == &DataType::Boolean)
            {
                return Err(data_error(format!(
                    "{file}: feature column `{name}` is of type {}; the model needs numbers",
                    c.dtype()
                )));
            }
            let (values, _) = encode_column(c, &[], &file)?;
            population
                .features
                .push(population_histogram(values.iter().copied()));
            columns.push(keep.iter().map(|&i| values[i]).collect());
            population.held_out.push(values);
        }
        let pipeline = appfraud_features::feature_set();
        let feature_set = if pipeline
            .features()
            .iter()
            .map(|f| f.name.as_str())
            .eq(features.iter().map(String::as_str))
        {
            pipeline
        } else {
            let defs = features
                .iter()
                .map(|name| {
                    FeatureDef::new(
                        name,
                        Family::Generic,
                        MissingPolicy::Informative,
                        format!("Column `{name}` of the input table (numeric)."),
                    )
                })
                .collect();
            FeatureSet::new(defs).map_err(|e| data_error(e.to_string()))?
        };
        let n = keep.len();
        let labels: Vec<bool> = keep.iter().map(|&i| labels[i].unwrap_or(false)).collect();
        let positives = labels.iter().filter(|l| **l).count();
        if n == 0 || positives == 0 || positives == n {
            return Err(TrainError::SingleClass {
                metric: "the import table",
                positives,
                negatives: n - positives,
            });
        }
        let times: Option<Vec<i64>> =
            times.map(|t| keep.iter().map(|&i| t[i].unwrap_or_default()).collect());
        let summary = DatasetSummary {
            input_rows: df.height(),
            unlabeled: df.height() - n,
            counts: vec![(Split::Valid, n, positives)],
            window: times
                .as_ref()
                .and_then(|t| Some((*t.iter().min()?, *t.iter().max()?))),
            ..DatasetSummary::default()
        };
        Ok(Dataset {
            feature_set,
            columns,
            labels,
            splits: vec![Split::Valid; n],
            ids: keep.iter().map(|&i| ids[i].clone()).collect(),
            times,
            summary,
            refit: None,
            population,
        })
    }

    /// Fills the counts and checks that every split can be used.
    fn finish(mut self) -> Result<Dataset, TrainError> {
        self.summary.counts = Split::ALL
            .iter()
            .map(|s| {
                let rows = self.splits.iter().filter(|x| *x == s).count();
                let pos = self
                    .splits
                    .iter()
                    .zip(&self.labels)
                    .filter(|(x, l)| *x == s && **l)
                    .count();
                (*s, rows, pos)
            })
            .collect();
        self.summary.window = self
            .times
            .as_ref()
            .and_then(|t| Some((*t.iter().min()?, *t.iter().max()?)));
        for &(split, rows, pos) in &self.summary.counts {
            if rows == 0 || pos == 0 || pos == rows {
                return Err(TrainError::SingleClass {
                    metric: split.as_str(),
                    positives: pos,
                    negatives: rows - pos,
                });
            }
        }
        Ok(self)
    }
}

/// The feature columns of a feature frame (everything after `application_id` and
/// `submitted_at`) restricted to `rows`, in that order.
pub(crate) fn feature_rows(frame: &DataFrame, rows: &[usize]) -> Result<Vec<Vec<f32>>, TrainError> {
    frame.columns()[2..]
        .iter()
        .map(|c| {
            let values = c.f32()?;
            let all: Vec<f32> = values.iter().map(|v| v.unwrap_or(f32::NAN)).collect();
            Ok(rows.iter().map(|&i| all[i]).collect())
        })
        .collect()
}

/// The last label known per application (all labels; at equal times fraud wins).
pub(crate) fn latest_labels(df: &DataFrame) -> Result<HashMap<String, bool>, TrainError> {
    let ids = string_column(df, "application_id")?;
    let at = micros_column(df, "labeled_at")?;
    let fraud = bool_column(df, "is_fraud")?;
    let mut best: HashMap<String, (i64, bool)> = HashMap::new();
    for ((id, t), f) in ids.into_iter().zip(at).zip(fraud) {
        let e = best.entry(id).or_insert((t, f));
        if (t, f) > *e {
            *e = (t, f);
        }
    }
    Ok(best.into_iter().map(|(k, v)| (k, v.1)).collect())
}

fn split_of(t: i64, valid_from: i64, test_from: i64) -> Split {
    if t < valid_from {
        Split::Train
    } else if t < test_from {
        Split::Valid
    } else {
        Split::Test
    }
}

/// 70 / 15 / 15 by an FNV-1a hash of the id: stable across runs and row orders.
fn hash_split(id: &str) -> Split {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    match h % 100 {
        0..70 => Split::Train,
        70..85 => Split::Valid,
        _ => Split::Test,
    }
}

/// Start of the calendar quarter holding `t` (µs since the epoch, UTC).
fn quarter_start(t: i64) -> Option<NaiveDate> {
    let d = DateTime::from_timestamp_micros(t)?.date_naive();
    NaiveDate::from_ymd_opt(d.year(), (d.month0() / 3) * 3 + 1, 1)
}

fn micros_of(d: NaiveDate) -> i64 {
    d.and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp_micros())
        .unwrap_or_default()
}

/// The split boundaries: given ones, else the last quarter with a labelled row is test and the
/// quarter before it validation.
fn resolve_spec(spec: SplitSpec, labelled_times: &[i64]) -> Result<(i64, i64), TrainError> {
    let last = labelled_times.iter().max().copied();
    let default_test = last.and_then(quarter_start);
    let test_from = match (spec.test_from, default_test) {
        (Some(t), _) => t,
        (None, Some(q)) => micros_of(q),
        (None, None) => return Err(data_error("no labelled row to split")),
    };
    let valid_from = match spec.valid_from {
        Some(v) => v,
        None => {
            let q = quarter_start(test_from - 1)
                .ok_or_else(|| data_error("test start out of range"))?;
            micros_of(q)
        }
    };
    if valid_from >= test_from {
        return Err(TrainError::InvalidArgument {
            name: "valid_from",
            value: fmt_micros(valid_from),
            expected: format!("a date before the test start {}", fmt_micros(test_from)),
        });
    }
    Ok((valid_from, test_from))
}

fn fmt_micros(t: i64) -> String {
    DateTime::from_timestamp_micros(t).map_or_else(|| t.to_string(), |d| d.to_rfc3339())
}

fn string_column(df: &DataFrame, name: &str) -> Result<Vec<String>, TrainError> {
    Ok(df
        .column(name)
        .and_then(|c| c.str().cloned())?
        .iter()
        .map(|v| v.unwrap_or_default().to_owned())
        .collect())
}

pub(crate) fn micros_column(df: &DataFrame, name: &str) -> Result<Vec<i64>, TrainError> {
    let c = df.column(name)?.to_physical_repr();
    Ok(c.i64()?.iter().map(Option::unwrap_or_default).collect())
}

fn bool_column(df: &DataFrame, name: &str) -> Result<Vec<bool>, TrainError> {
    Ok(df
        .column(name)
        .and_then(|c| c.bool().cloned())?
        .iter()
        .map(Option::unwrap_or_default)
        .collect())
}

fn read_any_table(path: &Path) -> Result<DataFrame, TrainError> {
    appfraud_features::read_generic_table(path).map_err(|e| TrainError::UnreadableTable {
        file: path.display().to_string(),
        reason: match e {
            appfraud_features::IngestError::Empty { .. } => "the table has no rows".to_owned(),
            appfraud_features::IngestError::Unreadable { reason, .. } => reason,
            other => other.to_string(),
        },
    })
}

fn parse_labels(c: &Column, file: &str) -> Result<Vec<Option<bool>>, TrainError> {
    let bad = |row: usize, value: String| TrainError::BadLabel {
        file: file.to_owned(),
        column: c.name().to_string(),
        row,
        value,
    };
    match c.dtype() {
        DataType::Boolean => Ok(c.bool()?.iter().collect()),
        DataType::String => c
            .str()?
            .iter()
            .enumerate()
            .map(|(row, v)| match v.map(|s| s.trim().to_ascii_lowercase()) {
                None => Ok(None),
                Some(s) => match s.as_str() {
                    "true" | "1" | "yes" => Ok(Some(true)),
                    "false" | "0" | "no" => Ok(Some(false)),
                    "" => Ok(None),
                    _ => Err(bad(row, s)),
                },
            })
            .collect(),
        dt if dt.is_primitive_numeric() => {
            let f = c.cast(&DataType::Float64)?;
            f.f64()?
                .iter()
                .enumerate()
                .map(|(row, v)| match v {
                    None => Ok(None),
                    Some(1.0) => Ok(Some(true)),
                    Some(0.0) => Ok(Some(false)),
                    Some(x) => Err(bad(row, x.to_string())),
                })
                .collect()
        }
        other => Err(bad(0, format!("a column of type {other}"))),
    }
}

fn time_values(c: &Column, file: &str) -> Result<Vec<Option<i64>>, TrainError> {
    let as_micros = match c.dtype() {
        DataType::Datetime(unit, _) => {
            let k = match unit {
                TimeUnit::Nanoseconds => -1000,
                TimeUnit::Microseconds => 1,
                TimeUnit::Milliseconds => 1000,
            };
            let phys = c.to_physical_repr();
            phys.i64()?
                .iter()
                .map(|v| v.map(|v| if k < 0 { v / 1000 } else { v * k }))
                .collect()
        }
        DataType::Date => {
            let phys = c.to_physical_repr();
            phys.i32()?
                .iter()
                .map(|v| v.map(|d| i64::from(d) * appfraud_core::primitives::MICROS_PER_DAY))
                .collect()
        }
        DataType::String => {
            let s = c.str()?;
            let mut out = Vec::with_capacity(s.len());
            for (row, v) in s.iter().enumerate() {
                out.push(match v {
                    None => None,
                    Some(text) => Some(parse_time(text).ok_or_else(|| TrainError::BadTime {
                        file: file.to_owned(),
                        column: c.name().to_string(),
                        row,
                        value: text.to_owned(),
                    })?),
                });
            }
            out
        }
        other => {
            return Err(TrainError::BadTime {
                file: file.to_owned(),
                column: c.name().to_string(),
                row: 0,
                value: format!("a column of type {other}"),
            });
        }
    };
    Ok(as_micros)
}

fn parse_time(text: &str) -> Option<i64> {
    let t = text.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        return Some(d.timestamp_micros());
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d").ok().map(micros_of)
}

/// Column `c` of the table `file` as text; a column of a type with no text form (nested
/// lists or structs) is the user's to change.
fn as_text(c: &Column, file: &str) -> Result<Column, TrainError> {
    c.cast(&DataType::String).map_err(|e| {
        data_error(format!(
            "{file}: column `{}` of type {} cannot be read as text: {e}",
            c.name(),
            c.dtype()
        ))
    })
}

/// A column as `f32` values and what kind of feature it became.
fn encode_column(
    c: &Column,
    train_rows: &[usize],
    file: &str,
) -> Result<(Vec<f32>, &'static str), TrainError> {
    match c.dtype() {
        DataType::Boolean => Ok((
            c.bool()?
                .iter()
                .map(|v| v.map_or(f32::NAN, |b| if b { 1.0 } else { 0.0 }))
                .collect(),
            "boolean as 0/1",
        )),
        DataType::String => {
            let s = c.str()?;
            let values: Vec<Option<&str>> = s.iter().collect();
            let mut freq: HashMap<&str, usize> = HashMap::new();
            for &i in train_rows {
                if let Some(v) = values[i] {
                    *freq.entry(v).or_default() += 1;
                }
            }
            let mut ranked: Vec<(&str, usize)> = freq.into_iter().collect();
            ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            let code: HashMap<&str, f32> = ranked
                .iter()
                .enumerate()
                .map(|(k, (v, _))| (*v, k as f32))
                .collect();
            Ok((
                values
                    .iter()
                    .map(|v| v.and_then(|v| code.get(v).copied()).unwrap_or(f32::NAN))
                    .collect(),
                "categorical, coded by training frequency",
            ))
        }
        dt if dt.is_primitive_numeric() => {
            let f = c.cast(&DataType::Float32)?;
            Ok((
                f.f32()?
                    .iter()
                    .map(|v| v.filter(|x| x.is_finite()).unwrap_or(f32::NAN))
                    .collect(),
                "numeric",
            ))
        }
        _ => encode_column(&as_text(c, file)?, train_rows, file),
    }
}
