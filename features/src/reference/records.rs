//! A strict RFC 4180 reader for the small reference files under `reference/`.
//!
//! Reference files are a few hundred rows, so the text is read whole and split by the crate's one
//! RFC 4180 reader rather than through a dataframe: a broken quote or a missing field is
//! reported with its row, and values stay exactly as written (no type inference).

use std::io::Read;
use std::path::Path;

use crate::IngestError;

/// The records of a reference CSV file: for each data row, its 0-based row number and the
/// values of `columns`, in the order of `columns`.
#[derive(Debug)]
pub(crate) struct Records {
    pub rows: Vec<(usize, Vec<String>)>,
}

/// Reads `reader` whole and parses it as RFC 4180 CSV with a header.
///
/// - The header must name every one of `columns` exactly (case-sensitive) and only once; other
///   columns are allowed and ignored, in any order.
/// - Records end with CRLF or LF; a UTF-8 byte-order mark is skipped; blank lines are skipped and
///   not counted as rows.
/// - A field is either unquoted (no `"` inside) or wholly quoted, with `""` for a quote; quoted
///   fields may hold commas and line breaks.
/// - Every record has as many fields as the header.
///
/// Errors: [`IngestError::Unreadable`] (I/O, not UTF-8), [`IngestError::BadHeader`] (empty
/// file, malformed or duplicated header name), [`IngestError::MissingColumn`],
/// [`IngestError::MalformedRow`] (quoting, field count), each naming `file`.
pub(crate) fn read_records(
    file: &Path,
    mut reader: impl Read,
    columns: &'static [&'static str],
) -> Result<Records, IngestError> {
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .map_err(|e| IngestError::Unreadable {
            file: file.to_path_buf(),
            reason: e.to_string(),
        })?;
    let text = String::from_utf8(bytes).map_err(|e| IngestError::Unreadable {
        file: file.to_path_buf(),
        reason: format!("not UTF-8 text: {e}"),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);

    let mut parser = crate::csv::records(text);
    let bad_header = |reason: String| IngestError::BadHeader {
        file: file.to_path_buf(),
        reason,
    };
    let header = match parser.next() {
        None => return Err(bad_header("the file is empty".to_string())),
        Some(Err(e)) => return Err(bad_header(e.reason)),
        Some(Ok(record)) => record.fields,
    };
    let mut positions = Vec::with_capacity(columns.len());
    for &column in columns {
        let mut found = header
            .iter()
            .enumerate()
            .filter(|(_, h)| h.as_str() == column);
        match (found.next(), found.next()) {
            (None, _) => {
                return Err(IngestError::MissingColumn {
                    file: file.to_path_buf(),
                    column,
                });
            }
            (Some((i, _)), None) => positions.push(i),
            (Some(_), Some(_)) => {
                return Err(bad_header(format!(
                    "column `{column}` appears more than once"
                )));
            }
        }
    }

    let mut rows = Vec::new();
    for (row, record) in parser.enumerate() {
        let malformed = |reason: String| IngestError::MalformedRow {
            file: file.to_path_buf(),
            row,
            reason,
        };
        let mut fields = record.map_err(|e| malformed(e.reason))?.fields;
        if fields.len() != header.len() {
            return Err(malformed(format!(
                "{} fields, but the header has {}",
                fields.len(),
                header.len()
            )));
        }
        let values = positions
            .iter()
            .map(|&i| std::mem::take(&mut fields[i]))
            .collect();
        rows.push((row, values));
    }
    Ok(Records { rows })
}
