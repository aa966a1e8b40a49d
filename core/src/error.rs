use thiserror::Error;

/// Errors raised by the shared types themselves (parsing of enumerated values).
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CoreError {
    /// A value that must be one of a closed set was something else.
    #[error("unknown {what} {found:?}; expected one of: {expected}")]
    UnknownVariant {
        what: &'static str,
        found: String,
        expected: String,
    },
    /// Two features of one set share a name.
    #[error("feature {name:?} appears twice in the feature set")]
    DuplicateFeature { name: String },
    /// A feature name is empty or holds a tab or line break.
    #[error("invalid feature name {name:?}: it must be non-empty without tabs or line breaks")]
    InvalidFeatureName { name: String },
}
