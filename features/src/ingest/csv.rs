//! CSV tables (RFC 4180): parsed here rather than by a generic reader so that every error names
//! its row. Rows are numbered from 0, the header excluded. All fields are read as text and then
//! converted to the contract type of their column; an empty field is a null.

use std::path::Path;

use appfraud_core::schema::{ColumnType, TableSpec};
use polars::prelude::*;

use crate::IngestError;

/// One CSV record: the byte ranges of its fields in the file (quotes removed, `""` unescaped).
type Record = Vec<Vec<u8>>;

/// Splits `bytes` into records. Fails on an unterminated quoted field (a truncated file).
fn records(file: &Path, bytes: &[u8]) -> Result<Vec<Record>, IngestError> {
    let mut out = Vec::new();
    let mut record: Record = Vec::new();
    let mut field = Vec::new();
    let mut i = 0;
    let mut in_quotes = false;
    let mut field_started = false;
    while i < bytes.len() {
        let b = bytes[i];
        if in_quotes {
            if b == b'"' {
                if bytes.get(i + 1) == Some(&b'"') {
                    field.push(b'"');
                    i += 1;
                } else {
                    in_quotes = false;
                }
            } else {
                field.push(b);
            }
        } else {
            match b {
                b'"' if field.is_empty() => in_quotes = true,
                b',' => record.push(std::mem::take(&mut field)),
                b'\n' | b'\r' => {
                    if b == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                    if field_started || !record.is_empty() || !field.is_empty() {
                        record.push(std::mem::take(&mut field));
                        out.push(std::mem::take(&mut record));
                    }
                    field_started = false;
                    i += 1;
                    continue;
                }
                _ => field.push(b),
            }
        }
        field_started = true;
        i += 1;
    }
    if in_quotes {
        return Err(IngestError::Truncated {
            file: file.to_path_buf(),
            row: out.len().saturating_sub(1),
            reason: "a quoted field is not closed before the end of the file".into(),
        });
    }
    if field_started || !record.is_empty() {
        record.push(field);
        out.push(record);
    }
    Ok(out)
}

/// Reads a CSV table of `spec`: header required, every record as wide as the header, UTF-8.
pub(super) fn read_csv(file: &Path, spec: &TableSpec) -> Result<DataFrame, IngestError> {
    let bytes = std::fs::read(file).map_err(|e| IngestError::Unreadable {
        file: file.to_path_buf(),
        reason: e.to_string(),
    })?;
    let mut rows = records(file, &bytes)?.into_iter();
    let Some(header) = rows.next() else {
        return Err(IngestError::Empty {
            file: file.to_path_buf(),
        });
    };
    let header: Vec<String> = header
        .iter()
        .map(|h| {
            std::str::from_utf8(h)
                .map(|s| s.trim_start_matches('\u{feff}').to_string())
                .map_err(|_| IngestError::InvalidUtf8 {
                    file: file.to_path_buf(),
                    column: "header".into(),
                    row: None,
                })
        })
        .collect::<Result<_, _>>()?;
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
    let mut text: Vec<Vec<Option<String>>> = vec![Vec::new(); spec.columns.len()];
    for (row, record) in rows.enumerate() {
        if record.len() != header.len() {
            return Err(IngestError::RaggedRow {
                file: file.to_path_buf(),
                row,
                expected: header.len(),
                found: record.len(),
            });
        }
        for (c, &p) in positions.iter().enumerate() {
            let value = std::str::from_utf8(&record[p]).map_err(|_| IngestError::InvalidUtf8 {
                file: file.to_path_buf(),
                column: spec.columns[c].name.to_string(),
                row: Some(row),
            })?;
            text[c].push((!value.is_empty()).then(|| value.to_string()));
        }
    }
    let height = text.first().map_or(0, Vec::len);
    let mut columns = Vec::with_capacity(spec.columns.len());
    for (col, values) in spec.columns.iter().zip(text) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn split(s: &str) -> Vec<Vec<String>> {
        records(Path::new("t.csv"), s.as_bytes())
            .unwrap()
            .into_iter()
            .map(|r| {
                r.into_iter()
                    .map(|f| String::from_utf8(f).unwrap())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn rfc4180_quoting_line_endings_and_empty_fields() {
        assert_eq!(
            split("a,b\r\n1,\"x,y\"\n"),
            vec![vec!["a", "b"], vec!["1", "x,y"]]
        );
        assert_eq!(
            split("a,b\n\"he said \"\"hi\"\"\",\n"),
            vec![vec!["a", "b"], vec!["he said \"hi\"", ""]]
        );
        assert_eq!(
            split("a\n\"two\nlines\"\n"),
            vec![vec!["a"], vec!["two\nlines"]]
        );
        assert_eq!(
            split("a,b\n1,2"),
            vec![vec!["a", "b"], vec!["1", "2"]],
            "no final newline"
        );
        assert_eq!(
            split("a,b\n\n1,2\n"),
            vec![vec!["a", "b"], vec!["1", "2"]],
            "blank line skipped"
        );
    }

    #[test]
    fn unterminated_quote_is_a_truncated_file() {
        let err = records(Path::new("t.csv"), b"a,b\n1,\"cut").unwrap_err();
        assert!(matches!(err, IngestError::Truncated { .. }), "{err}");
    }
}
