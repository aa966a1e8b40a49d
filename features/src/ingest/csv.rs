//! CSV data tables, read through the crate's one RFC 4180 reader so that every error names its
//! row. Rows are numbered from 0, the header excluded. All fields are read as text and then
//! converted to the contract type of their column; an empty field is a null.

use std::path::Path;

use appfraud_core::schema::{ColumnType, TableSpec};
use polars::prelude::*;

use crate::IngestError;
use crate::csv::{self, Record};

/// Row (0-based, header excluded) and column name of the first byte that is not UTF-8, found
/// by parsing the valid prefix: the records it completes and the fields of the one it cuts.
/// The cut record is the last one parsed, unless the prefix ends at a record end (the byte
/// starts the first field of the next record) or parsing stops early, inside a quoted field
/// or at malformed CSV before the cut (then the row is that of the first record that does not
/// parse, and the column is unknown).
fn locate_invalid_utf8(bytes: &[u8], valid_up_to: usize) -> (Option<usize>, String) {
    let prefix = std::str::from_utf8(&bytes[..valid_up_to]).unwrap_or_default();
    let prefix = prefix.trim_start_matches('\u{feff}');
    let mut parsed: Vec<Record> = Vec::new();
    let mut stopped_early = false;
    for record in csv::records(prefix) {
        match record {
            Ok(r) => parsed.push(r),
            Err(_) => {
                stopped_early = true;
                break;
            }
        }
    }
    let Some((header, rows)) = parsed.split_first() else {
        return (None, "header".into());
    };
    let column = |index: usize| header.fields.get(index).cloned();
    if stopped_early {
        return (Some(rows.len()), "unknown".into());
    }
    if prefix.ends_with('\n') {
        return (
            Some(rows.len()),
            column(0).unwrap_or_else(|| "unknown".into()),
        );
    }
    let Some(last) = rows.last() else {
        return (None, "header".into());
    };
    let name = column(last.fields.len().saturating_sub(1)).unwrap_or_else(|| "unknown".into());
    (Some(rows.len() - 1), name)
}

/// Reads a CSV table of `spec`: header required, every record as wide as the header, UTF-8.
pub(super) fn read_csv(file: &Path, spec: &TableSpec) -> Result<DataFrame, IngestError> {
    let bytes = std::fs::read(file).map_err(|e| IngestError::Unreadable {
        file: file.to_path_buf(),
        reason: e.to_string(),
    })?;
    let text = match std::str::from_utf8(&bytes) {
        Ok(text) => text,
        Err(e) => {
            let (row, column) = locate_invalid_utf8(&bytes, e.valid_up_to());
            return Err(IngestError::InvalidUtf8 {
                file: file.to_path_buf(),
                column,
                row,
            });
        }
    };
    let mut rows = csv::records(text.trim_start_matches('\u{feff}'));
    let header = match rows.next() {
        None => {
            return Err(IngestError::Empty {
                file: file.to_path_buf(),
            });
        }
        Some(Err(e)) => {
            return Err(IngestError::MalformedCsv {
                file: file.to_path_buf(),
                line: e.line,
                reason: e.reason,
            });
        }
        Some(Ok(h)) => h.fields,
    };
    let mut positions = Vec::with_capacity(spec.columns.len());
    for col in spec.columns {
        match header.iter().position(|h| h == col.name) {
            Some(p) => positions.push(p),
            None => {
                return Err(IngestError::MissingColumn {
                    file: file.to_path_buf(),
                    column: col.name,
                });
            }
        }
    }
    let mut text_columns: Vec<Vec<Option<String>>> = vec![Vec::new(); spec.columns.len()];
    for (row, record) in rows.enumerate() {
        let record = record.map_err(|e| IngestError::MalformedCsv {
            file: file.to_path_buf(),
            line: e.line,
            reason: e.reason,
        })?;
        if record.fields.len() != header.len() {
            return Err(IngestError::RaggedRow {
                file: file.to_path_buf(),
                row,
                expected: header.len(),
                found: record.fields.len(),
            });
        }
        let mut fields: Vec<Option<String>> = record.fields.into_iter().map(Some).collect();
        for (c, &p) in positions.iter().enumerate() {
            text_columns[c].push(fields[p].take().filter(|v| !v.is_empty()));
        }
    }
    let height = text_columns.first().map_or(0, Vec::len);
    let mut columns = Vec::with_capacity(spec.columns.len());
    for (col, values) in spec.columns.iter().zip(text_columns) {
        let series =
            convert(col.name, col.ty, &values).map_err(|(row, value)| IngestError::WrongType {
                file: file.to_path_buf(),
                column: col.name,
                expected: col.ty.name(),
                found: format!("text {value:?} at row {row}"),
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
