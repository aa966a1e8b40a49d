//! Scoring beyond one machine: the PySpark job `notebooks-data/spark_score.py` (Spark in local
//! mode, `local[2]`, the table cut into 3 partitions, `mapInPandas` with one ONNX Runtime
//! session per partition) scores a feature table as `appfraud score --table` does.
//!
//! The table is the built-in sample's feature table (`appfraud features`), with two rows broken
//! the way `tests/cli_score_table.rs` breaks them (row 7: `phone_present`, a feature the model
//! requires, null; row 11: `ip_kind_residential` infinite), so the unscored path is compared
//! too.
//!
//! Reference: `appfraud score --model models/baseline --table FEATURES --out FILE` (engine
//! `auto`, the native tree evaluator, held equal to ONNX Runtime by `tests/package_parity.rs`).
//! Checked: the same application ids, each once; probability within 1e-6 (absolute) of the
//! reference on every scored row (Spark's is Python onnxruntime's float32 output; the native
//! evaluator sums the same float32 leaf weights, so they differ by float32 rounding at most);
//! the band equal; `model` equal to the manifest's `model_id` on both sides; the same rows
//! unscored with the same `error`. The comparison itself is shown to fail on a probability off by
//! 2e-6, a changed band, a changed model id, a missing, extra or duplicated id, and a row scored
//! on one side only.
//!
//! Needs Java 17 or later on PATH (Debian: `apt-get install openjdk-17-jre-headless`) and the
//! Python reference environment (`.venv-ref/` or `APPFRAUD_PYTHON`, with pyspark, pyarrow,
//! pandas and onnxruntime as `./dev` pins them).

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use polars::prelude::*;

mod common;
use common::{baseline, ok, python, read, run, s, sample, workspace};

/// Largest absolute probability difference allowed (see the module docs).
const TOLERANCE: f64 = 1e-6;

/// One output row, as both sides write it.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    id: String,
    probability: Option<f32>,
    band: Option<String>,
    model: Option<String>,
    error: Option<String>,
}

fn strings(df: &DataFrame, name: &str) -> Vec<Option<String>> {
    df.column(name)
        .unwrap_or_else(|_| panic!("column {name}"))
        .str()
        .unwrap_or_else(|_| panic!("{name} is text"))
        .iter()
        .map(|v| v.map(str::to_owned))
        .collect()
}

fn rows(df: &DataFrame) -> Vec<Row> {
    let ids = strings(df, "application_id");
    let p: Vec<Option<f32>> = df
        .column("probability")
        .expect("probability")
        .f32()
        .expect("probability is float32")
        .iter()
        .collect();
    let (band, model, error) = (
        strings(df, "band"),
        strings(df, "model"),
        strings(df, "error"),
    );
    (0..df.height())
        .map(|i| Row {
            id: ids[i].clone().expect("an id on every row"),
            probability: p[i],
            band: band[i].clone(),
            model: model[i].clone(),
            error: error[i].clone(),
        })
        .collect()
}

/// The part files Spark wrote into the dataset directory `dir`, as one frame.
fn read_spark_dataset(dir: &Path) -> DataFrame {
    let mut parts: Vec<_> = std::fs::read_dir(dir)
        .expect("Spark's output directory")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.starts_with("part-") && name.ends_with(".parquet")
        })
        .collect();
    parts.sort();
    assert!(!parts.is_empty(), "no part files in {}", dir.display());
    let mut frames = parts.iter().map(|p| read(p));
    let mut all = frames.next().expect("a part");
    for f in frames {
        all.vstack_mut(&f).expect("parts of one schema");
    }
    all
}

/// Compares Spark's rows with the reference's; returns a summary, or what differs.
fn compare(reference: &[Row], spark: &[Row], model_id: &str) -> Result<String, String> {
    let mut problems = Vec::new();
    let index = |rows: &[Row], side: &str, problems: &mut Vec<String>| {
        let mut map = HashMap::new();
        for r in rows {
            if map.insert(r.id.clone(), r.clone()).is_some() {
                problems.push(format!("{side}: id {} occurs more than once", r.id));
            }
        }
        map
    };
    let a = index(reference, "appfraud", &mut problems);
    let b = index(spark, "spark", &mut problems);
    let (ka, kb): (HashSet<_>, HashSet<_>) = (a.keys().collect(), b.keys().collect());
    for id in ka.difference(&kb) {
        problems.push(format!("id {id} is missing from Spark's output"));
    }
    for id in kb.difference(&ka) {
        problems.push(format!("id {id} is in Spark's output only"));
    }
    let mut max_diff = 0.0f64;
    let mut scored = 0usize;
    for (id, x) in &a {
        let Some(y) = b.get(id) else { continue };
        for (side, r) in [("appfraud", x), ("spark", y)] {
            if r.model.as_deref() != Some(model_id) {
                problems.push(format!(
                    "{id}: {side}'s model is {:?}, not {model_id}",
                    r.model
                ));
            }
        }
        match (x.probability, y.probability) {
            (Some(p), Some(q)) => {
                scored += 1;
                let d = (f64::from(p) - f64::from(q)).abs();
                max_diff = max_diff.max(d);
                if d > TOLERANCE || d.is_nan() {
                    problems.push(format!(
                        "{id}: probability {p} (appfraud) vs {q} (spark), |diff| {d:e}"
                    ));
                }
            }
            (None, None) => {}
            (p, q) => problems.push(format!(
                "{id}: probability {p:?} (appfraud) vs {q:?} (spark)"
            )),
        }
        if x.band != y.band {
            problems.push(format!(
                "{id}: band {:?} (appfraud) vs {:?} (spark)",
                x.band, y.band
            ));
        }
        if x.error != y.error {
            problems.push(format!(
                "{id}: error {:?} (appfraud) vs {:?} (spark)",
                x.error, y.error
            ));
        }
    }
    if problems.is_empty() {
        Ok(format!(
            "{} ids, {scored} scored, max |probability diff| {max_diff:e}",
            a.len()
        ))
    } else {
        problems.sort();
        let n = problems.len();
        problems.truncate(10);
        Err(format!("{n} differences, first:\n{}", problems.join("\n")))
    }
}

/// A change to Spark's rows that the comparison must catch.
type Mutation = Box<dyn Fn(&mut Vec<Row>)>;

/// Java must be there: Spark runs on it.
fn require_java() {
    let found = Command::new("java")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "Spark needs a Java runtime (17 or later) and `java` is not on PATH: install one \
         (Debian/Ubuntu: apt-get install openjdk-17-jre-headless)"
    );
}

/// The sample's feature table with rows 7 and 11 broken (see the module docs).
fn feature_table(dir: &Path) -> (std::path::PathBuf, usize) {
    let features = dir.join("features.parquet");
    ok(&run(&[
        "--quiet",
        "features",
        "--data",
        s(&sample()),
        "--out",
        s(&features),
    ]));
    let table = dir.join("table.parquet");
    common::break_rows_7_and_11(&features, &table);
    let rows = read(&table).height();
    (table, rows)
}

#[test]
fn spark_scores_a_feature_table_as_appfraud_score_table_does() {
    require_java();
    let tmp = tempfile::tempdir().expect("temp dir");
    let (table, n) = feature_table(tmp.path());
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(baseline().join("manifest.json")).expect("manifest"),
    )
    .expect("manifest is JSON");
    let model_id = manifest["model_id"].as_str().expect("model_id");

    // The reference. Reason codes do not enter the comparison (Spark computes none), so none
    // are computed here either.
    let reference_out = tmp.path().join("scores.parquet");
    ok(&run(&[
        "--quiet",
        "score",
        "--model",
        s(&baseline()),
        "--table",
        s(&table),
        "--out",
        s(&reference_out),
        "--reasons",
        "0",
    ]));

    let spark_out = tmp.path().join("spark-scores.parquet");
    let started = Instant::now();
    let out = Command::new(python())
        .arg(workspace().join("notebooks-data/spark_score.py"))
        .args(["--model", s(&baseline())])
        .args(["--table", s(&table)])
        .args(["--out", s(&spark_out)])
        .args(["--master", "local[2]", "--partitions", "3"])
        .current_dir(tmp.path())
        .output()
        .expect("the reference Python runs");
    let stdout = ok(&out);
    eprintln!(
        "{stdout}spark job: {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let reference = rows(&read(&reference_out));
    let spark = rows(&read_spark_dataset(&spark_out));
    assert_eq!(reference.len(), n, "appfraud: rows in = rows out");
    assert_eq!(spark.len(), n, "spark: rows in = rows out");
    let unscored: Vec<_> = reference
        .iter()
        .filter(|r| r.probability.is_none())
        .collect();
    assert_eq!(unscored.len(), 2, "the two broken rows are unscored");
    let summary = compare(&reference, &spark, model_id).unwrap_or_else(|e| panic!("{e}"));
    eprintln!("spark vs appfraud score --table: {summary}");

    // The comparison fails on each kind of difference.
    let scored = spark
        .iter()
        .position(|r| r.probability.is_some())
        .expect("a scored row");
    let broken = spark
        .iter()
        .position(|r| r.probability.is_none())
        .expect("an unscored row");
    let mutations: Vec<(&str, Mutation)> = vec![
        (
            "probability off by 2e-6",
            Box::new(move |v: &mut Vec<Row>| {
                let p = v[scored].probability.unwrap();
                v[scored].probability = Some(p + if p > 0.5 { -2e-6 } else { 2e-6 });
            }),
        ),
        (
            "band changed",
            Box::new(move |v: &mut Vec<Row>| {
                let other = if v[scored].band.as_deref() == Some("clear") {
                    "review"
                } else {
                    "clear"
                };
                v[scored].band = Some(other.into());
            }),
        ),
        (
            "model id changed",
            Box::new(move |v: &mut Vec<Row>| v[scored].model = Some("another-model".into())),
        ),
        (
            "an id missing",
            Box::new(move |v: &mut Vec<Row>| {
                v.remove(scored);
            }),
        ),
        (
            "an id extra",
            Box::new(move |v: &mut Vec<Row>| {
                let mut r = v[scored].clone();
                r.id.push_str("-extra");
                v.push(r);
            }),
        ),
        (
            "an id twice",
            Box::new(move |v: &mut Vec<Row>| {
                let r = v[scored].clone();
                v.push(r);
            }),
        ),
        (
            "an unscored row scored",
            Box::new(move |v: &mut Vec<Row>| {
                v[broken].probability = Some(0.5);
                v[broken].band = Some("review".into());
                v[broken].error = None;
            }),
        ),
    ];
    for (what, mutate) in mutations {
        let mut changed = spark.clone();
        mutate(&mut changed);
        assert!(
            compare(&reference, &changed, model_id).is_err(),
            "the comparison missed: {what}"
        );
    }
}
