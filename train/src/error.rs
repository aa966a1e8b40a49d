use appfraud_core::ParamError;
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

    /// The input data could not be read or breaks the input contract (the message names the
    /// file, column and row).
    #[error("{reason}")]
    Input {
        /// The reader's message.
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

    /// A feature value was infinite. Features must be finite numbers or `NaN` (missing).
    #[error(
        "feature {column} of row {row} is {value}; a finite number or NaN (missing) is required"
    )]
    InfiniteFeature {
        /// Index of the feature (column).
        column: usize,
        /// Index of the row (0 for a single-row call).
        row: usize,
        /// The offending value.
        value: f32,
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
        /// The matrix holding the value (for example `"training features"`).
        what: &'static str,
        /// Column index of the feature.
        feature: usize,
        /// Row index of the first offending value in that column.
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
    /// Whether the user can fix it (input, arguments, files) rather than a failure inside a
    /// solver.
    pub fn is_user_error(&self) -> bool {
        !matches!(self, TrainError::FitFailed { .. })
    }

    /// Wraps a reader's error (ingest or feature pipeline) as [`TrainError::Input`].
    pub fn input(e: impl std::fmt::Display) -> TrainError {
        TrainError::Input {
            reason: e.to_string(),
        }
    }
}
