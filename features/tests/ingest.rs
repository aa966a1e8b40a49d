//! Ingest validation: each broken input gives its typed error naming file, column and row.

use std::path::Path;

use appfraud_features::{CsvSyntax, IngestError, read_data_dir, read_table};
use polars::prelude::*;

fn utc(values: Vec<Option<i64>>) -> Column {
    Series::new("submitted_at".into(), values)
        .into_datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
        .into_column()
}

/// A valid three-row applications table with only the required columns' neighbours filled in.
fn applications() -> DataFrame {
    let n = 3;
    let s = |name: &str, v: Vec<Option<&str>>| Series::new(name.into(), v).into_column();
    let none_str = |name: &str| Series::new(name.into(), vec![None::<&str>; n]).into_column();
    let none_i32 = |name: &str| Series::new(name.into(), vec![None::<i32>; n]).into_column();
    let none_ts = |name: &str| {
        Series::new(name.into(), vec![None::<i64>; n])
            .into_datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
            .into_column()
    };
    let cols = vec![
        s("application_id", vec![Some("a1"), Some("a2"), Some("a3")]),
        utc(vec![
            Some(1_700_000_000_000_000),
            Some(1_700_000_100_000_000),
            Some(1_700_000_200_000_000),
        ]),
        s("job_id", vec![Some("J1"); 3]),
        s(
            "full_name",
            vec![Some("Ann Lee"), Some("Bo Park"), Some("Cy Diaz")],
        ),
        s(
            "email",
            vec![Some("a@x.org"), Some("b@x.org"), Some("c@x.org")],
        ),
        none_str("phone"),
        s("claimed_country", vec![Some("US"); 3]),
        none_str("claimed_region"),
        none_str("claimed_city"),
        none_str("shipping_address"),
        none_str("ip"),
        none_str("device_id"),
        none_str("user_agent"),
        none_i32("browser_tz_offset_min"),
        none_str("profile_url"),
        none_ts("profile_created_at"),
        none_ts("profile_prev_activity_at"),
        none_i32("profile_recent_edits"),
        none_i32("profile_connections"),
        none_str("institution"),
        none_str("degree"),
        none_str("major"),
        none_i32("graduation_year"),
        Series::new(
            "years_experience".into(),
            vec![Some(1.5f32), None, Some(3.0)],
        )
        .into_column(),
        none_str("resume_text"),
    ];
    DataFrame::new(n, cols).unwrap()
}

fn write(dir: &Path, mut df: DataFrame) {
    let f = std::fs::File::create(dir.join("applications.parquet")).unwrap();
    ParquetWriter::new(f).finish(&mut df).unwrap();
}

#[test]
fn a_valid_table_is_read_in_contract_order_without_extra_columns() {
    let dir = tempfile::tempdir().unwrap();
    let mut df = applications();
    df.with_column(Series::new("extra".into(), vec![1i64, 2, 3]).into_column())
        .unwrap();
    write(dir.path(), df);
    let frames = read_data_dir(dir.path()).unwrap();
    assert_eq!(frames.applications.height(), 3);
    assert_eq!(frames.applications.width(), 25);
    assert!(frames.telemetry.is_none() && frames.labels.is_none());
}

#[test]
fn missing_applications_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let err = read_data_dir(dir.path()).unwrap_err();
    assert!(
        matches!(
            err,
            IngestError::MissingFile {
                stem: "applications",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn missing_column_is_named_with_its_file() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), applications().drop("email").unwrap());
    let err = read_data_dir(dir.path()).unwrap_err();
    match &err {
        IngestError::MissingColumn { file, column } => {
            assert_eq!(*column, "email");
            assert!(file.ends_with("applications.parquet"));
        }
        other => panic!("unexpected {other}"),
    }
    assert!(err.to_string().contains("applications.parquet") && err.to_string().contains("email"));
}

#[test]
fn wrong_type_names_expected_and_found() {
    let dir = tempfile::tempdir().unwrap();
    let mut df = applications();
    df.with_column(Series::new("years_experience".into(), vec!["1", "2", "3"]).into_column())
        .unwrap();
    write(dir.path(), df);
    let err = read_data_dir(dir.path()).unwrap_err();
    assert!(
        matches!(
            &err,
            IngestError::WrongType {
                column: "years_experience",
                expected: "float32",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn timestamp_without_utc_zone_is_a_wrong_type() {
    let dir = tempfile::tempdir().unwrap();
    let mut df = applications();
    let naive = Series::new("submitted_at".into(), vec![1i64, 2, 3])
        .into_datetime(TimeUnit::Microseconds, None);
    df.with_column(naive.into_column()).unwrap();
    write(dir.path(), df);
    let err = read_data_dir(dir.path()).unwrap_err();
    assert!(
        matches!(
            &err,
            IngestError::WrongType {
                column: "submitted_at",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn null_in_a_required_column_names_the_first_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut df = applications();
    df.with_column(Series::new("email".into(), vec![Some("a@x.org"), None, None]).into_column())
        .unwrap();
    write(dir.path(), df);
    let err = read_data_dir(dir.path()).unwrap_err();
    assert!(
        matches!(
            &err,
            IngestError::NullValue {
                column: "email",
                row: 1,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn csv_labels_with_rfc3339_timestamps_are_read_and_bad_values_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("labels.csv"),
        "application_id,is_fraud,labeled_at\na1,true,2024-03-01T10:00:00Z\na2,false,2024-03-02T11:30:00.250Z\n",
    )
    .unwrap();
    let labels = read_table(dir.path(), &appfraud_core::schema::LABELS)
        .unwrap()
        .unwrap();
    let at = labels
        .column("labeled_at")
        .unwrap()
        .cast(&DataType::Int64)
        .unwrap();
    // 2024-03-01T10:00:00Z = 1709287200 s and 2024-03-02T11:30:00Z = 1709379000 s since the
    // epoch (GNU date: date -u -d 2024-03-01T10:00:00Z +%s).
    assert_eq!(at.i64().unwrap().get(0), Some(1_709_287_200_000_000));
    assert_eq!(at.i64().unwrap().get(1), Some(1_709_379_000_250_000));

    std::fs::write(
        dir.path().join("labels.csv"),
        "application_id,is_fraud,labeled_at\na1,true,2024-03-01T10:00:00Z\na2,maybe,2024-03-02T11:30:00Z\n",
    )
    .unwrap();
    let err = read_table(dir.path(), &appfraud_core::schema::LABELS).unwrap_err();
    assert!(
        matches!(
            &err,
            IngestError::WrongType {
                column: "is_fraud",
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("row 1"), "{err}");
}

fn write_telemetry(dir: &Path, ids: Vec<&str>, lag: Vec<Option<f32>>) {
    let n = ids.len();
    let s = |name: &str, v: Vec<Option<&str>>| Series::new(name.into(), v).into_column();
    let cols = vec![
        Series::new("application_id".into(), ids).into_column(),
        s("session_id", vec![Some("s1"); n]),
        Series::new("event_at".into(), vec![Some(1_700_000_050_000_000i64); n])
            .into_datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
            .into_column(),
        s("ip", vec![Some("10.0.0.256"); n]),
        s("device_id", vec![None; n]),
        Series::new("tz_offset_min".into(), vec![Some(-300i32); n]).into_column(),
        Series::new("input_lag_ms".into(), lag).into_column(),
        Series::new("typing_interval_ms".into(), vec![Some(150.0f32); n]).into_column(),
        s("remote_tool", vec![None; n]),
        Series::new("is_virtual_machine".into(), vec![Some(false); n]).into_column(),
        s("screen", vec![None; n]),
    ];
    let mut df = DataFrame::new(n, cols).unwrap();
    let f = std::fs::File::create(dir.join("telemetry.parquet")).unwrap();
    ParquetWriter::new(f).finish(&mut df).unwrap();
}

#[test]
fn questionable_values_become_missing_and_are_counted_without_dropping_applications() {
    let dir = tempfile::tempdir().unwrap();
    let mut df = applications();
    df.with_column(
        Series::new(
            "years_experience".into(),
            vec![Some(f32::NAN), Some(-1.0), Some(4.5)],
        )
        .into_column(),
    )
    .unwrap();
    // 1_700_000_000 s is 2023-11-14: 2091 is more than ten years later, 1899 before 1940.
    df.with_column(
        Series::new(
            "graduation_year".into(),
            vec![Some(2091i32), Some(1899), Some(2015)],
        )
        .into_column(),
    )
    .unwrap();
    write(dir.path(), df);
    // Telemetry: one row for a known application with a negative latency, one for an unknown one.
    write_telemetry(dir.path(), vec!["a1", "zz"], vec![Some(-3.0), Some(20.0)]);
    let frames = read_data_dir(dir.path()).unwrap();
    let r = &frames.report;
    assert_eq!(frames.applications.height(), 3, "no application is dropped");
    assert_eq!(
        r.count(
            "applications",
            "years_experience",
            "NaN, infinite, negative or above 70"
        ),
        2
    );
    assert_eq!(
        r.count(
            "applications",
            "graduation_year",
            "before 1940 or over 10 years after submission"
        ),
        2
    );
    let years = frames
        .applications
        .column("years_experience")
        .unwrap()
        .f32()
        .unwrap()
        .clone();
    assert_eq!(
        years.iter().collect::<Vec<_>>(),
        vec![None, None, Some(4.5)]
    );
    assert_eq!(
        r.count("telemetry", "application_id", "unknown application"),
        1
    );
    assert_eq!(
        r.count(
            "telemetry",
            "input_lag_ms",
            "NaN, infinite or negative duration"
        ),
        1
    );
    assert_eq!(r.count("telemetry", "ip", "not an IP address"), 2);
    let tel = frames.telemetry.unwrap();
    assert_eq!(
        tel.height(),
        1,
        "the unknown application's row is excluded (and counted)"
    );
    assert!(
        r.to_string().contains(
            "telemetry.application_id: unknown application in 1 rows (first: row 1): excluded"
        ),
        "{r}"
    );
}

#[test]
fn duplicate_application_id_names_both_rows() {
    let dir = tempfile::tempdir().unwrap();
    let mut df = applications();
    df.with_column(Series::new("application_id".into(), vec!["a1", "a2", "a1"]).into_column())
        .unwrap();
    write(dir.path(), df);
    let err = read_data_dir(dir.path()).unwrap_err();
    assert!(
        matches!(
            &err,
            IngestError::Duplicate {
                column: "application_id",
                row: 2,
                first_row: 0,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn empty_and_truncated_files_are_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("applications.parquet"), b"").unwrap();
    assert!(matches!(
        read_data_dir(dir.path()).unwrap_err(),
        IngestError::Empty { .. }
    ));

    write(dir.path(), applications());
    let path = dir.path().join("applications.parquet");
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let err = read_data_dir(dir.path()).unwrap_err();
    assert!(
        matches!(&err, IngestError::Unreadable { .. })
            && err.to_string().contains("applications.parquet"),
        "{err}"
    );
}

#[test]
fn ragged_csv_rows_and_invalid_utf8_are_named_by_row() {
    let dir = tempfile::tempdir().unwrap();
    let header = "application_id,is_fraud,labeled_at\n";
    std::fs::write(
        dir.path().join("labels.csv"),
        format!("{header}a1,true,2024-03-01T10:00:00Z\na2,false\n"),
    )
    .unwrap();
    let err = read_table(dir.path(), &appfraud_core::schema::LABELS).unwrap_err();
    assert!(
        matches!(
            &err,
            IngestError::RaggedRow {
                row: 1,
                expected: 3,
                found: 2,
                ..
            }
        ),
        "{err}"
    );

    let mut bytes = format!("{header}a1,true,2024-03-01T10:00:00Z\n").into_bytes();
    bytes.extend_from_slice(b"a\xff2,true,2024-03-01T10:00:00Z\n");
    std::fs::write(dir.path().join("labels.csv"), bytes).unwrap();
    let err = read_table(dir.path(), &appfraud_core::schema::LABELS).unwrap_err();
    assert!(
        matches!(&err, IngestError::InvalidUtf8 { row: Some(1), .. })
            && err.to_string().contains("application_id"),
        "{err}"
    );
}

#[test]
fn csv_tables_are_strict_rfc_4180_and_errors_name_line_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let header = "application_id,is_fraud,labeled_at\n";
    let ok_row = "a1,true,2024-03-01T10:00:00Z\n";
    let read = |text: String| {
        std::fs::write(dir.path().join("labels.csv"), text).unwrap();
        read_table(dir.path(), &appfraud_core::schema::LABELS)
    };
    // (text after the header's line, expected line, row, column, problem)
    let cases = [
        // The `csv` crate alone would read `a2x`.
        (
            format!("{ok_row}\"a2\"x,false,2024-03-01T10:00:00Z\n"),
            3,
            Some(1),
            Some("application_id"),
            CsvSyntax::TextAfterClosingQuote,
        ),
        // ... and keep the quote as data.
        (
            format!("{ok_row}a2,fal\"se,2024-03-01T10:00:00Z\n"),
            3,
            Some(1),
            Some("is_fraud"),
            CsvSyntax::QuoteInUnquotedField,
        ),
        // ... and read the rest of the file into one field, then call the record short.
        (
            format!("{ok_row}\n\"a2,false,2024-03-01T10:00:00Z\n{ok_row}"),
            4,
            Some(1),
            Some("application_id"),
            CsvSyntax::UnclosedQuote,
        ),
    ];
    for (rows, line, row, column, problem) in cases {
        match read(format!("{header}{rows}")) {
            Err(IngestError::MalformedCsv {
                file,
                line: l,
                row: r,
                column: c,
                problem: p,
            }) => {
                assert!(file.ends_with("labels.csv"), "{file:?}");
                assert_eq!(
                    (l, r, c.as_deref(), p),
                    (line, row, column, problem),
                    "{rows:?}"
                );
            }
            other => panic!("{rows:?}: {other:?}"),
        }
    }

    // A contract column named twice, even after the column it would shadow.
    let err =
        read("is_fraud,application_id,labeled_at,is_fraud\ntrue,a1,x,y\n".to_string()).unwrap_err();
    assert!(
        matches!(
            &err,
            IngestError::MalformedCsv {
                line: 1,
                row: None,
                column: Some(c),
                problem: CsvSyntax::DuplicateColumn,
                ..
            } if c == "is_fraud"
        ),
        "{err}"
    );
    // A missing column is named with the header as it is.
    let err = read("application_id,labeled_at,extra\na1,2024-03-01T10:00:00Z,\n".to_string())
        .unwrap_err();
    assert!(
        matches!(
            &err,
            IngestError::MissingHeaderColumn { column: "is_fraud", header, .. }
                if header == "application_id,labeled_at,extra"
        ),
        "{err}"
    );
    // Quoted fields, CRLF, a blank line and an extra column: read as the contract says, the
    // extra column ignored.
    let df = read(
        "extra,labeled_at,is_fraud,application_id\r\n\
         \"x,\"\"y\"\"\",2024-03-01T10:00:00Z,true,\"a\r\n1\"\r\n\r\n\
         ,2024-03-02T10:00:00Z,false,a2"
            .to_string(),
    )
    .unwrap()
    .unwrap();
    let ids: Vec<_> = df
        .column("application_id")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(ids, [Some("a\r\n1"), Some("a2")]);
    let fraud: Vec<_> = df
        .column("is_fraud")
        .unwrap()
        .bool()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(fraud, [Some(true), Some(false)]);
    // An empty field is a null (here in a column that may not hold one).
    let err = read(format!("{header}{ok_row}a2,,2024-03-01T10:00:00Z\n")).unwrap_err();
    assert!(
        matches!(
            &err,
            IngestError::NullValue {
                column: "is_fraud",
                row: 1,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn the_built_in_sample_reads_with_its_documented_noise_counted() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../notebooks-data/sample");
    let frames = read_data_dir(&sample).unwrap();
    assert_eq!(frames.applications.height(), 20_000);
    // The generator writes rare malformed IPs and negative latencies (synth crate docs).
    assert!(
        frames
            .report
            .count("applications", "ip", "not an IP address")
            > 0,
        "{}",
        frames.report
    );
    assert!(
        frames.report.count(
            "telemetry",
            "input_lag_ms",
            "NaN, infinite or negative duration"
        ) > 0
    );
}

/// The feature pipeline does not decode `user_agent` (no feature reads it) but still checks its
/// type in the Parquet schema, with the same error `read_data_dir`, which reads it, gives.
#[test]
fn an_unread_column_of_the_wrong_type_is_refused_by_the_feature_pipeline_too() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), applications());
    let raw = read_data_dir(dir.path()).unwrap();
    assert!(raw.applications.column("user_agent").is_ok());

    let mut df = applications();
    df.with_column(Series::new("user_agent".into(), vec![1i32, 2, 3]).into_column())
        .unwrap();
    write(dir.path(), df);
    let wrong_type = |err: &IngestError| {
        matches!(
            err,
            IngestError::WrongType {
                column: "user_agent",
                expected: "utf8",
                ..
            }
        )
    };
    let err = read_data_dir(dir.path()).unwrap_err();
    assert!(wrong_type(&err), "{err}");
    let err = appfraud_features::features_from_data_dir(
        dir.path(),
        appfraud_features::FeatureOptions::default(),
        &|_| {},
    )
    .unwrap_err();
    match &err {
        appfraud_features::FeatureError::Ingest(e) => assert!(wrong_type(e), "{err}"),
        other => panic!("expected an ingest error, got {other}"),
    }
}
