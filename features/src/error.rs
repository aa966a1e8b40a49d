use std::path::PathBuf;

use thiserror::Error;

/// Why a data directory or a reference file could not be read. Each variant names the file, and
/// where it applies the column and the first offending row.
///
/// `row` is always a 0-based data row in file order: the first record after a CSV header is
/// row 0. `line` (CSV syntax only) is the 1-based physical line of the text, because a syntax
/// error can sit in the header or inside a quoted field that spans lines.
#[derive(Debug, Clone, PartialEq, Error)]
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
    /// A CSV file is not well-formed RFC 4180: a quote never closed, a quote inside an unquoted
    /// field, text after a closing quote, a record with another number of fields than the
    /// header, or a column named twice in the header.
    #[error("{file}: line {line}: malformed CSV: {reason}")]
    MalformedCsv {
        file: PathBuf,
        line: usize,
        reason: String,
    },
    /// A reference file's header lacks a required column: absent or spelled differently (names
    /// are exact and case-sensitive). An empty file has the empty header.
    #[error("{file}: header has no column `{column}` (header is {header:?})")]
    MissingHeaderColumn {
        file: PathBuf,
        column: &'static str,
        header: String,
    },
    /// A value is not a CIDR network `address/prefix`: no `/`, an address that is neither IPv4
    /// nor IPv6, a prefix that is not a plain decimal number, host bits set below the prefix
    /// (`10.0.0.1/8`), or an IPv4-mapped IPv6 range (those addresses are looked up as IPv4).
    #[error("{file}: row {row}, column `{column}`: {value:?} is not a CIDR network: {reason}")]
    MalformedCidr {
        file: PathBuf,
        row: usize,
        column: &'static str,
        value: String,
        reason: String,
    },
    /// A CIDR prefix length is larger than its address family allows (`max`: 32 or 128).
    #[error(
        "{file}: row {row}, column `{column}`: prefix length of {value:?} is out of range 0..={max}"
    )]
    PrefixOutOfRange {
        file: PathBuf,
        row: usize,
        column: &'static str,
        value: String,
        max: u8,
    },
    /// A value that must be one of a closed set (an IP range `kind`) is something else.
    #[error(
        "{file}: row {row}, column `{column}`: unknown value {value:?}; expected one of: {expected}"
    )]
    UnknownKind {
        file: PathBuf,
        row: usize,
        column: &'static str,
        value: String,
        expected: String,
    },
    /// A value breaks its column's rule (for example an ASN that is not a 32-bit decimal number,
    /// a country that is not two upper-case letters, an empty required text).
    #[error("{file}: row {row}, column `{column}`: invalid value {value:?}: {reason}")]
    InvalidValue {
        file: PathBuf,
        row: usize,
        column: &'static str,
        value: String,
        reason: String,
    },
    /// The same CIDR network (`value`, as written at `row`) appears again with different data;
    /// `column` is the first column that differs from `first_row`. Exact repeats are accepted.
    #[error(
        "{file}: row {row}: network {value:?} repeats row {first_row} with a different `{column}`"
    )]
    ConflictingDuplicate {
        file: PathBuf,
        row: usize,
        first_row: usize,
        column: &'static str,
        value: String,
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
}

/// Why a feature frame or a history snapshot could not be built or written.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum FeatureError {
    /// The input data or a reference file is unreadable or breaks the contract.
    #[error(transparent)]
    Ingest(#[from] IngestError),
    /// The feature frame could not be written.
    #[error("{file}: cannot write the feature frame: {reason}")]
    Write { file: PathBuf, reason: String },
    /// An application appended to a snapshot is already in it.
    #[error("application `{application_id}` is already in the history snapshot")]
    DuplicateApplication { application_id: String },
    /// A label or telemetry appended to a snapshot names an application it does not hold.
    #[error("application `{application_id}` is not in the history snapshot")]
    UnknownApplication { application_id: String },
    /// An internal step failed on data that ingest had accepted: a bug, not bad input.
    #[error("internal error while building features: {reason}")]
    Internal { reason: String },
}

impl FeatureError {
    /// Whether the error is the user's to fix (bad input, unwritable output) rather than a bug.
    pub fn is_user_error(&self) -> bool {
        match self {
            FeatureError::Ingest(_)
            | FeatureError::Write { .. }
            | FeatureError::DuplicateApplication { .. }
            | FeatureError::UnknownApplication { .. } => true,
            FeatureError::Internal { .. } => false,
        }
    }
}

impl From<polars::prelude::PolarsError> for FeatureError {
    fn from(e: polars::prelude::PolarsError) -> Self {
        FeatureError::Internal {
            reason: e.to_string(),
        }
    }
}
