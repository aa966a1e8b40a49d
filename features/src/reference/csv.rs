//! A strict RFC 4180 reader for the small reference files under `reference/`.
//!
//! Reference files are a few hundred rows, so the text is read whole and split here rather than
//! through a dataframe: that way a broken quote or a missing field is reported with its row, and
//! values stay exactly as written (no type inference).

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

    let mut parser = Parser { rest: text };
    let bad_header = |reason: String| IngestError::BadHeader {
        file: file.to_path_buf(),
        reason,
    };
    let header = match parser.next_record() {
        None => return Err(bad_header("the file is empty".to_string())),
        Some(Err(reason)) => return Err(bad_header(reason)),
        Some(Ok(fields)) => fields,
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
    let mut row = 0;
    while let Some(record) = parser.next_record() {
        let malformed = |reason: String| IngestError::MalformedRow {
            file: file.to_path_buf(),
            row,
            reason,
        };
        let mut fields = record.map_err(malformed)?;
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
        row += 1;
    }
    Ok(Records { rows })
}

/// If `s` starts with a line end (CRLF or LF), what follows it.
fn line_end(s: &str) -> Option<&str> {
    s.strip_prefix("\r\n").or_else(|| s.strip_prefix('\n'))
}

/// Splits text into records; `rest` is what has not been read yet.
struct Parser<'a> {
    rest: &'a str,
}

impl Parser<'_> {
    /// The next non-blank record, or the reason it is malformed; `None` at the end.
    fn next_record(&mut self) -> Option<Result<Vec<String>, String>> {
        loop {
            if self.rest.is_empty() {
                return None;
            }
            if let Some(after) = line_end(self.rest) {
                // A blank line.
                self.rest = after;
                continue;
            }
            return Some(self.record());
        }
    }

    fn record(&mut self) -> Result<Vec<String>, String> {
        let mut fields = Vec::new();
        loop {
            let field_no = fields.len() + 1;
            let (value, rest) = if let Some(quoted) = self.rest.strip_prefix('"') {
                Self::quoted_field(quoted)
                    .ok_or_else(|| format!("field {field_no}: quoted field is never closed"))?
            } else {
                let end = self.rest.find([',', '\n', '"']).unwrap_or(self.rest.len());
                if self.rest[end..].starts_with('"') {
                    return Err(format!(
                        "field {field_no}: a quote inside an unquoted field (quote the whole \
                         field and double the quote)"
                    ));
                }
                let mut value = &self.rest[..end];
                if !self.rest[end..].starts_with(',') {
                    // The CR of the CRLF that ends the record is not part of the value.
                    value = value.strip_suffix('\r').unwrap_or(value);
                }
                (value.to_string(), &self.rest[end..])
            };
            fields.push(value);
            if let Some(next) = rest.strip_prefix(',') {
                self.rest = next;
            } else if let Some(next) = line_end(rest) {
                self.rest = next;
                return Ok(fields);
            } else if rest.is_empty() {
                self.rest = rest;
                return Ok(fields);
            } else {
                return Err(format!(
                    "field {field_no}: text after the closing quote (expected a comma or the end \
                     of the line)"
                ));
            }
        }
    }

    /// Reads a quoted field whose opening quote is already consumed: its value and the text after
    /// the closing quote, or `None` if the quote is never closed.
    fn quoted_field(s: &str) -> Option<(String, &str)> {
        let mut value = String::new();
        let mut rest = s;
        loop {
            let q = rest.find('"')?;
            value.push_str(&rest[..q]);
            rest = &rest[q + 1..];
            match rest.strip_prefix('"') {
                Some(after) => {
                    value.push('"');
                    rest = after;
                }
                None => return Some((value, rest)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMNS: &[&str] = &["a", "b"];

    fn parse(text: &str) -> Result<Vec<(usize, Vec<String>)>, IngestError> {
        read_records(Path::new("t.csv"), text.as_bytes(), COLUMNS).map(|r| r.rows)
    }

    fn row(n: usize, a: &str, b: &str) -> (usize, Vec<String>) {
        (n, vec![a.to_string(), b.to_string()])
    }

    #[test]
    fn quoting_line_ends_and_blank_lines() {
        let text = "\u{feff}b,a,extra\r\n\"x,\"\"y\"\"\",1,\"multi\nline\"\n\n,,\r\nlast,2,z";
        // Header order differs from COLUMNS: values come back as (a, b).
        assert_eq!(
            parse(text).unwrap(),
            vec![row(0, "1", "x,\"y\""), row(1, "", ""), row(2, "2", "last")]
        );
    }

    #[test]
    fn a_lone_carriage_return_inside_a_field_is_kept() {
        assert_eq!(parse("a,b\nx\ry,z\n").unwrap(), vec![row(0, "x\ry", "z")]);
    }

    #[test]
    fn malformed_records_name_their_row() {
        let cases = [
            ("a,b\n1,2\n3\n", 1, "1 fields, but the header has 2"),
            ("a,b\n1,2,3\n", 0, "3 fields, but the header has 2"),
            (
                "a,b\n1,\"open\n",
                0,
                "field 2: quoted field is never closed",
            ),
            (
                "a,b\n1,x\"y\n",
                0,
                "field 2: a quote inside an unquoted field",
            ),
            (
                "a,b\n\"x\"y,2\n",
                0,
                "field 1: text after the closing quote",
            ),
        ];
        for (text, want_row, want_reason) in cases {
            match parse(text) {
                Err(IngestError::MalformedRow { row, reason, .. }) => {
                    assert_eq!(row, want_row, "{text:?}");
                    assert!(reason.starts_with(want_reason), "{text:?}: {reason}");
                }
                other => panic!("{text:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn header_problems() {
        assert!(matches!(parse(""), Err(IngestError::BadHeader { .. })));
        assert!(matches!(parse("\n\n"), Err(IngestError::BadHeader { .. })));
        assert!(matches!(
            parse("a,B\n"),
            Err(IngestError::MissingColumn { column: "b", .. })
        ));
        assert!(matches!(
            parse("a,b,a\n"),
            Err(IngestError::BadHeader { reason, .. }) if reason.contains("`a`")
        ));
        assert!(matches!(
            read_records(Path::new("t.csv"), &[0xff, b'a'][..], COLUMNS),
            Err(IngestError::Unreadable { .. })
        ));
    }
}
