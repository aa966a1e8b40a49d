//! The deployed fit on the built-in sample: which rows it learns from (checked against the
//! sample's own tables), calibration and thresholds fitted only on the calibration window,
//! the evaluation fit's metrics and tree count, determinism, and the card's windows.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use appfraud_train::{
    Calibrator, Dataset, GbdtParams, Model, Split, SplitSpec, Thresholds, TrainConfig, TrainError,
    TrainedModel, fit_platt, train,
};
use polars::prelude::*;

#[path = "support/sample.rs"]
mod sample;
use sample::{micros, sample_dir};

fn dataset() -> &'static Dataset {
    static DATASET: OnceLock<Dataset> = OnceLock::new();
    DATASET.get_or_init(|| Dataset::from_data_dir(&sample_dir(), SplitSpec::default()).unwrap())
}

fn config(refit: bool) -> TrainConfig {
    TrainConfig::new().bootstrap_resamples(0).refit(refit).gbdt(
        GbdtParams::new()
            .num_trees(60)
            .learning_rate(0.1)
            .max_leaves(15)
            .early_stopping_rounds(15),
    )
}

fn fit(config: TrainConfig) -> TrainedModel {
    train(dataset(), &config.check().unwrap(), "appfraud-gbdt-test").unwrap()
}

fn refitted() -> &'static TrainedModel {
    static MODEL: OnceLock<TrainedModel> = OnceLock::new();
    MODEL.get_or_init(|| fit(config(true)))
}

fn read_parquet(name: &str) -> DataFrame {
    appfraud_features::read_generic_table(&sample_dir().join(name)).unwrap()
}

fn micros_of(df: &DataFrame, column: &str) -> Vec<i64> {
    let c = df.column(column).unwrap();
    let DataType::Datetime(_, tz) = c.dtype() else {
        panic!("{column} is {:?}", c.dtype());
    };
    c.cast(&DataType::Datetime(TimeUnit::Microseconds, tz.clone()))
        .unwrap()
        .to_physical_repr()
        .i64()
        .unwrap()
        .into_no_null_iter()
        .collect()
}

fn strings_of(df: &DataFrame, column: &str) -> Vec<String> {
    df.column(column)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|v| v.expect("no null id").to_owned())
        .collect()
}

/// Reference: the sample's own `applications` and `labels` tables, read here without the
/// pipeline. The deployed fit's rows are the applications submitted before the calibration
/// window (2025-10-01, the test split's start) that have a label, each with its last label
/// (latest `labeled_at`, fraud winning a tie), less those counted as dropped for their
/// identity cluster; the calibration window's rows are the test split's.
#[test]
fn the_deployed_fit_learns_every_labelled_row_before_the_calibration_window() {
    let d = dataset();
    let refit = d
        .refit
        .as_ref()
        .expect("a data directory has deployed-fit rows");
    let test_from = micros("2025-10-01");
    assert_eq!(d.summary.test_from, Some(test_from));

    let apps = read_parquet("applications.parquet");
    let submitted: HashMap<String, i64> = strings_of(&apps, "application_id")
        .into_iter()
        .zip(micros_of(&apps, "submitted_at"))
        .collect();
    let labels = read_parquet("labels.parquet");
    let fraud: Vec<bool> = labels
        .column("is_fraud")
        .unwrap()
        .bool()
        .unwrap()
        .iter()
        .map(|v| v.expect("no null label"))
        .collect();
    let mut last: HashMap<String, (i64, bool)> = HashMap::new();
    for ((id, at), is_fraud) in strings_of(&labels, "application_id")
        .into_iter()
        .zip(micros_of(&labels, "labeled_at"))
        .zip(fraud)
    {
        let entry = last.entry(id).or_insert((at, is_fraud));
        if (at, is_fraud) > *entry {
            *entry = (at, is_fraud);
        }
    }
    let labelled_before = last
        .keys()
        .filter(|id| submitted[id.as_str()] < test_from)
        .count();
    assert_eq!(
        refit.rows.len() + refit.dropped_cluster_overlap,
        labelled_before
    );
    // More rows than the evaluation fit had: the label-delay embargo no longer applies.
    let evaluation_rows = d.splits.iter().filter(|s| **s != Split::Test).count();
    assert!(
        refit.rows.len() > evaluation_rows,
        "{} deployed rows, {evaluation_rows} evaluation train + validation rows",
        refit.rows.len()
    );
    for (i, id) in refit.rows.ids.iter().enumerate() {
        assert!(submitted[id.as_str()] < test_from, "{id} is in the window");
        assert_eq!(refit.rows.labels[i], last[id.as_str()].1, "label of {id}");
    }
    let test_ids: HashSet<&str> = d
        .ids
        .iter()
        .zip(&d.splits)
        .filter(|(_, s)| **s == Split::Test)
        .map(|(id, _)| id.as_str())
        .collect();
    assert!(test_ids.iter().all(|id| submitted[*id] >= test_from));
}

/// Reference: Platt scaling and the band thresholds recomputed here from the deployed model's
/// margins on the calibration window's rows only (the same functions, so tolerance 0); those
/// rows share no id with the rows the deployed model learned from.
#[test]
fn calibration_and_thresholds_never_see_the_deployed_training_rows() {
    let trained = refitted();
    let deployment = trained.deployment.as_ref().expect("refit is the default");
    let plan = &deployment.plan;
    let learned: HashSet<&str> = plan.deployed_train_ids.iter().map(String::as_str).collect();
    assert!(!plan.calibration_ids.is_empty());
    for id in &plan.calibration_ids {
        assert!(!learned.contains(id.as_str()), "{id} is in both");
    }
    let test = dataset().rows(Split::Test);
    assert_eq!(plan.calibration_ids, test.ids);
    let margins = trained
        .native
        .model
        .margins(&test.matrix().unwrap())
        .unwrap();
    let platt = fit_platt(&margins, &test.labels).unwrap();
    assert_eq!(trained.native.calibrator, platt);
    let p: Vec<f64> = margins.iter().map(|m| platt.apply(*m)).collect();
    assert_eq!(
        trained.native.thresholds,
        Thresholds::choose(&test.labels, &p).unwrap()
    );
    assert!(matches!(platt, Calibrator::Platt { .. }));
}

/// Reference: the same configuration with `refit = false`, today's package. The reported
/// metrics and the tree count come from that evaluation fit; the packaged model differs.
#[test]
fn the_metrics_and_tree_count_are_the_evaluation_fit_s() {
    let deployed = refitted();
    let evaluated = fit(config(false));
    assert!(evaluated.deployment.is_none());
    assert_eq!(deployed.validation, evaluated.validation);
    assert_eq!(deployed.test, evaluated.test);
    let (Model::Gbdt(d), Model::Gbdt(e)) = (&deployed.native.model, &evaluated.native.model) else {
        panic!("both are trees");
    };
    assert_eq!(d.trees.len(), e.trees.len());
    assert_eq!(
        deployed.deployment.as_ref().unwrap().trees,
        Some(e.trees.len())
    );
    assert!(e.trees.len() < 60, "early stopping chose the count");
    assert_ne!(d.trees, e.trees);
    assert_eq!(
        deployed.deployment.as_ref().unwrap().evaluation_thresholds,
        evaluated.native.thresholds
    );
}

/// Reference: a second run of the same data and configuration; the packages must be equal
/// file for file. The card names each step with the dates and counts of its rows.
#[test]
fn the_refit_is_deterministic_and_its_card_states_the_windows() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    refitted().write(&a, "sample").unwrap();
    fit(config(true)).write(&b, "sample").unwrap();
    let mut names: Vec<_> = std::fs::read_dir(&a)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert!(names.len() >= 9);
    for name in &names {
        let (x, y) = (
            std::fs::read(a.join(name)).unwrap(),
            std::fs::read(b.join(name)).unwrap(),
        );
        assert!(x == y, "{name:?} differs between two runs");
    }

    let card = std::fs::read_to_string(a.join("model_card.md")).unwrap();
    assert!(
        card.contains("## How the deployed model was fitted"),
        "{card}"
    );
    let d = dataset();
    let refit = d.refit.as_ref().unwrap();
    let count = |split: Split| {
        let rows = d.splits.iter().filter(|s| **s == split).count();
        let fraud = d
            .splits
            .iter()
            .zip(&d.labels)
            .filter(|(s, l)| **s == split && **l)
            .count();
        (rows, fraud)
    };
    let fraud = refit.rows.labels.iter().filter(|l| **l).count();
    let (train_rows, train_fraud) = count(Split::Train);
    let (valid_rows, valid_fraud) = count(Split::Valid);
    let (test_rows, test_fraud) = count(Split::Test);
    for line in [
        "| evaluation train | 2024-01-01 | 2025-06-".to_owned(),
        format!("| {train_rows} | {train_fraud} |"),
        "| validation | 2025-07-01 | 2025-09-".to_owned(),
        format!("| {valid_rows} | {valid_fraud} |"),
        "| test | 2025-10-01 | 2025-12-".to_owned(),
        "| deployed train | 2024-01-01 | 2025-09-".to_owned(),
        format!("| {} | {fraud} |", refit.rows.len()),
        "| calibration window | 2025-10-01 | 2025-12-".to_owned(),
        format!("| {test_rows} | {test_fraud} |"),
        format!(
            "because their identity cluster reaches the calibration window: {}.",
            refit.dropped_cluster_overlap
        ),
    ] {
        assert!(card.contains(&line), "card lacks {line:?}:\n{card}");
    }
    let metrics: serde_json::Value =
        serde_json::from_slice(&std::fs::read(a.join("metrics.json")).unwrap()).unwrap();
    assert_eq!(
        metrics["deployed_fit"]["windows"][3]["rows"].as_u64(),
        Some(refit.rows.len() as u64)
    );
    // The manifest records the deployed fit beside the evaluation fit's counts, and its bands
    // are the deployed model's thresholds.
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(a.join("manifest.json")).unwrap()).unwrap();
    let deployed = &manifest["training"]["deployed_fit"];
    assert_eq!(
        deployed["train"]["rows"].as_u64(),
        Some(refit.rows.len() as u64)
    );
    assert_eq!(deployed["train"]["fraud"].as_u64(), Some(fraud as u64));
    assert_eq!(
        deployed["calibration"]["rows"].as_u64(),
        Some(test_rows as u64)
    );
    assert!(
        deployed["calibration_window"][0]
            .as_str()
            .unwrap()
            .starts_with("2025-10-01")
    );
    assert_eq!(
        manifest["bands"]["verify"].as_f64(),
        Some(refitted().native.thresholds.fpr_1pct)
    );
}

/// Row weights by age need the GBDT and a time per row; both are refused with typed errors.
#[test]
fn recency_weights_are_refused_where_they_cannot_apply() {
    let logistic = TrainConfig::new()
        .algorithm(appfraud_train::Algorithm::Logistic)
        .recency_half_life_days(90.0)
        .check()
        .unwrap();
    match logistic.check_combinations() {
        Err(e) => assert_eq!(e.name, "recency_half_life_days"),
        Ok(()) => panic!("logistic with row weights was accepted"),
    }
    let err = TrainError::from(logistic.check_combinations().unwrap_err());
    assert!(err.is_user_error());
    for bad in [-1.0, f64::NAN, f64::INFINITY] {
        assert!(
            TrainConfig::new()
                .recency_half_life_days(bad)
                .check()
                .is_err(),
            "{bad}"
        );
    }
}
