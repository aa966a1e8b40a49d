use appfraud_core::ParamError;
use appfraud_features::FeatureError;
use polars::prelude::PolarsError;
use thiserror::Error;

/// Errors raised by `appfraud-train`.
///
/// Every variant names what was wrong with which input, so an embedder can match on it and a
/// binary can turn it into one clear sentence. Invalid input never panics; it returns one of
/// these.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum TrainError {
    /// An input that needs at least one row had none.
    #[error("{what} is empty; at least one row is required")]
    EmptyInput {
        /// Which input was empty (for example `"labels"`).
        what: &'static str,
    },

    /// Two inputs that must describe the same rows have different lengths.
    #[error("{what} has {found} rows but {expected} were expected (one per label)")]
    LengthMismatch {
        /// The input whose length is wrong (for example `"scores"`).
        what: &'static str,
        /// The length it must have (the number of labels).
        expected: usize,
        /// The length it has.
        found: usize,
    },

    /// The labels hold only one class, and the metric (or the model being fitted) is undefined
    /// without the other.
    #[error(
        "{metric} is undefined when the labels hold a single class \
         ({positives} positives, {negatives} negatives)"
    )]
    SingleClass {
        /// The metric or fitting function that was asked for (for example `"roc_auc"`,
        /// `"train_logistic"`).
        metric: &'static str,
        /// Number of positive labels seen.
        positives: usize,
        /// Number of negative labels seen.
        negatives: usize,
    },

    /// A value that must be a finite number was NaN or infinite.
    #[error("{what}[{index}] is {value}; a finite number is required")]
    NonFinite {
        /// The input holding the value (for example `"scores"`).
        what: &'static str,
        /// Row index of the first offending value.
        index: usize,
        /// The offending value.
        value: f64,
    },

    /// A value that must be a probability lay outside `[0, 1]`.
    #[error("{what}[{index}] is {value}; a probability in [0, 1] is required")]
    NotAProbability {
        /// The input holding the value (for example `"probabilities"`).
        what: &'static str,
        /// Row index of the first offending value.
        index: usize,
        /// The offending value.
        value: f64,
    },

    /// A training row weight was negative.
    #[error("weights[{index}] is {value}; a row weight must be ≥ 0")]
    NegativeWeight {
        /// Row index of the first negative weight.
        index: usize,
        /// The weight.
        value: f64,
    },

    /// Every row of one class has weight 0, so the weighted base rate is 0 or 1.
    #[error(
        "the {class} training rows all have weight 0; each class needs a positive total weight"
    )]
    WeightlessClass {
        /// `"positive"` or `"negative"`.
        class: &'static str,
    },

    /// A scalar argument lay outside its valid range.
    #[error("{name} = {value} is invalid; expected {expected}")]
    InvalidArgument {
        /// The argument's name as it appears in the function signature.
        name: &'static str,
        /// The value given, formatted.
        value: String,
        /// The valid range, in words (for example `"an integer in 1..=200"`).
        expected: String,
    },

    /// The data directory could not be read or turned into features (ingest, reference files or
    /// the feature pipeline); the feature crate's error says which file, column and row, and
    /// whether it is the user's to fix.
    #[error(transparent)]
    Features(#[from] FeatureError),

    /// A table operation (polars) failed on data that had already been validated: a bug, not
    /// bad input.
    #[error("internal error in a table operation: {reason}")]
    Polars {
        /// What polars reported.
        reason: String,
    },

    /// A plot of the model card could not be drawn (drawing into memory does not fail on any
    /// input; an error is a bug).
    #[error("internal error: cannot draw the {plot} plot: {reason}")]
    Plot {
        /// The plot (for example `"ROC"`).
        plot: &'static str,
        /// What the drawing library reported.
        reason: String,
    },

    /// An invariant of the library itself does not hold (for example a value that always
    /// serialises failed to): a bug, not bad input.
    #[error("internal error: {reason}")]
    Invariant {
        /// What does not hold.
        reason: String,
    },

    /// A table could not be read as Parquet or CSV.
    #[error("{file}: cannot be read as a table: {reason}")]
    UnreadableTable {
        /// The table's path.
        file: String,
        /// Why.
        reason: String,
    },

    /// A column named on the command line is not in the table.
    #[error("{file}: no column `{column}`")]
    UnknownColumn {
        /// The table's path.
        file: String,
        /// The column asked for.
        column: String,
    },

    /// A label value that is not a boolean, 0/1 or true/false/yes/no.
    #[error(
        "{file}: column `{column}`, row {row}: label {value:?} is not a boolean, 0/1 or true/false"
    )]
    BadLabel {
        /// The table's path.
        file: String,
        /// The label column.
        column: String,
        /// First offending row (0-based).
        row: usize,
        /// The value found.
        value: String,
    },

    /// A time value that is not a timestamp or date.
    #[error(
        "{file}: column `{column}`, row {row}: {value:?} is not an RFC 3339 timestamp or a YYYY-MM-DD date"
    )]
    BadTime {
        /// The table's path.
        file: String,
        /// The time column.
        column: String,
        /// First offending row (0-based).
        row: usize,
        /// The value found.
        value: String,
    },

    /// The model was trained on another FeatureSet than the pipeline computes.
    #[error(
        "the model's FeatureSet hash is {model} but the feature pipeline's is {pipeline}; \
         retrain the model with this version of appfraud"
    )]
    FeatureSetMismatch {
        /// The hash in the model.
        model: String,
        /// The hash of the pipeline.
        pipeline: String,
    },

    /// A file of a model directory could not be written.
    #[error("{file}: cannot write: {reason}")]
    Write {
        /// The file.
        file: String,
        /// Why.
        reason: String,
    },

    /// The data cannot make a dataset (for example, nothing labelled).
    #[error("cannot build a dataset: {reason}")]
    Data {
        /// Why.
        reason: String,
    },

    /// A LightGBM model file uses something appfraud cannot represent exactly (categorical
    /// splits, several classes, an objective other than `binary`, linear trees, …).
    #[error(
        "the LightGBM model {what}; appfraud imports numerical binary-classification trees only"
    )]
    LightGbmUnsupported {
        /// What the model uses, as a phrase (for example `"has categorical splits in tree 3"`).
        what: String,
    },

    /// A LightGBM model file is not valid LightGBM text format.
    #[error("LightGBM model line {line} ({key}): {reason}")]
    LightGbmMalformed {
        /// 1-based line of the model file.
        line: usize,
        /// The key of that line (for example `"threshold"`), or what was expected there.
        key: String,
        /// What is wrong.
        reason: String,
    },

    /// Columns a model needs are absent from a table.
    #[error("{file} has no column {}", missing.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", "))]
    MissingColumns {
        /// The table's path.
        file: String,
        /// The columns the model needs that the table lacks, in the model's order.
        missing: Vec<String>,
    },

    /// A row or matrix has a different number of features than the model was trained on.
    #[error("{what} has {found} features but the model was trained on {expected}")]
    FeatureCountMismatch {
        /// The input with the wrong width (for example `"row"`).
        what: &'static str,
        /// The number of features the model expects.
        expected: usize,
        /// The number of features given.
        found: usize,
    },

    /// The numerical solver of a model failed.
    #[error("fitting {model} failed: {reason}")]
    FitFailed {
        /// The model being fitted (for example `"logistic regression"`).
        model: &'static str,
        /// What the solver reported.
        reason: String,
    },

    /// A model read from a file is internally inconsistent (wrong lengths, non-finite
    /// parameters, ...).
    #[error("invalid {model}: {reason}")]
    InvalidModel {
        /// The kind of model (for example `"logistic model"`).
        model: &'static str,
        /// What is inconsistent.
        reason: String,
    },

    /// A parameter of a parameter table (GBDT, logistic regression, the top-level training
    /// keys) lay outside its valid range; the error names the table, the parameter, the value
    /// and the range.
    #[error(transparent)]
    InvalidParameter(#[from] ParamError),

    /// A configuration text could not be read as parameters (syntax, unknown key, wrong type).
    #[error("invalid model configuration: {message}")]
    InvalidConfig {
        /// What the parser reported, with the offending key or line.
        message: String,
    },

    /// A feature value was infinite; only finite values and `NaN` (missing) are accepted.
    #[error("{what}: feature {feature}, row {row} is {value}; a finite value or NaN is required")]
    NonFiniteFeature {
        /// The matrix or row holding the value (for example `"training features"`, `"row"`).
        what: &'static str,
        /// Column index of the feature.
        feature: usize,
        /// Row index of the first offending value in that column (0 for a single row).
        row: usize,
        /// The offending value.
        value: f32,
    },

    /// More rows than a model can index (row indices are 32-bit).
    #[error("{what} has {found} rows; at most {max} are supported")]
    TooManyRows {
        /// The input that is too large.
        what: &'static str,
        /// The number of rows given.
        found: usize,
        /// The largest supported number of rows.
        max: usize,
    },

    /// A model (for example one read from a file) is not a well-formed tree ensemble.
    #[error("invalid tree ensemble: tree {tree}, node {node}: {reason}")]
    InvalidTree {
        /// Index of the tree.
        tree: usize,
        /// Index of the node in that tree.
        node: usize,
        /// What is wrong.
        reason: &'static str,
    },

    /// The worker thread pool requested by `num_threads` could not be built.
    #[error("could not start {threads} training threads: {message}")]
    ThreadPool {
        /// The number of threads requested.
        threads: usize,
        /// The reason the pool could not be built.
        message: String,
    },
}

impl TrainError {
    /// Whether the user can fix it: bad input data, arguments, parameters or model files, or
    /// the environment (an unwritable output, threads that cannot start). `false` for internal
    /// failures: a solver that did not converge, a failed table operation on validated data, a
    /// plot that cannot be drawn, a broken invariant. A wrapped [`FeatureError`] answers for
    /// itself. The command line exits with 2 for the first and 1 for the second.
    pub fn is_user_error(&self) -> bool {
        match self {
            TrainError::Features(e) => e.is_user_error(),
            TrainError::EmptyInput { .. }
            | TrainError::LengthMismatch { .. }
            | TrainError::SingleClass { .. }
            | TrainError::NonFinite { .. }
            | TrainError::NotAProbability { .. }
            | TrainError::NegativeWeight { .. }
            | TrainError::WeightlessClass { .. }
            | TrainError::InvalidArgument { .. }
            | TrainError::UnreadableTable { .. }
            | TrainError::UnknownColumn { .. }
            | TrainError::BadLabel { .. }
            | TrainError::BadTime { .. }
            | TrainError::FeatureSetMismatch { .. }
            | TrainError::Write { .. }
            | TrainError::Data { .. }
            | TrainError::FeatureCountMismatch { .. }
            | TrainError::InvalidModel { .. }
            | TrainError::InvalidParameter { .. }
            | TrainError::InvalidConfig { .. }
            | TrainError::NonFiniteFeature { .. }
            | TrainError::TooManyRows { .. }
            | TrainError::InvalidTree { .. }
            | TrainError::LightGbmUnsupported { .. }
            | TrainError::LightGbmMalformed { .. }
            | TrainError::MissingColumns { .. }
            | TrainError::ThreadPool { .. } => true,
            TrainError::FitFailed { .. }
            | TrainError::Polars { .. }
            | TrainError::Plot { .. }
            | TrainError::Invariant { .. } => false,
        }
    }
}

impl From<PolarsError> for TrainError {
    fn from(e: PolarsError) -> Self {
        TrainError::Polars {
            reason: e.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use appfraud_features::IngestError;

    use super::*;

    #[test]
    fn a_wrapped_feature_error_keeps_its_message_and_its_classification() {
        let missing = FeatureError::Ingest(IngestError::MissingFile {
            dir: PathBuf::from("data"),
            stem: "applications",
        });
        let user = TrainError::from(missing.clone());
        assert_eq!(user, TrainError::Features(missing.clone()));
        assert_eq!(user.to_string(), missing.to_string());
        assert!(user.is_user_error());

        let bug = TrainError::from(FeatureError::Internal {
            reason: "a column vanished".into(),
        });
        assert!(!bug.is_user_error(), "{bug}");
    }

    #[test]
    fn library_failures_are_internal() {
        let polars = TrainError::from(PolarsError::ColumnNotFound("submitted_at".into()));
        assert!(matches!(polars, TrainError::Polars { .. }), "{polars:?}");
        assert!(polars.to_string().contains("submitted_at"), "{polars}");
        for e in [
            polars,
            TrainError::Plot {
                plot: "ROC",
                reason: "backend error".into(),
            },
            TrainError::Invariant {
                reason: "model.json cannot be serialised".into(),
            },
            TrainError::FitFailed {
                model: "logistic regression",
                reason: "no convergence".into(),
            },
        ] {
            assert!(!e.is_user_error(), "{e}");
        }
    }

    #[test]
    fn bad_input_and_environment_are_the_users() {
        for e in [
            TrainError::NonFiniteFeature {
                what: "training features",
                feature: 2,
                row: 7,
                value: f32::INFINITY,
            },
            TrainError::UnreadableTable {
                file: "t.csv".into(),
                reason: "not a table".into(),
            },
            TrainError::FeatureSetMismatch {
                model: "a".into(),
                pipeline: "b".into(),
            },
            TrainError::Write {
                file: "out/model.onnx".into(),
                reason: "permission denied".into(),
            },
        ] {
            assert!(e.is_user_error(), "{e}");
        }
    }
}
