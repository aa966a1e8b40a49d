//! `appfraud score --table`: scoring a table of precomputed features (what `appfraud features`
//! writes) gives the same probabilities as scoring the data directory, and an application whose
//! features break the model's contract is reported in the `error` column, never dropped.

use std::path::Path;

use polars::prelude::*;

mod common;
use common::{ok, read, run, workspace};

fn probabilities(df: &DataFrame) -> Vec<Option<f32>> {
    df.column("probability")
        .expect("probability")
        .f32()
        .expect("f32")
        .iter()
        .collect()
}

#[test]
fn table_of_features_scores_like_the_data_directory_and_reports_broken_rows() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let (sample, model) = (
        workspace().join("notebooks-data/sample"),
        workspace().join("models/baseline"),
    );
    let features = tmp.path().join("features.parquet");
    let (from_dir, from_table, broken_out) = (
        tmp.path().join("dir.parquet"),
        tmp.path().join("table.parquet"),
        tmp.path().join("broken.parquet"),
    );
    let s = |p: &Path| p.to_str().expect("utf-8 path").to_owned();
    ok(&run(&[
        "--quiet",
        "features",
        "--data",
        &s(&sample),
        "--out",
        &s(&features),
    ]));
    ok(&run(&[
        "--quiet",
        "score",
        "--model",
        &s(&model),
        "--data",
        &s(&sample),
        "--out",
        &s(&from_dir),
    ]));
    ok(&run(&[
        "--quiet",
        "score",
        "--model",
        &s(&model),
        "--table",
        &s(&features),
        "--out",
        &s(&from_table),
    ]));
    let (a, b) = (read(&from_dir), read(&from_table));
    assert_eq!(a.height(), 20_000);
    // Same features, same model, same engine: bit-identical probabilities and ids.
    assert_eq!(probabilities(&a), probabilities(&b));
    assert!(
        a.column("application_id")
            .unwrap()
            .equals(b.column("application_id").unwrap())
    );

    // Break row 7: `phone_present` is a `never`-missing feature; make it null. Make row 11's
    // `ip_kind_residential` infinite.
    let broken = tmp.path().join("broken-features.parquet");
    common::break_rows_7_and_11(&features, &broken);
    let out = run(&[
        "score",
        "--model",
        &s(&model),
        "--table",
        &s(&broken),
        "--out",
        &s(&broken_out),
    ]);
    ok(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("2 applications could not be scored"),
        "{stderr}"
    );
    let c = read(&broken_out);
    assert_eq!(c.height(), 20_000, "rows in = rows out");
    let p = probabilities(&c);
    let errors: Vec<Option<String>> = c
        .column("error")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|e| e.map(str::to_owned))
        .collect();
    for i in 0..c.height() {
        match i {
            7 | 11 => {
                assert_eq!(p[i], None, "row {i} is unscored");
                let e = errors[i].as_deref().expect("a reason");
                let feature = if i == 7 {
                    "phone_present"
                } else {
                    "ip_kind_residential"
                };
                assert!(e.contains(feature), "{e}");
            }
            _ => {
                assert_eq!(p[i], probabilities(&b)[i], "row {i} unchanged");
                assert_eq!(errors[i], None);
            }
        }
    }
}

#[test]
fn table_without_a_feature_column_is_refused_naming_it() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let table = tmp.path().join("t.csv");
    std::fs::write(&table, "application_id,phone_present\na,1\n").unwrap();
    let out = run(&[
        "score",
        "--model",
        workspace().join("models/baseline").to_str().unwrap(),
        "--table",
        table.to_str().unwrap(),
        "--out",
        tmp.path().join("o.parquet").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("t.csv") && stderr.contains("is missing"),
        "{stderr}"
    );
    assert!(!tmp.path().join("o.parquet").exists());
}

#[test]
fn a_package_trained_on_a_generic_table_gives_generic_reason_sentences() {
    // A table trained on as it is: its columns mean whatever the table says, even one named
    // like a pipeline feature (`ip_kind_hosting` here), so its reasons never take the feature
    // catalog's sentences: they name the column and its value.
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut csv = String::from("id,col_a,ip_kind_hosting,label\n");
    for i in 0..3000u32 {
        // The label follows both columns, with noise from a multiplicative hash.
        let noise = (i.wrapping_mul(2_654_435_761) >> 24) % 10;
        let a = f64::from((i * 37) % 100) / 10.0;
        let hosting = u32::from(noise > 6);
        let fraud = a > 8.0 && (hosting == 1 || noise > 3);
        csv.push_str(&format!("t{i},{a},{hosting},{fraud}\n"));
    }
    let table = tmp.path().join("t.csv");
    std::fs::write(&table, csv).expect("write table");
    let config = tmp.path().join("train.toml");
    std::fs::write(
        &config,
        "bootstrap_resamples = 0\n[gbdt]\nnum_trees = 20\nmin_data_in_leaf = 5\n",
    )
    .expect("write config");
    let (model, out) = (tmp.path().join("m"), tmp.path().join("s.parquet"));
    let s = |p: &Path| p.to_str().expect("utf-8 path").to_owned();
    ok(&run(&[
        "--quiet",
        "train",
        "--table",
        &s(&table),
        "--label",
        "label",
        "--id",
        "id",
        "--out",
        &s(&model),
        "--config",
        &s(&config),
    ]));
    ok(&run(&[
        "--quiet",
        "score",
        "--model",
        &s(&model),
        "--table",
        &s(&table),
        "--out",
        &s(&out),
        "--reasons-for",
        "all",
    ]));
    let df = read(&out);
    let list = df.column("reasons").expect("reasons").list().expect("list");
    let mut seen = std::collections::BTreeSet::new();
    for (i, row) in list.series_iter().enumerate() {
        let row = row.expect("a list per row");
        let row = row.struct_().expect("struct");
        let feature = row.field_by_name("feature").expect("feature");
        let value = row.field_by_name("value").expect("value");
        let text = row.field_by_name("text").expect("text");
        let rows = feature
            .str()
            .expect("str")
            .iter()
            .zip(value.f32().expect("f32").iter())
            .zip(text.str().expect("str").iter());
        for ((f, v), t) in rows {
            let (f, v, t) = (f.expect("feature"), v.expect("value"), t.expect("text"));
            // Reference: the generic sentence's contract, "<column> = <value> raised the
            // score", the value as Rust prints an f32 (the table's values have at most one
            // decimal, which the sentence keeps exactly).
            assert_eq!(t, format!("{f} = {v} raised the score"), "row {i}");
            assert_eq!(t, appfraud_features::catalog::generic_sentence(f, v));
            seen.insert(f.to_owned());
        }
    }
    // Both columns gave reasons, the one named like a pipeline feature included.
    assert_eq!(
        seen.into_iter().collect::<Vec<_>>(),
        ["col_a", "ip_kind_hosting"]
    );
}
