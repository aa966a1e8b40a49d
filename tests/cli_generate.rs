//! End-to-end tests of `appfraud generate`: the files it writes are read back and compared with
//! the contract of docs/input-contract.md as transcribed below (not with the writer's own schema
//! code).

use std::path::Path;

use polars::prelude::*;

mod common;
use common::{read, run};

fn generate(dir: &Path, extra: &[&str]) {
    let mut args = vec!["--quiet", "generate", "--out", dir.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = run(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// docs/input-contract.md, version 1: (column, Arrow type, nullable), in the order of the document.
fn utc() -> DataType {
    DataType::Datetime(TimeUnit::Microseconds, Some(TimeZone::UTC))
}

fn applications_contract() -> Vec<(&'static str, DataType, bool)> {
    use DataType::*;
    vec![
        ("application_id", String, false),
        ("submitted_at", utc(), false),
        ("job_id", String, false),
        ("full_name", String, false),
        ("email", String, false),
        ("phone", String, true),
        ("claimed_country", String, false),
        ("claimed_region", String, true),
        ("claimed_city", String, true),
        ("shipping_address", String, true),
        ("ip", String, true),
        ("device_id", String, true),
        ("user_agent", String, true),
        ("browser_tz_offset_min", Int32, true),
        ("profile_url", String, true),
        ("profile_created_at", utc(), true),
        ("profile_prev_activity_at", utc(), true),
        ("profile_recent_edits", Int32, true),
        ("profile_connections", Int32, true),
        ("institution", String, true),
        ("degree", String, true),
        ("major", String, true),
        ("graduation_year", Int32, true),
        ("years_experience", Float32, true),
        ("resume_text", String, true),
    ]
}

fn telemetry_contract() -> Vec<(&'static str, DataType, bool)> {
    use DataType::*;
    vec![
        ("application_id", String, false),
        ("session_id", String, false),
        ("event_at", utc(), false),
        ("ip", String, true),
        ("device_id", String, true),
        ("tz_offset_min", Int32, true),
        ("input_lag_ms", Float32, true),
        ("typing_interval_ms", Float32, true),
        ("remote_tool", String, true),
        ("is_virtual_machine", Boolean, true),
        ("screen", String, true),
    ]
}

fn labels_contract() -> Vec<(&'static str, DataType, bool)> {
    vec![
        ("application_id", DataType::String, false),
        ("is_fraud", DataType::Boolean, false),
        ("labeled_at", utc(), false),
    ]
}

fn assert_conforms(df: &DataFrame, contract: &[(&str, DataType, bool)], file: &str) {
    let found: Vec<(String, DataType)> = df
        .schema()
        .iter()
        .map(|(n, t)| (n.to_string(), t.clone()))
        .collect();
    let expected: Vec<(String, DataType)> = contract
        .iter()
        .map(|(n, t, _)| (n.to_string(), t.clone()))
        .collect();
    assert_eq!(found, expected, "{file}: columns and types");
    for (name, _, nullable) in contract {
        let nulls = df.column(name).unwrap().null_count();
        if !nullable {
            assert_eq!(nulls, 0, "{file}.{name} must not hold nulls");
        }
    }
    assert!(df.height() > 0, "{file} is empty");
}

#[test]
fn generated_files_conform_to_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), &["--applications", "3000", "--seed", "5"]);
    let apps = read(&dir.path().join("applications.parquet"));
    assert_eq!(apps.height(), 3000);
    assert_conforms(&apps, &applications_contract(), "applications");
    assert_conforms(
        &read(&dir.path().join("telemetry.parquet")),
        &telemetry_contract(),
        "telemetry",
    );
    assert_conforms(
        &read(&dir.path().join("labels.parquet")),
        &labels_contract(),
        "labels",
    );
    assert_eq!(
        apps.column("application_id").unwrap().n_unique().unwrap(),
        3000,
        "ids are unique"
    );
    // Nullable columns do hold nulls somewhere: the generator exercises the contract.
    for col in ["phone", "ip", "profile_url", "graduation_year"] {
        assert!(
            apps.column(col).unwrap().null_count() > 0,
            "{col} never null"
        );
    }
    for (file, header) in [
        (
            "reference/high_risk_institutions.csv",
            "name,aliases,country",
        ),
        ("reference/ip_ranges.csv", "cidr,asn,org,kind,country"),
    ] {
        let text = std::fs::read_to_string(dir.path().join(file)).unwrap();
        assert_eq!(text.lines().next(), Some(header), "{file}");
        assert!(text.lines().count() > 20, "{file} has rows");
    }
    let kinds: std::collections::BTreeSet<String> =
        std::fs::read_to_string(dir.path().join("reference/ip_ranges.csv"))
            .unwrap()
            .lines()
            .skip(1)
            .map(|l| l.split(',').nth(3).unwrap().to_string())
            .collect();
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        [
            "business",
            "hosting",
            "mobile",
            "proxy",
            "residential",
            "vpn"
        ]
    );
    // The toolkit's own ingest accepts what was written.
    appfraud_features::read_data_dir(dir.path()).unwrap();
}

#[test]
fn same_seed_writes_identical_files_and_another_seed_does_not() {
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    generate(a.path(), &["--applications", "1500", "--seed", "77"]);
    generate(b.path(), &["--applications", "1500", "--seed", "77"]);
    generate(c.path(), &["--applications", "1500", "--seed", "78"]);
    for file in [
        "applications.parquet",
        "telemetry.parquet",
        "labels.parquet",
        "reference/high_risk_institutions.csv",
        "reference/ip_ranges.csv",
    ] {
        let x = std::fs::read(a.path().join(file)).unwrap();
        assert_eq!(
            x,
            std::fs::read(b.path().join(file)).unwrap(),
            "{file} differs for the same seed"
        );
    }
    let x = std::fs::read(a.path().join("applications.parquet")).unwrap();
    assert_ne!(
        x,
        std::fs::read(c.path().join("applications.parquet")).unwrap()
    );
}

#[test]
fn the_committed_sample_is_what_its_documented_command_writes() {
    // notebooks-data/sample/README.md: appfraud generate --out notebooks-data/sample
    //   --applications 20000 --seed 42 --start 2024-01-01 --quarters 8
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("notebooks-data/sample");
    let dir = tempfile::tempdir().unwrap();
    generate(
        dir.path(),
        &[
            "--applications",
            "20000",
            "--seed",
            "42",
            "--start",
            "2024-01-01",
            "--quarters",
            "8",
        ],
    );
    for file in [
        "applications.parquet",
        "telemetry.parquet",
        "labels.parquet",
        "reference/ip_ranges.csv",
    ] {
        let committed = std::fs::read(sample.join(file)).unwrap();
        assert!(
            committed == std::fs::read(dir.path().join(file)).unwrap(),
            "{file}: regenerate the sample with the command in its README"
        );
    }
}

#[test]
fn bad_arguments_exit_with_code_2_and_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("x");
    let out = run(&[
        "generate",
        "--out",
        out_dir.to_str().unwrap(),
        "--quarters",
        "0",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("quarters") && err.lines().count() == 1,
        "{err}"
    );

    let out = run(&[
        "generate",
        "--out",
        out_dir.to_str().unwrap(),
        "--start",
        "2024-13-01",
    ]);
    assert_eq!(out.status.code(), Some(2));

    // An output path below a regular file cannot be created.
    let file = dir.path().join("plain-file");
    std::fs::write(&file, b"x").unwrap();
    let below = file.join("data");
    let out = run(&[
        "generate",
        "--out",
        below.to_str().unwrap(),
        "--applications",
        "10",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("plain-file") && !err.contains("panicked"),
        "{err}"
    );
}

#[test]
fn generate_help_lists_every_parameter_with_its_default_and_range() {
    let out = run(&["generate", "--help"]);
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for line in [
        "  applications = 20000  (between 1 and 50000000)",
        "  seed = 42  (any unsigned 64-bit integer)",
        "  start = 2024-01-01  (a date between 1990 and 2100)",
        "  quarters = 8  (between 1 and 40)",
    ] {
        assert!(help.contains(line), "{line:?} missing from:\n{help}");
    }
}

#[test]
fn every_command_is_offered() {
    let out = run(&["--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    for offered in [
        "generate", "features", "train", "import", "evaluate", "score", "snapshot", "drift",
        "serve", "demo",
    ] {
        assert!(
            help.lines().any(|l| l.trim_start().starts_with(offered)),
            "{offered} not offered:\n{help}"
        );
    }
}
