//! Inputs on the path of the `csv_table` fuzz target (`tools/fuzz.sh`) that once panicked,
//! each through the public entry point the target uses, with the result the contract asks for:
//! the input the target found, minimised, and the cases of the same fault around it.

use std::path::Path;

use appfraud_core::schema::APPLICATIONS;
use appfraud_features::{IngestError, read_data_dir};

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

fn assert_invalid_utf8(err: &IngestError, row: Option<usize>, column: &str) {
    match err {
        IngestError::InvalidUtf8 {
            file,
            row: r,
            column: c,
        } => {
            assert_eq!((*r, c.as_str()), (row, column), "{err}");
            assert_eq!(
                file.file_name(),
                Some(Path::new("applications.csv").as_os_str())
            );
        }
        other => panic!("expected InvalidUtf8, got {other}"),
    }
}

/// A byte that is not UTF-8 right after the header's line end starts data row 0 in the first
/// column. The row was computed as "records parsed minus two", which underflowed when the
/// header was the only complete record.
#[test]
fn invalid_utf8_at_the_start_of_the_first_row_names_row_0() {
    let header = applications_header();
    let mut bytes = format!("{header}\n").into_bytes();
    bytes.push(0xff);
    assert_invalid_utf8(&read_applications_csv(&bytes), Some(0), "application_id");

    let mut bytes = format!("{header}\r\n\r\n").into_bytes();
    bytes.extend_from_slice(b"\xc3(a1,2024");
    assert_invalid_utf8(&read_applications_csv(&bytes), Some(0), "application_id");
}

/// The input `csv_table` found (minimised): a one-column header and the byte right after its
/// line end, read as the applications table. UTF-8 is checked before the columns, so the error
/// names row 0 under the only header name there is.
#[test]
fn fuzz_minimised_header_line_end_then_invalid_byte() {
    assert_invalid_utf8(&read_applications_csv(b"-\n\xff"), Some(0), "-");
}

/// Malformed CSV before the cut stops parsing early: the row is the first record that does not
/// parse (as in the unminimised input, a quote inside an unquoted field of row 0).
#[test]
fn invalid_utf8_after_malformed_csv_names_the_first_unparsed_row() {
    let mut bytes = b"a,is_fraud,labeled_at\napp-2,true,20\"24\n:00Z\n".to_vec();
    bytes.extend_from_slice(b"app-3,true,2024-02-\xcf\xcf\xab\xce2\n");
    assert_invalid_utf8(&read_applications_csv(&bytes), Some(0), "unknown");
}

/// The same byte inside a quoted field that spans the header's line end: the cut record does
/// not parse, so the row is known and the column is not.
#[test]
fn invalid_utf8_inside_an_open_quote_after_the_header_names_its_row() {
    let mut bytes = format!("{}\n\"a\n", applications_header()).into_bytes();
    bytes.push(0xfe);
    assert_invalid_utf8(&read_applications_csv(&bytes), Some(0), "unknown");
}

/// Cuts that the row arithmetic already handled keep their answers: in the header, and in the
/// middle of a later row's field.
#[test]
fn invalid_utf8_in_the_header_or_mid_row_is_unchanged() {
    let header = applications_header();
    let mut bytes = b"application_id,sub".to_vec();
    bytes.push(0xff);
    assert_invalid_utf8(&read_applications_csv(&bytes), None, "header");

    let mut bytes = format!("{header}\na1,2024-01-01T00:00:00Z,J").into_bytes();
    bytes.push(0xff);
    assert_invalid_utf8(&read_applications_csv(&bytes), Some(0), "job_id");
}
