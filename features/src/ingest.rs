//! Reading and validating the tables of a data directory.

use std::fs::File;
use std::path::{Path, PathBuf};

use appfraud_core::schema::{self, ColumnSpec, ColumnType, TableSpec};
use polars::prelude::*;

use crate::IngestError;

/// The validated tables of a data directory, restricted to the contract's columns in contract
/// order (extra columns are ignored, as `SCHEMA.md` says).
#[derive(Debug, Clone)]
pub struct RawFrames {
    /// `applications`.
    pub applications: DataFrame,
    /// `telemetry`, if the directory has it.
    pub telemetry: Option<DataFrame>,
    /// `labels`, if the directory has it.
    pub labels: Option<DataFrame>,
}

/// Reads and validates the tables of data directory `dir`.
pub fn read_data_dir(dir: &Path) -> Result<RawFrames, IngestError> {
    let applications = read_table(dir, &schema::APPLICATIONS)?.ok_or(IngestError::MissingFile {
        dir: dir.to_path_buf(),
        stem: schema::APPLICATIONS.stem,
    })?;
    Ok(RawFrames {
        applications,
        telemetry: read_table(dir, &schema::TELEMETRY)?,
        labels: read_table(dir, &schema::LABELS)?,
    })
}

/// Reads table `spec` from `dir` (Parquet preferred, else CSV) and validates it; `Ok(None)` when
/// an optional table is absent, [`IngestError::MissingFile`] when a required one is.
pub fn read_table(dir: &Path, spec: &TableSpec) -> Result<Option<DataFrame>, IngestError> {
    let parquet = dir.join(spec.parquet_file());
    let csv = dir.join(spec.csv_file());
    let (file, df) = if parquet.is_file() {
        let df = File::open(&parquet)
            .map_err(|e| e.to_string())
            .and_then(|f| ParquetReader::new(f).finish().map_err(|e| e.to_string()))
            .map_err(|reason| IngestError::Unreadable {
                file: parquet.clone(),
                reason,
            })?;
        (parquet, df)
    } else if csv.is_file() {
        let df = read_csv(&csv, spec)?;
        (csv, df)
    } else if spec.required {
        return Err(IngestError::MissingFile {
            dir: dir.to_path_buf(),
            stem: spec.stem,
        });
    } else {
        return Ok(None);
    };
    validate(&file, df, spec).map(Some)
}

/// CSV: every column is read as text, then cast to its contract type; a value that does not
/// parse is reported with its row.
fn read_csv(file: &Path, spec: &TableSpec) -> Result<DataFrame, IngestError> {
    let unreadable = |e: PolarsError| IngestError::Unreadable {
        file: file.to_path_buf(),
        reason: e.to_string(),
    };
    let raw = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .try_into_reader_with_file_path(Some(file.to_path_buf()))
        .and_then(|r| r.finish())
        .map_err(unreadable)?;
    let mut columns = Vec::with_capacity(spec.columns.len());
    for col in spec.columns {
        let Ok(text) = raw.column(col.name) else {
            return Err(IngestError::MissingColumn {
                file: file.to_path_buf(),
                column: col.name,
            });
        };
        let text = text.as_materialized_series();
        let target = polars_type(col.ty);
        let cast = match col.ty {
            ColumnType::TimestampUs => parse_timestamps(text),
            ColumnType::Bool => parse_bools(text),
            _ => text.strict_cast(&target),
        };
        let series = cast.map_err(|_| {
            let row = first_unparseable(text, col.ty, &target).unwrap_or(0);
            IngestError::WrongType {
                file: file.to_path_buf(),
                column: col.name,
                expected: col.ty.name(),
                found: format!(
                    "text {:?} at row {row}",
                    text.str().ok().and_then(|s| s.get(row)).unwrap_or("")
                ),
            }
        })?;
        columns.push(series.into_column());
    }
    DataFrame::new(raw.height(), columns).map_err(unreadable)
}

/// RFC 3339 timestamps with any offset, converted to UTC microseconds.
fn parse_timestamps(text: &Series) -> PolarsResult<Series> {
    let values: Vec<Option<i64>> = text
        .str()?
        .iter()
        .map(|v| match v {
            None | Some("") => Ok(None),
            Some(v) => chrono::DateTime::parse_from_rfc3339(v)
                .map(|t| Some(t.timestamp_micros()))
                .map_err(|e| polars_err!(ComputeError: "not an RFC 3339 timestamp: {e}")),
        })
        .collect::<PolarsResult<_>>()?;
    Ok(Series::new(text.name().clone(), values)
        .into_datetime(TimeUnit::Microseconds, Some(TimeZone::UTC)))
}

/// `true`/`false` in any case; anything else that is not empty is an error.
fn parse_bools(text: &Series) -> PolarsResult<Series> {
    let values: Vec<Option<bool>> = text
        .str()?
        .iter()
        .map(|v| match v.map(str::to_ascii_lowercase).as_deref() {
            None | Some("") => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(other) => Err(polars_err!(ComputeError: "not a boolean: {other}")),
        })
        .collect::<PolarsResult<_>>()?;
    Ok(Series::new(text.name().clone(), values))
}

/// Row of the first non-empty value of `text` that does not parse as `ty`.
fn first_unparseable(text: &Series, ty: ColumnType, target: &DataType) -> Option<usize> {
    let values = text.str().ok()?;
    let parsed = match ty {
        ColumnType::Int32 | ColumnType::Float32 => text.cast(target).ok(),
        _ => None,
    };
    (0..values.len()).find(|&i| match values.get(i) {
        None | Some("") => false,
        Some(v) => match ty {
            ColumnType::Bool => !matches!(v.to_ascii_lowercase().as_str(), "true" | "false"),
            ColumnType::TimestampUs => chrono::DateTime::parse_from_rfc3339(v).is_err(),
            ColumnType::Utf8 => false,
            ColumnType::Int32 | ColumnType::Float32 => parsed
                .as_ref()
                .is_none_or(|p| p.get(i).map_or(true, |x| x.is_null())),
        },
    })
}

fn polars_type(ty: ColumnType) -> DataType {
    match ty {
        ColumnType::Utf8 => DataType::String,
        ColumnType::TimestampUs => DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC)),
        ColumnType::Int32 => DataType::Int32,
        ColumnType::Float32 => DataType::Float32,
        ColumnType::Bool => DataType::Boolean,
    }
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

fn validate(file: &Path, df: DataFrame, spec: &TableSpec) -> Result<DataFrame, IngestError> {
    let file: PathBuf = file.to_path_buf();
    let mut columns = Vec::with_capacity(spec.columns.len());
    for col in spec.columns {
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
        columns.push(c.clone());
    }
    DataFrame::new(df.height(), columns).map_err(|e| IngestError::Unreadable {
        file,
        reason: e.to_string(),
    })
}
