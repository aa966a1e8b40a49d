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
    /// A non-nullable column holds a null.
    #[error("{file}: column `{column}` is null at row {row}, but it may not be null")]
    NullValue {
        file: PathBuf,
        column: &'static str,
        row: usize,
    },
    /// The header line of a CSV file is absent (empty file), cannot be split into fields, or
    /// names a required column more than once.
    #[error("{file}: bad header: {reason}")]
    BadHeader { file: PathBuf, reason: String },
    /// A CSV record cannot be split into fields: a quote left open, text after a closing quote, a
    /// quote inside an unquoted field, or another number of fields than the header. `row`
    /// counts data records (a quoted line break does not start a new row; blank lines are not
    /// rows).
    #[error("{file}: row {row}: malformed CSV record: {reason}")]
    MalformedRow {
        file: PathBuf,
        row: usize,
        reason: String,
    },
    /// A value breaks the contract of its column, e.g. an institution name that is empty once
    /// normalised or a country that is not two letters.
    #[error("{file}: column `{column}` at row {row}: {reason}")]
    InvalidValue {
        file: PathBuf,
        column: &'static str,
        row: usize,
        reason: String,
    },
}
