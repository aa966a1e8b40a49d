use std::path::PathBuf;

use appfraud_core::ParamError;
use thiserror::Error;

/// Errors of the synthetic data generator.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SynthError {
    /// A generation parameter is outside its valid range.
    #[error(transparent)]
    InvalidParameter(#[from] ParamError),
    /// The output directory or a file in it could not be written.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The directory or file that could not be created or written.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// Building or writing a Parquet table failed.
    #[error("cannot write table {path}: {reason}")]
    Table {
        /// The Parquet file being written.
        path: PathBuf,
        /// What went wrong, as reported by the table library.
        reason: String,
    },
}

impl SynthError {
    /// Whether the error was caused by the caller's input (parameters, output location) rather
    /// than by a fault of the generator.
    pub fn is_user_error(&self) -> bool {
        matches!(
            self,
            SynthError::InvalidParameter(_) | SynthError::Io { .. }
        )
    }
}
