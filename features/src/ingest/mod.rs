//! Reading and validating the tables of a data directory.

use std::fs::File;
use std::path::{Path, PathBuf};

use appfraud_core::schema::{self, ColumnSpec, ColumnType, TableSpec};
use polars::prelude::*;

use crate::IngestError;

mod csv;
mod policy;

pub use policy::{IngestReport, Policy, RecordIssue, ValueIssue, record_issues, telemetry_issues};

/// The validated tables of a data directory, restricted to the contract's columns in contract
/// order (extra columns are ignored, as `docs/input-contract.md` says).
#[derive(Debug, Clone)]
pub struct RawFrames {
    /// `applications`.
    pub applications: DataFrame,
    /// `telemetry`, if the directory has it.
    pub telemetry: Option<DataFrame>,
    /// `labels`, if the directory has it.
    pub labels: Option<DataFrame>,
    /// Questionable values found and what was done with them (see the policy table of
    /// [`IngestReport`]'s module).
    pub report: IngestReport,
}

/// Reads and validates the tables of data directory `dir`.
pub fn read_data_dir(dir: &Path) -> Result<RawFrames, IngestError> {
    read_data_dir_extending(dir, &|_| None, &[])
}

/// Contract columns that no feature reads: the feature pipeline checks their type in a Parquet
/// file's schema but does not decode them (`user_agent` is a sixth of a generated
/// applications table). A CSV file is parsed whole, so there they are read and then dropped.
pub(crate) const UNREAD_BY_FEATURES: &[&str] = &["user_agent"];

/// Reads and validates the tables of data directory `dir`, which extends a history held
/// elsewhere: `held` gives the `submitted_at` of an application the directory's telemetry or
/// labels may name without holding it, so those rows are kept instead of excluded. The
/// nullable columns named in `unread` are validated but left out of the frames (see
/// [`UNREAD_BY_FEATURES`]).
pub(crate) fn read_data_dir_extending(
    dir: &Path,
    held: &(dyn Fn(&str) -> Option<i64> + Sync),
    unread: &[&str],
) -> Result<RawFrames, IngestError> {
    let applications = read_table_without(dir, &schema::APPLICATIONS, unread)?.ok_or(
        IngestError::MissingFile {
            dir: dir.to_path_buf(),
            stem: schema::APPLICATIONS.stem,
        },
    )?;
    let mut applications = applications;
    let mut telemetry = read_table_without(dir, &schema::TELEMETRY, unread)?;
    let mut labels = read_table_without(dir, &schema::LABELS, unread)?;
    let report =
        policy::apply(&mut applications, &mut telemetry, &mut labels, held).map_err(|e| {
            IngestError::Unreadable {
                file: dir.to_path_buf(),
                reason: e.to_string(),
            }
        })?;
    Ok(RawFrames {
        applications,
        telemetry,
        labels,
        report,
    })
}

/// Reads table `spec` from `dir` (Parquet preferred, else CSV) and validates it; `Ok(None)` when
/// an optional table is absent, [`IngestError::MissingFile`] when a required one is.
pub fn read_table(dir: &Path, spec: &TableSpec) -> Result<Option<DataFrame>, IngestError> {
    read_table_without(dir, spec, &[])
}

/// [`read_table`] leaving out the nullable columns of `spec` named in `unread`: a Parquet file
/// is decoded for the other contract columns only (extra columns are not decoded either), and
/// the type of an unread column is checked in its schema.
fn read_table_without(
    dir: &Path,
    spec: &TableSpec,
    unread: &[&str],
) -> Result<Option<DataFrame>, IngestError> {
    let unread: Vec<&ColumnSpec> = spec
        .columns
        .iter()
        .filter(|c| c.nullable && unread.contains(&c.name))
        .collect();
    let parquet = dir.join(spec.parquet_file());
    let csv = dir.join(spec.csv_file());
    for path in [&parquet, &csv] {
        if std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() == 0) {
            return Err(IngestError::Empty { file: path.clone() });
        }
    }
    let (file, df) = if parquet.is_file() {
        let df = read_parquet(&parquet, spec, &unread)?;
        (parquet, df)
    } else if csv.is_file() {
        let df = csv::read_csv(&csv, spec)?;
        (csv, df)
    } else if spec.required {
        return Err(IngestError::MissingFile {
            dir: dir.to_path_buf(),
            stem: spec.stem,
        });
    } else {
        return Ok(None);
    };
    let df = validate(&file, df, spec, &unread)?;
    if spec.stem == schema::APPLICATIONS.stem {
        if df.height() == 0 {
            return Err(IngestError::Empty { file });
        }
        check_unique(&file, &df, "application_id")?;
    }
    Ok(Some(df))
}

/// Fails with [`IngestError::Duplicate`] at the first repeated value of `column`.
fn check_unique(file: &Path, df: &DataFrame, column: &'static str) -> Result<(), IngestError> {
    let values = df
        .column(column)
        .and_then(|c| c.str().cloned())
        .map_err(|e| IngestError::Unreadable {
            file: file.to_path_buf(),
            reason: e.to_string(),
        })?;
    // Ids are input data: a seeded fast hash (foldhash), not SipHash, and not a fixed seed.
    let mut seen: std::collections::HashMap<&str, usize, foldhash::fast::RandomState> =
        std::collections::HashMap::with_capacity_and_hasher(values.len(), Default::default());
    for (row, v) in values.iter().enumerate() {
        if let Some(v) = v {
            if let Some(&first_row) = seen.get(v) {
                return Err(IngestError::Duplicate {
                    file: file.to_path_buf(),
                    column,
                    row,
                    first_row,
                });
            }
            seen.insert(v, row);
        }
    }
    Ok(())
}

fn type_matches(col: &ColumnSpec, dtype: &DataType) -> bool {
    match (col.ty, dtype) {
        (ColumnType::TimestampUs, DataType::Datetime(TimeUnit::Microseconds, Some(tz))) => {
            tz.as_str() == "UTC"
        }
        (ColumnType::Utf8, DataType::String) => true,
        (ColumnType::Int32, DataType::Int32) => true,
        (ColumnType::Float32, DataType::Float32) => true,
        (ColumnType::Bool, DataType::Boolean) => true,
        _ => false,
    }
}

/// Reads the contract columns of the Parquet file `path` but those of `unread`, whose types
/// are checked in the file's schema.
fn read_parquet(
    path: &Path,
    spec: &TableSpec,
    unread: &[&ColumnSpec],
) -> Result<DataFrame, IngestError> {
    let unreadable = |e: PolarsError| IngestError::Unreadable {
        file: path.to_path_buf(),
        reason: format!("not a readable Parquet file (truncated or corrupt): {e}"),
    };
    let f = File::open(path).map_err(|e| IngestError::Unreadable {
        file: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    let mut reader = ParquetReader::new(f);
    let file_schema = reader.schema().map_err(unreadable)?;
    let mut read = Vec::with_capacity(spec.columns.len());
    for col in spec.columns {
        let Some(field) = file_schema.get(col.name) else {
            // Left for `validate` to name as missing.
            continue;
        };
        if unread.iter().any(|u| u.name == col.name) {
            let dtype = DataType::from_arrow_field(field);
            if !type_matches(col, &dtype) {
                return Err(IngestError::WrongType {
                    file: path.to_path_buf(),
                    column: col.name,
                    expected: col.ty.name(),
                    found: dtype.to_string(),
                });
            }
        } else {
            read.push(col.name.to_string());
        }
    }
    reader.with_columns(Some(read)).finish().map_err(unreadable)
}

/// Checks `df` against `spec` and keeps the contract's columns in contract order; the columns
/// of `unread` are left out when absent (a Parquet reader already checked their type), and
/// dropped when present (a CSV file).
fn validate(
    file: &Path,
    df: DataFrame,
    spec: &TableSpec,
    unread: &[&ColumnSpec],
) -> Result<DataFrame, IngestError> {
    let file: PathBuf = file.to_path_buf();
    let mut columns = Vec::with_capacity(spec.columns.len());
    for col in spec.columns {
        let skipped = unread.iter().any(|u| u.name == col.name);
        if skipped && df.column(col.name).is_err() {
            continue;
        }
        let Ok(c) = df.column(col.name) else {
            return Err(IngestError::MissingColumn {
                file,
                column: col.name,
            });
        };
        if !type_matches(col, c.dtype()) {
            return Err(IngestError::WrongType {
                file,
                column: col.name,
                expected: col.ty.name(),
                found: c.dtype().to_string(),
            });
        }
        if !col.nullable && c.null_count() > 0 {
            let nulls = c.is_null();
            let row = nulls.iter().position(|n| n == Some(true)).unwrap_or(0);
            return Err(IngestError::NullValue {
                file,
                column: col.name,
                row,
            });
        }
        if !skipped {
            columns.push(c.clone());
        }
    }
    DataFrame::new(df.height(), columns).map_err(|e| IngestError::Unreadable {
        file,
        reason: e.to_string(),
    })
}

/// Reads any Parquet or CSV table (by extension; CSV with a header, types inferred from the
/// first 10,000 rows), without a contract: the generic `--table` mode of training and scoring.
/// [`IngestError::Unreadable`] for another extension or unreadable contents,
/// [`IngestError::Empty`] for a table without rows.
pub fn read_generic_table(path: &Path) -> Result<DataFrame, IngestError> {
    let unreadable = |reason: String| IngestError::Unreadable {
        file: path.to_path_buf(),
        reason,
    };
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default();
    let f = std::fs::File::open(path).map_err(|e| unreadable(e.to_string()))?;
    let df = match ext {
        "parquet" => ParquetReader::new(f)
            .finish()
            .map_err(|e| unreadable(e.to_string()))?,
        "csv" => CsvReadOptions::default()
            .with_has_header(true)
            .with_infer_schema_length(Some(10_000))
            .into_reader_with_file_handle(f)
            .finish()
            .map_err(|e| unreadable(e.to_string()))?,
        _ => return Err(unreadable("expected a .parquet or .csv file".into())),
    };
    if df.height() == 0 {
        return Err(IngestError::Empty {
            file: path.to_path_buf(),
        });
    }
    Ok(df)
}
