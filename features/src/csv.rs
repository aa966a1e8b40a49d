//! The one CSV reader of the crate, behind the data tables and the reference files: the `csv`
//! crate, configured strictly and checked against RFC 4180.
//!
//! # Contract
//!
//! - UTF-8 text with a header record; a leading UTF-8 byte-order mark is skipped.
//! - `,` separates fields; records end with `\n` or `\r\n` (the last one may end without one);
//!   a line that is entirely empty (outside quotes) is not a record and is skipped.
//! - A field is either unquoted (no `"` in it) or wholly quoted, with `""` for a quote; a quoted
//!   field may hold `,`, `\r` and line breaks.
//! - Every record has as many fields as the header.
//!
//! Everything else is an [`IngestError`] naming the file, the 1-based line of the offending
//! byte (for a quote never closed: of the opening quote), and for a data record its 0-based row
//! (the header and blank lines are not rows) and its column:
//! [`IngestError::Empty`] (no header), [`IngestError::MalformedCsv`] (see [`CsvSyntax`]),
//! [`IngestError::RaggedRow`], [`IngestError::InvalidUtf8`],
//! [`IngestError::MissingHeaderColumn`] and [`IngestError::Unreadable`] (I/O).
//!
//! # Why records are checked against their bytes
//!
//! The `csv` crate is lenient where RFC 4180 is not: it keeps a quote inside an unquoted field as
//! data, appends text after a closing quote to the field, takes a quote left open to the end of
//! the file as the field's value, and ends a record at a lone `\r`. So the reader keeps the bytes
//! of the record being parsed (memory stays bounded by the longest record plus the parser's
//! buffer and a 64 KiB window) and walks them along the parsed fields: each field must be written
//! either verbatim without a quote, or as `"` + the field with `"` doubled + `"`, followed by `,`
//! or a line end. The first byte where that fails is the error.

use std::io::{self, Read};
use std::path::{Path, PathBuf};

use ::csv::{ByteRecord, ErrorKind, Reader, ReaderBuilder, StringRecord, Terminator, Trim};

use crate::error::{CsvSyntax, IngestError};

/// The UTF-8 byte-order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A dead prefix of the byte buffer is dropped once it is at least this long.
const COMPACT_AT: usize = 64 * 1024;

/// Calls `visit(row, values)` for every data record of the CSV text in `reader`, in file order,
/// with its 0-based row and the values of `columns`, in the order of `columns`.
///
/// The header must name each of `columns` exactly (case-sensitive) and only once; other columns
/// are ignored, in any order, whatever their names. Values are exactly as written (unquoted;
/// an empty field is the empty string). The first error of the module contract, or of `visit`,
/// ends the reading; `file` is the file named in errors.
pub(crate) fn for_each_row(
    file: &Path,
    reader: impl Read,
    columns: &[&'static str],
    mut visit: impl FnMut(usize, &[&str]) -> Result<(), IngestError>,
) -> Result<(), IngestError> {
    let mut csv = CsvFile::open(file, reader)?;
    let positions = csv.positions(columns)?;
    while let Some((row, record)) = csv.next_row()? {
        let values: Vec<&str> = positions
            .iter()
            .map(|&p| record.get(p).unwrap_or_default())
            .collect();
        visit(row, &values)?;
    }
    Ok(())
}

/// A CSV file whose header has been read, yielding its data records one at a time.
struct CsvFile<R> {
    file: PathBuf,
    reader: Reader<Source<R>>,
    header: Vec<String>,
    /// Line of the header's first field.
    header_line: u64,
    /// Buffer of the record being read, as bytes.
    bytes: ByteRecord,
    /// The last record read, as text.
    text: StringRecord,
    /// Stream offset where the last field of the previous record ended.
    fields_end: u64,
    /// Stream offset of the first byte of each field of the record being read.
    field_starts: Vec<u64>,
    /// Row of the next data record.
    next_row: usize,
}

/// Where a record sits and what went wrong in it, before it is turned into an [`IngestError`].
struct Fault {
    /// Stream offset of the offending byte.
    offset: u64,
    /// Field index the byte belongs to, if any.
    field: Option<usize>,
    /// What went wrong.
    problem: Problem,
}

enum Problem {
    Syntax(CsvSyntax),
    /// The parser's record and the bytes disagree; a defect, not bad input.
    Disagreement,
}

impl<R: Read> CsvFile<R> {
    /// Reads the header. Errors: [`IngestError::Empty`] when the file holds no record, and the
    /// record errors of the module contract.
    fn open(file: &Path, reader: R) -> Result<Self, IngestError> {
        let source = Source::new(reader).map_err(|e| IngestError::Unreadable {
            file: file.to_path_buf(),
            reason: e.to_string(),
        })?;
        let reader = ReaderBuilder::new()
            .has_headers(false)
            .flexible(false)
            .delimiter(b',')
            .quote(b'"')
            .quoting(true)
            .double_quote(true)
            .escape(None)
            .comment(None)
            .trim(Trim::None)
            .terminator(Terminator::CRLF)
            .from_reader(source);
        let mut csv = CsvFile {
            file: file.to_path_buf(),
            reader,
            header: Vec::new(),
            header_line: 1,
            bytes: ByteRecord::new(),
            text: StringRecord::new(),
            fields_end: 0,
            field_starts: Vec::new(),
            next_row: 0,
        };
        if !csv.read_record(None)? {
            return Err(IngestError::Empty {
                file: file.to_path_buf(),
            });
        }
        csv.header = csv.text.iter().map(str::to_string).collect();
        csv.header_line = csv.line_of_field(0);
        Ok(csv)
    }

    /// Where each of `columns` sits in the header: [`IngestError::MissingHeaderColumn`] when one
    /// is absent, [`IngestError::MalformedCsv`] ([`CsvSyntax::DuplicateColumn`]) when one is named
    /// twice.
    fn positions(&self, columns: &[&'static str]) -> Result<Vec<usize>, IngestError> {
        columns
            .iter()
            .map(|&column| {
                let mut hits = self
                    .header
                    .iter()
                    .enumerate()
                    .filter(|(_, name)| *name == column);
                match (hits.next(), hits.next()) {
                    (Some((at, _)), None) => Ok(at),
                    (None, _) => Err(IngestError::MissingHeaderColumn {
                        file: self.file.clone(),
                        column,
                        header: self.header.join(","),
                    }),
                    (Some(_), Some(_)) => Err(IngestError::MalformedCsv {
                        file: self.file.clone(),
                        line: self.header_line,
                        row: None,
                        column: Some(column.to_string()),
                        problem: CsvSyntax::DuplicateColumn,
                    }),
                }
            })
            .collect()
    }

    /// The next data record and its row; `None` after the last one.
    fn next_row(&mut self) -> Result<Option<(usize, &StringRecord)>, IngestError> {
        let row = self.next_row;
        if !self.read_record(Some(row))? {
            return Ok(None);
        }
        self.next_row += 1;
        Ok(Some((row, &self.text)))
    }

    /// Reads the next record into `self.text` and checks it; `Ok(false)` at the end of the file
    /// (after checking what follows the last record). `row` is `None` for the header.
    fn read_record(&mut self, row: Option<usize>) -> Result<bool, IngestError> {
        self.reader.get_mut().forget_before(self.fields_end);
        self.bytes = std::mem::take(&mut self.text).into_byte_record();
        let ragged = match self.reader.read_byte_record(&mut self.bytes) {
            Ok(true) => None,
            Ok(false) => {
                let tail = self.reader.get_ref().since(self.fields_end);
                return match line_ends(tail) {
                    Ok(_) => Ok(false),
                    Err(at) => Err(self.fault(
                        row,
                        Fault {
                            offset: self.fields_end + at as u64,
                            field: None,
                            problem: Problem::Syntax(CsvSyntax::BareCarriageReturn),
                        },
                    )),
                };
            }
            Err(e) => match e.kind() {
                ErrorKind::UnequalLengths {
                    expected_len, len, ..
                } => Some((*expected_len, *len)),
                _ => {
                    return Err(IngestError::Unreadable {
                        file: self.file.clone(),
                        reason: e.to_string(),
                    });
                }
            },
        };
        if let Err(fault) = self.check_bytes() {
            return Err(self.fault(row, fault));
        }
        if let (Some((expected, found)), Some(row)) = (ragged, row) {
            return Err(IngestError::RaggedRow {
                file: self.file.clone(),
                line: self.line_of_field(0),
                row,
                expected: usize::try_from(expected).unwrap_or(usize::MAX),
                found: usize::try_from(found).unwrap_or(usize::MAX),
            });
        }
        match StringRecord::from_byte_record(std::mem::take(&mut self.bytes)) {
            Ok(text) => {
                self.text = text;
                Ok(true)
            }
            Err(e) => {
                let (field, valid_up_to) = (e.utf8_error().field(), e.utf8_error().valid_up_to());
                self.bytes = e.into_byte_record();
                // Quoting adds no line breaks, so the field's own ones before the bad byte count.
                let before = self.bytes.get(field).unwrap_or_default();
                let newlines = before[..valid_up_to.min(before.len())]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count() as u64;
                let line = self.line_of_field(field) + newlines;
                Err(IngestError::InvalidUtf8 {
                    file: self.file.clone(),
                    line,
                    row,
                    column: self.column_name(row, field),
                })
            }
        }
    }

    /// Walks the bytes from the end of the previous record along the fields of `self.bytes`
    /// (see the module docs); records where each field starts and where the last one ends.
    fn check_bytes(&mut self) -> Result<(), Fault> {
        let base = self.fields_end;
        let raw = self.reader.get_ref().since(base);
        let fault = |at: usize, field: Option<usize>, problem: Problem| Fault {
            offset: base + at as u64,
            field,
            problem,
        };
        let syntax =
            |at: usize, field: usize, s: CsvSyntax| fault(at, Some(field), Problem::Syntax(s));
        let disagree = |at: usize, field: Option<usize>| fault(at, field, Problem::Disagreement);

        let mut at = line_ends(raw)
            .map_err(|at| fault(at, None, Problem::Syntax(CsvSyntax::BareCarriageReturn)))?;
        self.field_starts.clear();
        for (index, field) in self.bytes.iter().enumerate() {
            if index > 0 {
                if raw.get(at) != Some(&b',') {
                    return Err(disagree(at, Some(index)));
                }
                at += 1;
            }
            self.field_starts.push(base + at as u64);
            if raw.get(at) == Some(&b'"') {
                let open = at;
                at += 1;
                for &b in field {
                    match raw.get(at) {
                        Some(b'"') if b == b'"' && raw.get(at + 1) == Some(&b'"') => at += 2,
                        Some(b'"') => {
                            return Err(syntax(at + 1, index, CsvSyntax::TextAfterClosingQuote));
                        }
                        Some(&r) if r == b => at += 1,
                        _ => return Err(disagree(at, Some(index))),
                    }
                }
                match raw.get(at) {
                    Some(b'"') => at += 1,
                    None => return Err(syntax(open, index, CsvSyntax::UnclosedQuote)),
                    Some(_) => return Err(disagree(at, Some(index))),
                }
                if !matches!(raw.get(at), None | Some(b',' | b'\r' | b'\n')) {
                    return Err(syntax(at, index, CsvSyntax::TextAfterClosingQuote));
                }
            } else {
                if let Some(q) = field.iter().position(|&b| b == b'"') {
                    return Err(syntax(at + q, index, CsvSyntax::QuoteInUnquotedField));
                }
                if raw.get(at..at + field.len()) != Some(field) {
                    return Err(disagree(at, Some(index)));
                }
                at += field.len();
            }
        }
        match (raw.get(at), raw.get(at + 1)) {
            (None | Some(b'\n'), _) | (Some(b'\r'), None | Some(b'\n')) => {}
            (Some(b'\r'), Some(_)) => {
                return Err(fault(
                    at,
                    None,
                    Problem::Syntax(CsvSyntax::BareCarriageReturn),
                ));
            }
            (Some(_), _) => return Err(disagree(at, None)),
        }
        self.fields_end = base + at as u64;
        Ok(())
    }

    /// The error for `fault` in the record at `row` (`None`: the header).
    fn fault(&self, row: Option<usize>, fault: Fault) -> IngestError {
        let line = self.line_at(fault.offset);
        match fault.problem {
            Problem::Syntax(problem) => IngestError::MalformedCsv {
                file: self.file.clone(),
                line,
                row,
                column: fault.field.and_then(|f| self.column_name(row, f)),
                problem,
            },
            Problem::Disagreement => IngestError::Unreadable {
                file: self.file.clone(),
                reason: format!(
                    "line {line}: the CSV parser's record does not match the bytes at offset {}",
                    fault.offset
                ),
            },
        }
    }

    /// The header's name for field `field` of a data record; `None` in the header or beyond it.
    fn column_name(&self, row: Option<usize>, field: usize) -> Option<String> {
        row.and_then(|_| self.header.get(field).cloned())
    }

    /// Line of the first byte of field `field` of the last record read.
    fn line_of_field(&self, field: usize) -> u64 {
        match self.field_starts.get(field) {
            Some(&offset) => self.line_at(offset),
            None => self.line_at(self.fields_end),
        }
    }

    /// 1-based line of stream offset `offset`, which must lie in the kept bytes: counted from the
    /// position the parser reported for the record being read.
    fn line_at(&self, offset: u64) -> u64 {
        let Some(position) = self.bytes.position().or_else(|| self.text.position()) else {
            return 1;
        };
        let source = self.reader.get_ref();
        let (anchor_byte, anchor_line) = (position.byte(), position.line());
        if offset >= anchor_byte {
            anchor_line + source.newlines(anchor_byte, offset)
        } else {
            anchor_line.saturating_sub(source.newlines(offset, anchor_byte))
        }
    }
}

/// Length of the run of line ends (`\n` or `\r\n`) at the start of `bytes`, or the index of a
/// `\r` in it that no `\n` follows.
fn line_ends(bytes: &[u8]) -> Result<usize, usize> {
    let mut at = 0;
    loop {
        match (bytes.get(at), bytes.get(at + 1)) {
            (Some(b'\n'), _) => at += 1,
            (Some(b'\r'), Some(b'\n')) => at += 2,
            (Some(b'\r'), _) => return Err(at),
            _ => return Ok(at),
        }
    }
}

/// The input of the CSV parser, skipping a leading byte-order mark and keeping the bytes it
/// hands out from the oldest offset still needed (see [`Source::forget_before`]).
struct Source<R> {
    inner: io::Chain<io::Cursor<Vec<u8>>, R>,
    /// Bytes handed out, from stream offset `start` on.
    kept: Vec<u8>,
    start: u64,
}

impl<R: Read> Source<R> {
    fn new(mut inner: R) -> io::Result<Self> {
        let mut head = Vec::with_capacity(BOM.len());
        (&mut inner).take(BOM.len() as u64).read_to_end(&mut head)?;
        if head == BOM {
            head.clear();
        }
        Ok(Self {
            inner: io::Cursor::new(head).chain(inner),
            kept: Vec::new(),
            start: 0,
        })
    }

    /// The kept bytes from stream offset `from` on (empty if `from` is past them).
    fn since(&self, from: u64) -> &[u8] {
        let skip = usize::try_from(from.saturating_sub(self.start)).unwrap_or(usize::MAX);
        self.kept.get(skip..).unwrap_or_default()
    }

    /// Number of `\n` between stream offsets `from` and `to`.
    fn newlines(&self, from: u64, to: u64) -> u64 {
        let len = usize::try_from(to.saturating_sub(from)).unwrap_or(usize::MAX);
        let bytes = self.since(from);
        bytes[..len.min(bytes.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64
    }

    /// Declares the bytes before stream offset `offset` no longer needed.
    fn forget_before(&mut self, offset: u64) {
        let dead = usize::try_from(offset.saturating_sub(self.start)).unwrap_or(usize::MAX);
        let dead = dead.min(self.kept.len());
        if dead >= COMPACT_AT && dead * 2 >= self.kept.len() {
            self.kept.drain(..dead);
            self.start += dead as u64;
        }
    }
}

impl<R: Read> Read for Source<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(out)?;
        self.kept.extend_from_slice(&out[..n]);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `text` with columns `a,b,c` (header line 1 unless blank lines precede it).
    fn rows(text: &[u8]) -> Result<Vec<(usize, Vec<String>)>, IngestError> {
        let mut out = Vec::new();
        for_each_row(Path::new("t.csv"), text, &["a", "b", "c"], |row, values| {
            out.push((row, values.iter().map(|v| v.to_string()).collect()));
            Ok(())
        })?;
        Ok(out)
    }

    fn rec(row: usize, fields: &[&str]) -> (usize, Vec<String>) {
        (row, fields.iter().map(|f| f.to_string()).collect())
    }

    /// `(line, row, column, problem)` of a [`IngestError::MalformedCsv`].
    fn malformed(text: &[u8]) -> (u64, Option<usize>, Option<String>, CsvSyntax) {
        match rows(text) {
            Err(IngestError::MalformedCsv {
                line,
                row,
                column,
                problem,
                ..
            }) => (line, row, column, problem),
            other => panic!("{:?}: {other:?}", String::from_utf8_lossy(text)),
        }
    }

    #[test]
    fn quoting_line_ends_blank_lines_bom_and_column_order() {
        let text = b"\xEF\xBB\xBFc,x,a,b\r\n\r\n1,,\"x, \"\"y\"\"\",\n\"multi\r\nline\",2,\"\",\"\"\"\"\n\n3,4,5,6";
        assert_eq!(
            rows(text).unwrap(),
            vec![
                rec(0, &["x, \"y\"", "", "1"]),
                rec(1, &["", "\"", "multi\r\nline"]),
                rec(2, &["5", "6", "3"]),
            ]
        );
    }

    #[test]
    fn a_file_without_records_is_empty() {
        for text in [&b""[..], b"\n\r\n", b"\xEF\xBB\xBF", b"\xEF\xBB\xBF\n"] {
            assert!(
                matches!(rows(text), Err(IngestError::Empty { .. })),
                "{text:?}"
            );
        }
        assert_eq!(rows(b"a,b,c").unwrap(), vec![]);
    }

    #[test]
    fn what_the_csv_crate_accepts_and_rfc_4180_does_not_is_rejected() {
        // Text after a closing quote (the crate would read `xy`), also a space.
        assert_eq!(
            malformed(b"a,b,c\n1,\"x\"y,3\n"),
            (
                2,
                Some(0),
                Some("b".into()),
                CsvSyntax::TextAfterClosingQuote
            )
        );
        assert_eq!(
            malformed(b"a,b,c\n1,2,\"x\" \n").3,
            CsvSyntax::TextAfterClosingQuote
        );
        // A quote inside an unquoted field (the crate would keep it as data).
        assert_eq!(
            malformed(b"a,b,c\n\n1,2,x\"y\n"),
            (
                3,
                Some(0),
                Some("c".into()),
                CsvSyntax::QuoteInUnquotedField
            )
        );
        // A quote never closed swallows the rest of the file: reported at the opening quote,
        // not as a short record.
        assert_eq!(
            malformed(b"a,b,c\n1,2,3\n4,\"open\n5,6,7\n"),
            (3, Some(1), Some("b".into()), CsvSyntax::UnclosedQuote)
        );
        // A lone carriage return ends a record for the crate; here it is malformed.
        assert_eq!(
            malformed(b"a,b,c\n1,2\r3\n").3,
            CsvSyntax::BareCarriageReturn
        );
        assert_eq!(
            malformed(b"a,b,c\n1,2,3\r").3,
            CsvSyntax::BareCarriageReturn
        );
        // A header column named twice, and a syntax error in the header.
        assert_eq!(
            malformed(b"a,b,c,b\n"),
            (1, None, Some("b".into()), CsvSyntax::DuplicateColumn)
        );
        assert_eq!(
            malformed(b"\na,\"b\"c,c\n"),
            (2, None, None, CsvSyntax::TextAfterClosingQuote)
        );
    }

    #[test]
    fn ragged_records_and_invalid_utf8_name_line_row_and_column() {
        match rows(b"a,b,c\n1,2,3\n\n\"x\ny\",2\n") {
            Err(IngestError::RaggedRow {
                line,
                row,
                expected,
                found,
                ..
            }) => assert_eq!((line, row, expected, found), (4, 1, 3, 2)),
            other => panic!("{other:?}"),
        }
        match rows(b"a,b,c\n1,2,3\n4,\"x\n\xff\",6\n") {
            Err(IngestError::InvalidUtf8 {
                line, row, column, ..
            }) => assert_eq!((line, row, column.as_deref()), (4, Some(1), Some("b"))),
            other => panic!("{other:?}"),
        }
        match rows(b"a,\xffb,c\n") {
            Err(IngestError::InvalidUtf8 {
                line, row, column, ..
            }) => assert_eq!((line, row, column), (1, None, None)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn records_longer_than_the_kept_window_are_read_whole() {
        // Long quoted fields spanning many parser buffers and compactions of the kept bytes.
        let long = "x".repeat(3 * COMPACT_AT);
        let mut text = String::from("a,b,c\n");
        for i in 0..4 {
            text.push_str(&format!("{i},\"{long}\n\"\"\",{i}\r\n"));
        }
        text.push_str("9,\"bad\"x,9\n");
        let mut seen = 0;
        let err = for_each_row(
            Path::new("t.csv"),
            text.as_bytes(),
            &["b"],
            |row, values| {
                assert_eq!(values[0].len(), long.len() + 2, "row {row}");
                seen += 1;
                Ok(())
            },
        )
        .unwrap_err();
        assert_eq!(seen, 4);
        match err {
            IngestError::MalformedCsv {
                line, row, problem, ..
            } => assert_eq!(
                (line, row, problem),
                (10, Some(4), CsvSyntax::TextAfterClosingQuote)
            ),
            other => panic!("{other:?}"),
        }
    }
}
