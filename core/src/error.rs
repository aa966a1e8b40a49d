use thiserror::Error;

/// Errors raised by the shared types themselves (parsing of enumerated values).
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CoreError {
    /// A value that must be one of a closed set was something else.
    #[error("unknown {what} {found:?}; expected one of: {expected}")]
    UnknownVariant {
        /// What kind of value was being parsed (`"feature family"`, `"ip range kind"`).
        what: &'static str,
        /// The text that matched none of the accepted spellings.
        found: String,
        /// The accepted spellings, comma-separated.
        expected: String,
    },
    /// Two features of one set share a name.
    #[error("feature {name:?} appears twice in the feature set")]
    DuplicateFeature {
        /// The name that occurs more than once.
        name: String,
    },
    /// A feature name is empty or holds a tab or line break.
    #[error("invalid feature name {name:?}: it must be non-empty without tabs or line breaks")]
    InvalidFeatureName {
        /// The rejected name.
        name: String,
    },
}
