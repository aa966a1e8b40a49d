use std::path::PathBuf;

use thiserror::Error;

/// Why a data directory or a reference file could not be read. Each variant names the file, and
/// where it applies the column and the first offending row.
///
/// `row` is always a 0-based data row in file order: the first record after a CSV header is
/// row 0 (blank lines are not rows). `line` (CSV files only) is the 1-based physical line of the
/// offending byte, because an error can sit in the header or inside a quoted field that spans
/// lines.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum IngestError {
    /// A required table is absent (neither `.parquet` nor `.csv`).
    #[error("{dir}: required file {stem}.parquet (or {stem}.csv) is missing")]
    MissingFile {
        /// The data directory that lacks the table.
        dir: PathBuf,
        /// The table's file name without extension, relative to `dir` (`applications`).
        stem: &'static str,
    },
    /// The file exists but cannot be read as a table.
    #[error("{file}: cannot be read: {reason}")]
    Unreadable {
        /// The file that could not be read; the data directory when applying the
        /// questionable-value policy to its tables failed.
        file: PathBuf,
        /// What went wrong, as reported by the reader.
        reason: String,
    },
    /// A required column is absent.
    #[error("{file}: required column `{column}` is missing")]
    MissingColumn {
        /// The table that lacks the column.
        file: PathBuf,
        /// The name of the required column.
        column: &'static str,
    },
    /// A column has another type than the contract declares.
    #[error("{file}: column `{column}` has type {found}, expected {expected}")]
    WrongType {
        /// The table holding the column.
        file: PathBuf,
        /// The column whose type is wrong.
        column: &'static str,
        /// The type the contract declares for the column.
        expected: &'static str,
        /// The type the file has (for CSV, where the text did not parse as `expected`).
        found: String,
    },
    /// The file holds no data at all: zero bytes, or (CSV) no header record, only blank lines
    /// and a byte-order mark.
    #[error("{file}: the file is empty")]
    Empty {
        /// The empty file.
        file: PathBuf,
    },
    /// A CSV record (starting at `line`) has another number of fields than the header.
    #[error("{file}: line {line}, row {row}: {found} fields, but the header has {expected}")]
    RaggedRow {
        /// The CSV file holding the record.
        file: PathBuf,
        /// The 1-based line on which the record starts.
        line: u64,
        /// The 0-based data row of the record.
        row: usize,
        /// The number of fields in the header.
        expected: usize,
        /// The number of fields in the record.
        found: usize,
    },
    /// CSV bytes that are not UTF-8, at `line`, in `column` of data row `row`; both are `None`
    /// in the header.
    #[error("{file}: line {line}{}: not valid UTF-8", place(*row, column.as_deref()))]
    InvalidUtf8 {
        /// The CSV file holding the bytes.
        file: PathBuf,
        /// The 1-based line of the first invalid byte.
        line: u64,
        /// The 0-based data row of the invalid field; `None` in the header.
        row: Option<usize>,
        /// The column of the invalid field; `None` in the header.
        column: Option<String>,
    },
    /// A value that must be unique appears twice.
    #[error("{file}: column `{column}` repeats the value at row {first_row} in row {row}")]
    Duplicate {
        /// The table holding the column.
        file: PathBuf,
        /// The column whose values must be unique.
        column: &'static str,
        /// The 0-based data row where the value appears again.
        row: usize,
        /// The 0-based data row where the value first appears.
        first_row: usize,
    },
    /// A non-nullable column holds a null.
    #[error("{file}: column `{column}` is null at row {row}, but it may not be null")]
    NullValue {
        /// The table holding the column.
        file: PathBuf,
        /// The non-nullable column.
        column: &'static str,
        /// The 0-based data row of the first null.
        row: usize,
    },
    /// A CSV file is not well-formed RFC 4180 text, or its header names a required column twice
    /// ([`CsvSyntax`] says which). `line` is the line of the offending byte (of the opening quote
    /// for a quote never closed); `row` and `column` locate the field in a data record, `row` is
    /// `None` in the header, where `column` is only known for a column named twice.
    #[error("{file}: line {line}{}: malformed CSV: {problem}", place(*row, column.as_deref()))]
    MalformedCsv {
        /// The malformed CSV file.
        file: PathBuf,
        /// The 1-based line of the offending byte (of the opening quote for an unclosed one).
        line: u64,
        /// The 0-based data row of the offending field; `None` in the header.
        row: Option<usize>,
        /// The column of the offending field, or the column the header names twice; `None` when
        /// unknown.
        column: Option<String>,
        /// What is wrong with the text.
        problem: CsvSyntax,
    },
    /// A CSV file's header lacks a required column: absent or spelled differently (names are
    /// exact and case-sensitive).
    #[error("{file}: header has no column `{column}` (header is {header:?})")]
    MissingHeaderColumn {
        /// The CSV file whose header lacks the column.
        file: PathBuf,
        /// The name of the required column.
        column: &'static str,
        /// The header as read, its names joined by commas.
        header: String,
    },
    /// A value is not a CIDR network `address/prefix`: no `/`, an address that is neither IPv4
    /// nor IPv6, a prefix that is not a plain decimal number, host bits set below the prefix
    /// (`10.0.0.1/8`), or an IPv4-mapped IPv6 range (those addresses are looked up as IPv4).
    #[error("{file}: row {row}, column `{column}`: {value:?} is not a CIDR network: {reason}")]
    MalformedCidr {
        /// The reference file holding the value.
        file: PathBuf,
        /// The 0-based data row of the value.
        row: usize,
        /// The column of the value.
        column: &'static str,
        /// The text that is not a CIDR network.
        value: String,
        /// Which part of the network is wrong.
        reason: String,
    },
    /// A CIDR prefix length is larger than its address family allows (`max`: 32 or 128).
    #[error(
        "{file}: row {row}, column `{column}`: prefix length of {value:?} is out of range 0..={max}"
    )]
    PrefixOutOfRange {
        /// The reference file holding the value.
        file: PathBuf,
        /// The 0-based data row of the value.
        row: usize,
        /// The column of the value.
        column: &'static str,
        /// The CIDR network as written.
        value: String,
        /// The largest prefix length of the address family: 32 for IPv4, 128 for IPv6.
        max: u8,
    },
    /// A value that must be one of a closed set (an IP range `kind`) is something else.
    #[error(
        "{file}: row {row}, column `{column}`: unknown value {value:?}; expected one of: {expected}"
    )]
    UnknownKind {
        /// The reference file holding the value.
        file: PathBuf,
        /// The 0-based data row of the value.
        row: usize,
        /// The column of the value.
        column: &'static str,
        /// The value that is none of the accepted ones.
        value: String,
        /// The accepted values, comma-separated.
        expected: String,
    },
    /// A value breaks its column's rule (for example an ASN that is not a 32-bit decimal number,
    /// a country that is not two upper-case letters, an empty required text).
    #[error("{file}: row {row}, column `{column}`: invalid value {value:?}: {reason}")]
    InvalidValue {
        /// The file holding the value.
        file: PathBuf,
        /// The 0-based data row of the value.
        row: usize,
        /// The column of the value.
        column: &'static str,
        /// The offending value as written.
        value: String,
        /// The rule the value breaks.
        reason: String,
    },
    /// The same CIDR network (`value`, as written at `row`) appears again with different data;
    /// `column` is the first column that differs from `first_row`. Exact repeats are accepted.
    #[error(
        "{file}: row {row}: network {value:?} repeats row {first_row} with a different `{column}`"
    )]
    ConflictingDuplicate {
        /// The reference file holding the network.
        file: PathBuf,
        /// The 0-based data row where the network appears again.
        row: usize,
        /// The 0-based data row where the network first appears.
        first_row: usize,
        /// The first column whose value differs between the two rows.
        column: &'static str,
        /// The CIDR network as written at `row`.
        value: String,
    },
}

/// What is wrong with the text of a CSV file (see [`IngestError::MalformedCsv`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CsvSyntax {
    /// A quoted field whose closing quote never comes: the file ends inside it.
    #[error("a quoted field is never closed")]
    UnclosedQuote,
    /// A `"` inside a field that does not start with one.
    #[error("quote inside an unquoted field (quote the whole field and double the inner quotes)")]
    QuoteInUnquotedField,
    /// Anything but `,` or a line end right after a closing quote.
    #[error("text after a closing quote")]
    TextAfterClosingQuote,
    /// A carriage return outside quotes that no line feed follows (lines end with LF or CRLF).
    #[error("a carriage return outside quotes is not followed by a line feed")]
    BareCarriageReturn,
    /// The header names a required column more than once.
    #[error("the header names the column more than once")]
    DuplicateColumn,
}

/// `, row R, column `C`` / `, header` for CSV errors.
fn place(row: Option<usize>, column: Option<&str>) -> String {
    match (row, column) {
        (Some(row), Some(column)) => format!(", row {row}, column `{column}`"),
        (Some(row), None) => format!(", row {row}"),
        (None, Some(column)) => format!(", header column `{column}`"),
        (None, None) => ", header".to_string(),
    }
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
    Write {
        /// The file that could not be written.
        file: PathBuf,
        /// What went wrong, as reported by the writer.
        reason: String,
    },
    /// An application appended to a snapshot is already in it.
    #[error("application `{application_id}` is already in the history snapshot")]
    DuplicateApplication {
        /// The id of the application already in the snapshot.
        application_id: String,
    },
    /// A label or telemetry appended to a snapshot names an application it does not hold.
    #[error("application `{application_id}` is not in the history snapshot")]
    UnknownApplication {
        /// The id the label or telemetry names.
        application_id: String,
    },
    /// A data directory appended to a history snapshot holds an application the snapshot
    /// already holds.
    #[error(
        "{dir}: applications row {row}: column `application_id` names an application the history snapshot already holds"
    )]
    HeldApplication {
        /// The data directory.
        dir: PathBuf,
        /// The 0-based row of `applications`.
        row: usize,
    },
    /// A history snapshot file was refused or could not be written.
    #[error("{file}: {problem}")]
    Snapshot {
        /// The snapshot file.
        file: PathBuf,
        /// What is wrong with it.
        problem: crate::pipeline::snapshot::SnapshotFileError,
    },
    /// An internal step failed on data that ingest had accepted: a bug, not bad input.
    #[error("internal error while building features: {reason}")]
    Internal {
        /// What failed, for a bug report.
        reason: String,
    },
}

impl FeatureError {
    /// Whether the error is the user's to fix (bad input, unwritable output) rather than a bug.
    pub fn is_user_error(&self) -> bool {
        match self {
            FeatureError::Ingest(_)
            | FeatureError::Write { .. }
            | FeatureError::DuplicateApplication { .. }
            | FeatureError::UnknownApplication { .. }
            | FeatureError::HeldApplication { .. }
            | FeatureError::Snapshot { .. } => true,
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
