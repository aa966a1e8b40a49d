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

    /// The labels hold only one class, and the metric is undefined without the other.
    #[error(
        "{metric} is undefined when the labels hold a single class \
         ({positives} positives, {negatives} negatives)"
    )]
    SingleClass {
        /// The metric that was asked for (for example `"roc_auc"`).
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

    /// A model parameter lay outside its valid range (see `parameter_docs`).
    #[error("parameter {name} = {value} is invalid; expected {expected}")]
    InvalidParameter {
        /// The parameter's name as in the configuration file.
        name: &'static str,
        /// The value given, formatted.
        value: String,
        /// The valid range, in words.
        expected: String,
    },

    /// A configuration text could not be read as parameters (syntax, unknown key, wrong type).
    #[error("invalid model configuration: {message}")]
    InvalidConfig {
        /// What the parser reported, with the offending key or line.
        message: String,
    },

    /// An input that describes features has the wrong number of them.
    #[error("{what} has {found} features but {expected} were expected")]
    FeatureCountMismatch {
        /// The input with the wrong count (for example `"monotone_constraints"`).
        what: &'static str,
        /// The number of features of the training matrix or model.
        expected: usize,
        /// The number given.
        found: usize,
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
    #[error("invalid model: tree {tree}, node {node}: {reason}")]
    InvalidModel {
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
