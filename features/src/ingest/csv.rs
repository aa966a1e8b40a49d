//! CSV data tables, read through the crate's one CSV reader (`crate::csv`) so that every error
//! names its line, row and column. Rows are numbered from 0, the header excluded. All fields are
//! read as text and then converted to the contract type of their column; an empty field is a
//! null.

use std::fs::File;
use std::path::Path;

use appfraud_core::schema::{ColumnType, TableSpec};
use polars::prelude::*;

use crate::IngestError;

/// Reads a CSV table of `spec`: the contract of `crate::csv` (header required, naming each
/// contract column once; every record as wide as the header; UTF-8), then each value converted
/// to its column's contract type.
pub(super) fn read_csv(file: &Path, spec: &TableSpec) -> Result<DataFrame, IngestError> {
    let reader = File::open(file).map_err(|e| IngestError::Unreadable {
        file: file.to_path_buf(),
        reason: e.to_string(),
    })?;
    let names: Vec<&'static str> = spec.columns.iter().map(|c| c.name).collect();
    let mut text_columns: Vec<Vec<Option<String>>> = vec![Vec::new(); spec.columns.len()];
    crate::csv::for_each_row(file, reader, &names, |_, values| {
        for (column, value) in text_columns.iter_mut().zip(values) {
            column.push((!value.is_empty()).then(|| value.to_string()));
        }
        Ok(())
    })?;
    let height = text_columns.first().map_or(0, Vec::len);
    let mut columns = Vec::with_capacity(spec.columns.len());
    for (col, values) in spec.columns.iter().zip(text_columns) {
        let series =
            // The offending text is not echoed: it may be personal data that landed in the
            // wrong column (a shifted row), and errors name the file, column and row only.
            convert(col.name, col.ty, &values).map_err(|(row, _)| IngestError::WrongType {
                file: file.to_path_buf(),
                column: col.name,
                expected: col.ty.name(),
                found: format!("unparsable text at row {row}"),
            })?;
        columns.push(series.into_column());
    }
    DataFrame::new(height, columns).map_err(|e| IngestError::Unreadable {
        file: file.to_path_buf(),
        reason: e.to_string(),
    })
}

/// Converts text to the contract type; on failure the first offending row and its text.
fn convert(
    name: &str,
    ty: ColumnType,
    values: &[Option<String>],
) -> Result<Series, (usize, String)> {
    fn parse_all<T>(
        values: &[Option<String>],
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<Vec<Option<T>>, (usize, String)> {
        values
            .iter()
            .enumerate()
            .map(|(row, v)| match v {
                None => Ok(None),
                Some(s) => parse(s.trim()).map(Some).ok_or_else(|| (row, s.clone())),
            })
            .collect()
    }
    let name: PlSmallStr = name.into();
    Ok(match ty {
        ColumnType::Utf8 => Series::new(name, values.to_vec()),
        ColumnType::Int32 => Series::new(name, parse_all(values, |s| s.parse::<i32>().ok())?),
        ColumnType::Float32 => Series::new(name, parse_all(values, |s| s.parse::<f32>().ok())?),
        ColumnType::Bool => Series::new(
            name,
            parse_all(values, |s| match s.to_ascii_lowercase().as_str() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            })?,
        ),
        ColumnType::TimestampUs => {
            let micros = parse_all(values, |s| {
                chrono::DateTime::parse_from_rfc3339(s)
                    .ok()
                    .map(|t| t.timestamp_micros())
            })?;
            Series::new(name, micros).into_datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
        }
    })
}
