//! Inputs on the path of the `csv_table` fuzz target (`tools/fuzz.sh`) that once panicked,
//! each through the public entry point the target uses, with the result the contract asks for:
//! the input the target found, minimised, and the cases of the same fault around it.

use std::path::Path;

use appfraud_core::schema::APPLICATIONS;
use appfraud_features::{CsvSyntax, IngestError, read_data_dir};

fn applications_header() -> String {
    let names: Vec<&str> = APPLICATIONS.columns.iter().map(|c| c.name).collect();
    names.join(",")
}

fn read_applications_csv(bytes: &[u8]) -> IngestError {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("applications.csv"), bytes).unwrap();
    match read_data_dir(dir.path()) {
        Ok(frames) => panic!("accepted: {} rows", frames.applications.height()),
        Err(e) => e,
    }
}

/// The file name of an error's path.
fn file_name(file: &Path) -> &str {
    file.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
}

/// A data row of the applications table with every column filled, `job_id` last changed to
/// `job` (raw bytes).
fn full_row(job: &[u8]) -> Vec<u8> {
    let mut row = Vec::new();
    for (i, column) in APPLICATIONS.columns.iter().enumerate() {
        if i > 0 {
            row.push(b',');
        }
        match column.name {
            "application_id" => row.extend_from_slice(b"a1"),
            "submitted_at" => row.extend_from_slice(b"2024-01-01T00:00:00Z"),
            "job_id" => row.extend_from_slice(job),
            _ => {}
        }
    }
    row.push(b'\n');
    row
}

/// A byte that is not UTF-8 right after the header's line end starts data row 0. The old
/// reader computed that row as "records parsed minus two", which underflowed when the header
/// was the only complete record; the row is now reported whole: it is too short for the header.
#[test]
fn a_cut_right_after_the_header_names_row_0() {
    let header = applications_header();
    let width = APPLICATIONS.columns.len();
    let mut bytes = format!("{header}\n").into_bytes();
    bytes.push(0xff);
    match read_applications_csv(&bytes) {
        IngestError::RaggedRow {
            file,
            line,
            row,
            expected,
            found,
        } => {
            assert_eq!(file_name(&file), "applications.csv");
            assert_eq!((line, row, expected, found), (2, 0, width, 1));
        }
        other => panic!("expected RaggedRow, got {other}"),
    }

    // Blank lines are not rows: the first record after them is still row 0 (line 3).
    let mut bytes = format!("{header}\r\n\r\n").into_bytes();
    bytes.extend_from_slice(b"\xc3(a1");
    match read_applications_csv(&bytes) {
        IngestError::RaggedRow {
            line, row, found, ..
        } => assert_eq!((line, row, found), (3, 0, 1)),
        other => panic!("expected RaggedRow, got {other}"),
    }
}

/// The input `csv_table` found (minimised): a one-column header `-` and an invalid byte right
/// after its line end. The header lacks the contract's columns, which is what is reported.
#[test]
fn fuzz_minimised_header_line_end_then_invalid_byte() {
    match read_applications_csv(b"-\n\xff") {
        IngestError::MissingHeaderColumn {
            file,
            column,
            header,
        } => {
            assert_eq!(file_name(&file), "applications.csv");
            assert_eq!((column, header.as_str()), ("application_id", "-"));
        }
        other => panic!("expected MissingHeaderColumn, got {other}"),
    }
}

/// An invalid byte inside a quote left open across the header's line end: the unclosed quote
/// is reported at its opening, in row 0's first column.
#[test]
fn an_invalid_byte_inside_an_open_quote_reports_the_quote() {
    let mut bytes = format!("{}\n\"a\n", applications_header()).into_bytes();
    bytes.push(0xfe);
    match read_applications_csv(&bytes) {
        IngestError::MalformedCsv {
            line,
            row,
            column,
            problem,
            ..
        } => {
            assert_eq!(
                (line, row, column.as_deref()),
                (2, Some(0), Some("application_id"))
            );
            assert_eq!(problem, CsvSyntax::UnclosedQuote);
        }
        other => panic!("expected MalformedCsv, got {other}"),
    }
}

/// An invalid byte in the header has no row or column; one inside a field of a full-width row
/// names that row and column.
#[test]
fn invalid_utf8_names_the_header_or_the_row_and_column() {
    let mut bytes = b"application_id,sub".to_vec();
    bytes.push(0xff);
    match read_applications_csv(&bytes) {
        IngestError::InvalidUtf8 {
            line, row, column, ..
        } => {
            assert_eq!((line, row, column), (1, None, None));
        }
        other => panic!("expected InvalidUtf8, got {other}"),
    }

    let mut bytes = format!("{}\n", applications_header()).into_bytes();
    bytes.extend_from_slice(&full_row(b"J\xff"));
    match read_applications_csv(&bytes) {
        IngestError::InvalidUtf8 {
            file,
            line,
            row,
            column,
        } => {
            assert_eq!(file_name(&file), "applications.csv");
            assert_eq!((line, row, column.as_deref()), (2, Some(0), Some("job_id")));
        }
        other => panic!("expected InvalidUtf8, got {other}"),
    }
}
