//! End-to-end tests of `appfraud features`: the frame it writes over a small generated data
//! directory (rows in = rows out, contract columns first, the features in FeatureSet order),
//! `--since`, CSV input giving the same frame as Parquet, and exit code 2 with a message naming
//! the file for bad input and bad arguments.

use std::path::Path;

use polars::prelude::*;

mod common;
use common::{ok, read, run};

fn generate(dir: &Path) {
    ok(&run(&[
        "--quiet",
        "generate",
        "--out",
        dir.to_str().unwrap(),
        "--applications",
        "1500",
        "--seed",
        "7",
    ]));
}

#[test]
fn features_writes_one_row_per_application_in_feature_set_order() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    generate(&data);
    let out = tmp.path().join("features.parquet");
    let run_out = run(&[
        "features",
        "--data",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    ok(&run_out);
    let stderr = String::from_utf8_lossy(&run_out.stderr);
    assert!(stderr.contains("computing feature rows"), "{stderr}");
    let frame = read(&out);
    let apps = read(&data.join("applications.parquet"));
    assert_eq!(frame.height(), apps.height());
    let set = appfraud_features::feature_set();
    let names: Vec<String> = frame
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    assert_eq!(names[..2], ["application_id", "submitted_at"]);
    let expected: Vec<String> = set.features().iter().map(|f| f.name.clone()).collect();
    assert_eq!(names[2..], expected[..]);
    for c in &frame.columns()[2..] {
        assert_eq!(c.dtype(), &DataType::Float32, "{}", c.name());
    }
    assert_eq!(
        frame
            .column("application_id")
            .unwrap()
            .as_materialized_series(),
        apps.column("application_id")
            .unwrap()
            .as_materialized_series()
    );
    // No temporary file is left beside the output.
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());

    // --since: only applications on or after the date, same values as the full run.
    let since_out = tmp.path().join("since.parquet");
    ok(&run(&[
        "--quiet",
        "features",
        "--data",
        data.to_str().unwrap(),
        "--out",
        since_out.to_str().unwrap(),
        "--since",
        "2025-01-01",
    ]));
    let later = read(&since_out);
    let cut = chrono::NaiveDate::from_ymd_opt(2025, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp_micros();
    let mask: BooleanChunked = frame
        .column("submitted_at")
        .unwrap()
        .to_physical_repr()
        .i64()
        .unwrap()
        .iter()
        .map(|t| t.map(|t| t >= cut))
        .collect();
    let expected = frame.filter(&mask).unwrap();
    assert!(later.height() > 0 && later.height() < frame.height());
    assert!(later.equals_missing(&expected));
}

#[test]
fn csv_input_gives_the_same_frame_as_parquet() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    generate(&data);
    let csv_dir = tmp.path().join("csv");
    std::fs::create_dir_all(csv_dir.join("reference")).unwrap();
    for r in ["ip_ranges.csv", "high_risk_institutions.csv"] {
        std::fs::copy(
            data.join("reference").join(r),
            csv_dir.join("reference").join(r),
        )
        .unwrap();
    }
    for table in ["applications", "telemetry", "labels"] {
        let mut df = read(&data.join(format!("{table}.parquet")));
        let file = std::fs::File::create(csv_dir.join(format!("{table}.csv"))).unwrap();
        CsvWriter::new(file)
            .with_datetime_format(Some("%Y-%m-%dT%H:%M:%S%.6fZ".into()))
            .finish(&mut df)
            .unwrap();
    }
    let a = tmp.path().join("a.parquet");
    let b = tmp.path().join("b.parquet");
    for (dir, out) in [(&data, &a), (&csv_dir, &b)] {
        ok(&run(&[
            "--quiet",
            "features",
            "--data",
            dir.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]));
    }
    assert!(read(&a).equals_missing(&read(&b)));
}

#[test]
fn bad_input_and_arguments_exit_with_2_and_name_the_problem() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("nowhere");
    let out = tmp.path().join("f.parquet");
    let r = run(&[
        "features",
        "--data",
        missing.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("applications.parquet"));

    // A data directory without its reference files.
    let data = tmp.path().join("data");
    generate(&data);
    std::fs::remove_file(data.join("reference/ip_ranges.csv")).unwrap();
    let r = run(&[
        "features",
        "--data",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("reference/ip_ranges"));
    assert!(!out.exists());

    // Output that is not Parquet, and a malformed date.
    let r = run(&[
        "features",
        "--data",
        data.to_str().unwrap(),
        "--out",
        "f.csv",
    ]);
    assert_eq!(r.status.code(), Some(2));
    let r = run(&[
        "features",
        "--data",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--since",
        "yesterday",
    ]);
    assert_eq!(r.status.code(), Some(2));
}
