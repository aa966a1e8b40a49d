use std::path::PathBuf;

use thiserror::Error;

/// Why a data directory could not be read. Each variant names the file, and where it applies
/// the column and the first offending row (0-based, in file order).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum IngestError {
    /// A required table is absent (neither `.parquet` nor `.csv`).
    #[error("{dir}: required file {stem}.parquet (or {stem}.csv) is missing")]
    MissingFile { dir: PathBuf, stem: &'static str },
    /// The file exists but cannot be read as a table.
    #[error("{file}: cannot be read: {reason}")]
    Unreadable { file: PathBuf, reason: String },
    /// A required column is absent.
    #[error("{file}: required column `{column}` is missing")]
    MissingColumn { file: PathBuf, column: &'static str },
    /// A column has another type than the contract declares.
    #[error("{file}: column `{column}` has type {found}, expected {expected}")]
    WrongType {
        file: PathBuf,
        column: &'static str,
        expected: &'static str,
        found: String,
    },
    /// The file holds no data at all (zero bytes, or no header).
    #[error("{file}: the file is empty")]
    Empty { file: PathBuf },
    /// The file ends in the middle of a record or structure.
    #[error("{file}: the file is truncated near row {row}: {reason}")]
    Truncated {
        file: PathBuf,
        row: usize,
        reason: String,
    },
    /// A CSV record has another number of fields than the header.
    #[error("{file}: row {row} has {found} fields, but the header has {expected}")]
    RaggedRow {
        file: PathBuf,
        row: usize,
        expected: usize,
        found: usize,
    },
    /// Bytes that are not UTF-8 where text is expected (`row` is `None` for the header).
    #[error("{file}: column `{column}` is not valid UTF-8{}", row.map(|r| format!(" at row {r}")).unwrap_or_default())]
    InvalidUtf8 {
        file: PathBuf,
        column: String,
        row: Option<usize>,
    },
    /// A value that must be unique appears twice.
    #[error("{file}: column `{column}` repeats the value at row {first_row} in row {row}")]
    Duplicate {
        file: PathBuf,
        column: &'static str,
        row: usize,
        first_row: usize,
    },
    /// A non-nullable column holds a null.
    #[error("{file}: column `{column}` is null at row {row}, but it may not be null")]
    NullValue {
        file: PathBuf,
        column: &'static str,
        row: usize,
    },
}
