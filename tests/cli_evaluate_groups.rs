//! End-to-end tests of `appfraud evaluate --group` and `train --group`: a column of the
//! applications table (`claimed_country`, a national-origin proxy that is never a model input)
//! and a side table joined by `application_id`; the metrics and the trained model do not change
//! with a group; the report directory and the trained package hold a model card with a section
//! on the groups; bad group input exits with 2. The metric
//! values themselves are checked against fairlearn in `tests/fairness_reference.rs` and by hand
//! in `train/src/fairness.rs`.

use std::path::Path;

use serde_json::Value;

mod common;
use common::{baseline, ok, read, run, s, sample, usage_error};

fn evaluate(extra: &[&str]) -> Value {
    let (model, data) = (baseline(), sample());
    let mut args = vec![
        "--quiet",
        "evaluate",
        "--model",
        s(&model),
        "--data",
        s(&data),
        "--since",
        "2025-07-01",
    ];
    args.extend_from_slice(extra);
    serde_json::from_str(&ok(&run(&args))).expect("JSON on stdout")
}

fn group_rows(f: &Value) -> u64 {
    f["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["rows"].as_u64().unwrap())
        .sum()
}

#[test]
fn groups_of_an_applications_column() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report");
    let plain = evaluate(&[]);
    assert!(plain.get("fairness").is_none());
    let with = evaluate(&["--group", "claimed_country", "--out", s(&out)]);
    // The metrics are the same with and without a group: it is not an input.
    for key in ["rows", "positives", "roc_auc", "pr_auc", "brier"] {
        assert_eq!(plain[key], with[key], "{key}");
    }
    let f = &with["fairness"];
    assert_eq!(f["column"], "claimed_country");
    // claimed_country is required, so no group is unknown; every evaluated row is in a group.
    assert_eq!(f["unknown_group"], 0);
    assert_eq!(group_rows(f), with["rows"].as_u64().unwrap());
    let groups = f["groups"].as_array().unwrap();
    assert!(groups.len() >= 2);
    for g in groups {
        let flag = &g["flag_rate"];
        let (lo, est, hi) = (
            flag["low"].as_f64().unwrap(),
            flag["estimate"].as_f64().unwrap(),
            flag["high"].as_f64().unwrap(),
        );
        assert!(lo <= est && est <= hi, "{g}");
        let ratio = g["impact_ratio"]["estimate"].as_f64().unwrap();
        assert!(ratio > 0.0 && ratio <= 1.0, "{g}");
    }
    let favoured = f["most_favoured_pass"].as_str().unwrap();
    let top = groups.iter().find(|g| g["group"] == favoured).unwrap();
    assert_eq!(top["impact_ratio"]["estimate"].as_f64(), Some(1.0));
    // The report: the JSON, the section, and the package's card followed by the section.
    let saved: Value =
        serde_json::from_slice(&std::fs::read(out.join("evaluation.json")).unwrap()).unwrap();
    assert_eq!(saved, with);
    let card = std::fs::read_to_string(baseline().join("model_card.md")).unwrap();
    let extended = std::fs::read_to_string(out.join("model_card.md")).unwrap();
    assert!(extended.starts_with(card.trim_end()));
    assert!(extended.contains("## Fairness across `claimed_country`"));
    let section = std::fs::read_to_string(out.join("fairness.md")).unwrap();
    assert!(extended.ends_with(&section));
}

/// Writes a CSV side table of cohorts: every application of the sample by position, but each
/// tenth has no row and each tenth after it an empty value (both unknown). The cohorts look
/// like numbers and must stay text (`007`, not 7).
fn write_side_table(path: &Path) -> usize {
    let apps = read(&sample().join("applications.parquet"));
    let ids = apps
        .column("application_id")
        .unwrap()
        .str()
        .unwrap()
        .clone();
    let mut text = String::from("application_id,cohort\n");
    let mut left_out = 0;
    for (i, id) in ids.iter().enumerate() {
        match i % 10 {
            9 => left_out += 1,
            8 => text.push_str(&format!("{},\n", id.unwrap())),
            _ => text.push_str(&format!("{},{}\n", id.unwrap(), ["007", "08", "9"][i % 3])),
        }
    }
    // A row for an application that is not in the data is harmless.
    text.push_str("not-an-application,007\n");
    std::fs::write(path, text).unwrap();
    left_out
}

#[test]
fn groups_from_a_side_table_count_the_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let side = dir.path().join("groups.csv");
    assert!(write_side_table(&side) > 0);
    let e = evaluate(&["--group", "cohort", "--groups", s(&side)]);
    let f = &e["fairness"];
    let names: Vec<&str> = f["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["group"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["007", "08", "9"]);
    let unknown = f["unknown_group"].as_u64().unwrap();
    assert!(
        unknown > 0,
        "a fifth of the applications have no row or no value"
    );
    assert_eq!(group_rows(f) + unknown, e["rows"].as_u64().unwrap());
}

#[test]
fn bad_group_input_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let (model, data) = (baseline(), sample());
    let base = ["evaluate", "--model", s(&model), "--data", s(&data)];
    // A column the applications table does not have.
    let mut args = base.to_vec();
    args.extend(["--group", "no_such_column"]);
    let err = usage_error(&run(&args));
    assert!(
        err.contains("no_such_column") && err.contains("applications.parquet"),
        "{err}"
    );
    // --groups needs --group.
    let side = dir.path().join("groups.csv");
    write_side_table(&side);
    let mut args = base.to_vec();
    args.extend(["--groups", s(&side)]);
    usage_error(&run(&args));
    // An application listed twice in the side table, named by its row.
    let twice = dir.path().join("twice.csv");
    std::fs::write(&twice, "application_id,cohort\nx,a\ny,b\nx,c\n").unwrap();
    let mut args = base.to_vec();
    args.extend(["--group", "cohort", "--groups", s(&twice)]);
    let err = usage_error(&run(&args));
    assert!(err.contains("row 2") && err.contains("twice"), "{err}");
}

#[test]
fn train_adds_a_fairness_section_and_the_group_is_no_input() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("model");
    let config = common::workspace().join("models/baseline.toml");
    ok(&run(&[
        "--quiet",
        "train",
        "--data",
        s(&sample()),
        "--config",
        s(&config),
        "--group",
        "claimed_country",
        "--out",
        s(&out),
    ]));
    // The baseline's configuration on the baseline's data: the model is the baseline's, byte
    // for byte, so the group changed nothing but the card.
    for f in ["model.onnx", "model.json"] {
        assert_eq!(
            std::fs::read(out.join(f)).unwrap(),
            std::fs::read(baseline().join(f)).unwrap(),
            "{f}"
        );
    }
    let card = std::fs::read_to_string(out.join("model_card.md")).unwrap();
    assert!(
        card.contains("## Fairness across `claimed_country`"),
        "{card}"
    );
    assert!(card.contains("held-out rows"));
    assert!(
        !std::fs::read_to_string(baseline().join("model_card.md"))
            .unwrap()
            .contains("## Fairness across")
    );

    // With --table, the group must come from a side table, never from the training table.
    let features = dir.path().join("features.parquet");
    ok(&run(&[
        "--quiet",
        "features",
        "--data",
        s(&sample()),
        "--out",
        s(&features),
    ]));
    let table_out = dir.path().join("table-model");
    let err = usage_error(&run(&[
        "train",
        "--table",
        s(&features),
        "--label",
        "phone_present",
        "--group",
        "phone_valid",
        "--out",
        s(&table_out),
    ]));
    assert!(err.contains("--groups"), "{err}");
}
