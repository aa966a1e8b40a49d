//! Datasets: out-of-time splits with the label-delay embargo on the built-in sample, and the
//! generic table mode (label parsing, categorical coding, typed errors).

use std::path::{Path, PathBuf};

use appfraud_train::{Dataset, Split, SplitSpec, TrainError};

#[path = "support/sample.rs"]
mod sample;
use sample::{micros, sample_dir};

#[test]
fn sample_splits_by_the_last_labelled_quarters_with_embargo() {
    let d = Dataset::from_data_dir(&sample_dir(), SplitSpec::default()).unwrap();
    // The sample spans 2024-01-01 .. 2025-12-31: test = 2025Q4, validation = 2025Q3.
    assert_eq!(d.summary.test_from, Some(micros("2025-10-01")));
    assert_eq!(d.summary.valid_from, Some(micros("2025-07-01")));
    let times = d.times.as_ref().unwrap();
    for (t, s) in times.iter().zip(&d.splits) {
        let expected = if *t < micros("2025-07-01") {
            Split::Train
        } else if *t < micros("2025-10-01") {
            Split::Valid
        } else {
            Split::Test
        };
        assert_eq!(*s, expected);
    }
    // Labels arrive weeks after submission, so late training rows lose theirs to the
    // embargo; and farms span quarters, so some training rows share a cluster with later ones.
    assert!(d.summary.dropped_label_delay > 0, "{:?}", d.summary);
    assert!(d.summary.dropped_cluster_overlap > 0, "{:?}", d.summary);
    assert_eq!(d.columns.len(), d.feature_set.len());
    assert!(d.columns.iter().all(|c| c.len() == d.labels.len()));
    for (split, rows, pos) in &d.summary.counts {
        assert!(
            *rows > 100 && *pos > 5,
            "{split:?}: {rows} rows, {pos} positives"
        );
    }
    let unique: std::collections::HashSet<&String> = d.ids.iter().collect();
    assert_eq!(unique.len(), d.ids.len());
    // Explicit dates win over the defaults.
    let d2 = Dataset::from_data_dir(
        &sample_dir(),
        SplitSpec {
            valid_from: Some(micros("2025-04-01")),
            test_from: Some(micros("2025-07-01")),
        },
    )
    .unwrap();
    assert_eq!(d2.summary.valid_from, Some(micros("2025-04-01")));
    let e = Dataset::from_data_dir(
        &sample_dir(),
        SplitSpec {
            valid_from: Some(micros("2025-08-01")),
            test_from: Some(micros("2025-07-01")),
        },
    )
    .unwrap_err();
    assert!(matches!(e, TrainError::InvalidArgument { .. }), "{e}");
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn tables_are_used_as_they_are() {
    let tmp = tempfile::tempdir().unwrap();
    let mut csv = String::from("id,when,amount,channel,flag,label\n");
    for i in 0..400 {
        let month = 1 + i % 12;
        let channel = ["web", "web", "app", "phone"][i % 4];
        let label = if i % 5 == 0 { "yes" } else { "no" };
        csv.push_str(&format!(
            "r{i},2025-{month:02}-15,{}.5,{channel},{},{label}\n",
            i % 37,
            i % 2 == 0
        ));
    }
    let path = write(tmp.path(), "t.csv", &csv);
    let d = Dataset::from_table(
        &path,
        "label",
        Some("when"),
        Some("id"),
        SplitSpec::default(),
    )
    .unwrap();
    let names: Vec<&str> = d
        .feature_set
        .features()
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(names, ["amount", "channel", "flag"]);
    // Test = 2025Q4, validation = 2025Q3 (the last quarters with labels).
    assert_eq!(d.summary.test_from, Some(micros("2025-10-01")));
    // "web" is the most frequent channel in training: code 0; then "app"/"phone" by name.
    let channel = &d.columns[1];
    let i = d.ids.iter().position(|x| x == "r0").unwrap();
    assert_eq!(channel[i], 0.0);
    let j = d.ids.iter().position(|x| x == "r2").unwrap();
    assert_eq!(channel[j], 1.0, "app");
    assert_eq!(d.labels.iter().filter(|l| **l).count(), 80);

    // Without a time column: a stable 70/15/15 hash split.
    let h = Dataset::from_table(&path, "label", None, Some("id"), SplitSpec::default()).unwrap();
    let train = h.splits.iter().filter(|s| **s == Split::Train).count();
    assert!((240..=320).contains(&train), "{train}");

    // Errors name the file, column and row.
    let e = Dataset::from_table(&path, "nope", None, None, SplitSpec::default()).unwrap_err();
    assert!(
        matches!(&e, TrainError::UnknownColumn { column, .. } if column == "nope"),
        "{e}"
    );
    let bad = write(tmp.path(), "bad.csv", "x,label\n1,true\n2,maybe\n3,false\n");
    let e = Dataset::from_table(&bad, "label", None, None, SplitSpec::default()).unwrap_err();
    assert!(
        matches!(&e, TrainError::BadLabel { row: 1, value, .. } if value == "maybe"),
        "{e}"
    );
    let single = write(tmp.path(), "one.csv", "x,label\n1,0\n2,0\n3,0\n4,0\n");
    let e = Dataset::from_table(&single, "label", None, None, SplitSpec::default()).unwrap_err();
    assert!(matches!(e, TrainError::SingleClass { .. }), "{e}");
}

#[test]
fn a_data_directory_without_applications_is_a_typed_user_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = Dataset::from_data_dir(dir.path(), SplitSpec::default()).unwrap_err();
    // The feature crate's error is kept as it is, not turned into a string.
    match &err {
        TrainError::Features(appfraud_features::FeatureError::Ingest(
            appfraud_features::IngestError::MissingFile { stem, .. },
        )) => assert_eq!(*stem, "applications"),
        other => panic!("expected a missing applications file, got {other:?}"),
    }
    assert!(err.is_user_error());
    assert!(err.to_string().contains("applications.parquet"), "{err}");
}
