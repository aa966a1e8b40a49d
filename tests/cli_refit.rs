//! End-to-end tests of the deployed fit of `appfraud train` (the refit): on generated data
//! whose fraud grows and changes its tactics every quarter, the deployed package scores the
//! quarter after the cutoff better than the evaluation fit does; the refit is deterministic;
//! its card states the window, rows and fraud of every step, which agree with counts taken
//! from the data directory itself; `--no-refit` writes the package training wrote before the
//! refit existed (the committed baseline); recency weights change the model and are refused
//! where they cannot apply.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

mod as_of;
mod common;
use common::{ok, read, run, s, sample, usage_error, workspace};

/// `appfraud generate` into `dir`.
fn generate(dir: &Path, applications: usize, seed: u64, quarters: u32) {
    ok(&run(&[
        "--quiet",
        "generate",
        "--out",
        s(dir),
        "--applications",
        &applications.to_string(),
        "--seed",
        &seed.to_string(),
        "--start",
        "2024-01-01",
        "--quarters",
        &quarters.to_string(),
    ]));
}

/// `appfraud train --data data --out out` with the configuration text `config` and `extra`
/// arguments.
fn train(data: &Path, out: &Path, config: &str, extra: &[&str]) {
    let cfg = out.with_extension("toml");
    std::fs::write(&cfg, config).expect("write the configuration");
    let mut args = vec!["--quiet", "train", "--data", s(data), "--out", s(out)];
    args.extend(["--config", s(&cfg)]);
    args.extend(extra);
    ok(&run(&args));
}

/// Every file of a package directory by name, with its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.expect("a directory entry").path();
            let name = path.file_name().and_then(|n| n.to_str()).expect("UTF-8");
            (name.to_owned(), std::fs::read(&path).expect("read"))
        })
        .collect()
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).expect("read")).expect("JSON")
}

/// A small, fast configuration (the baseline's trees, fewer bootstrap resamples).
const FAST: &str = "bootstrap_resamples = 20\n[gbdt]\nnum_trees = 300\nlearning_rate = 0.1\n\
                    max_leaves = 15\nmin_data_in_leaf = 20\nlambda_l2 = 1.0\n\
                    early_stopping_rounds = 30\n";

/// One row of the card's table "How the deployed model was fitted".
#[derive(Debug, Clone, PartialEq)]
struct Step {
    from: String,
    to: String,
    rows: usize,
    fraud: usize,
}

/// The steps of the card's section "How the deployed model was fitted", by their names.
fn card_steps(card: &str) -> HashMap<String, Step> {
    let section = card
        .split("## How the deployed model was fitted")
        .nth(1)
        .expect("the card has the section on the deployed fit");
    let section = section.split("\n## ").next().unwrap_or(section);
    section
        .lines()
        .filter(|l| l.starts_with('|'))
        .filter_map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            let rows = cells.get(3)?.parse().ok()?;
            let fraud = cells.get(4)?.parse().ok()?;
            Some((
                cells[0].to_owned(),
                Step {
                    from: cells[1].to_owned(),
                    to: cells[2].to_owned(),
                    rows,
                    fraud,
                },
            ))
        })
        .collect()
}

/// From the data directory alone, independently of training: the submission day (UTC,
/// `YYYY-MM-DD`) of every application with at least one label, by id.
fn labelled_days(data: &Path) -> HashMap<String, String> {
    let labels = read(&data.join("labels.parquet"));
    let labelled: std::collections::HashSet<&str> = labels
        .column("application_id")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .flatten()
        .collect();
    let apps = read(&data.join("applications.parquet"));
    let ids = apps
        .column("application_id")
        .unwrap()
        .str()
        .unwrap()
        .clone();
    let day = |t: i64| {
        chrono::DateTime::from_timestamp_micros(t)
            .expect("a time in range")
            .format("%Y-%m-%d")
            .to_string()
    };
    ids.iter()
        .zip(as_of::micros(&apps, "submitted_at"))
        .filter_map(|(id, t)| {
            let (id, t) = (id?, t?);
            labelled.contains(id).then(|| (id.to_owned(), day(t)))
        })
        .collect()
}

/// Start (`YYYY-MM-DD`) of the calendar quarter holding the day `day` (`YYYY-MM-DD`).
fn quarter_start(day: &str) -> String {
    let month: u32 = day[5..7].parse().unwrap();
    format!("{}-{:02}-01", &day[..4], (month - 1) / 3 * 3 + 1)
}

/// Start of the quarter before the one starting on `day`.
fn previous_quarter(day: &str) -> String {
    let (year, month): (i32, u32) = (day[..4].parse().unwrap(), day[5..7].parse().unwrap());
    if month == 1 {
        format!("{}-10-01", year - 1)
    } else {
        format!("{year}-{:02}-01", month - 3)
    }
}

/// What a package scored on the quarter after the cutoff, against every label the full
/// directory holds for it (none of which the package saw).
#[derive(Debug, Clone, Copy)]
struct NextQuarter {
    roc_auc: f64,
    log_loss: f64,
    rows: u64,
    fraud: u64,
}

/// The quarter after the cutoff, scored by packages trained as of the cutoff with and without
/// the refit (in that order).
fn next_quarter_scores(applications: usize, seed: u64) -> [NextQuarter; 2] {
    let tmp = tempfile::tempdir().unwrap();
    let full = tmp.path().join("full");
    // Seven quarters, 2024-01-01 to 2025-09-30: trained as of 2025-04-01, scored on the
    // applications of 2025-04-01 to 2025-06-30 with the labels known by 2025-09-30.
    generate(&full, applications, seed, 7);
    let (as_of_dir, scored) = (tmp.path().join("as-of"), tmp.path().join("scored"));
    as_of::as_of(&full, as_of::day_micros("2025-04-01"), &as_of_dir);
    as_of::with_later_labels(&full, as_of::day_micros("2025-07-01"), &scored);
    [&[][..], &["--no-refit"][..]].map(|extra| {
        let model = tmp
            .path()
            .join(if extra.is_empty() { "refit" } else { "old" });
        train(&as_of_dir, &model, FAST, extra);
        let out = ok(&run(&[
            "--quiet",
            "evaluate",
            "--model",
            s(&model),
            "--data",
            s(&scored),
            "--since",
            "2025-04-01",
        ]));
        let e: serde_json::Value = serde_json::from_str(&out).expect("evaluate prints JSON");
        NextQuarter {
            roc_auc: e["roc_auc"]["estimate"].as_f64().unwrap(),
            log_loss: e["log_loss"].as_f64().unwrap(),
            rows: e["rows"].as_u64().unwrap(),
            fraud: e["positives"].as_u64().unwrap(),
        }
    })
}

/// Trained as of 2025-04-01 on generated data whose fraud grows by about a quarter each quarter
/// and shifts from software remote control to hardware KVMs and stealth farms, the deployed
/// package scores the applications of the next quarter (2025-04-01 to 2025-06-30) better than
/// the evaluation fit does (`--no-refit`, today's package), on labels neither saw: lower log
/// loss and higher ROC AUC.
///
/// Why these metrics, from `bench/refit_out_of_time.sh` (release build, the same cut; the
/// count of seeds on which the refit was better, with this file's configuration / the default
/// one):
/// - log loss: 7 of 8 at 8,000 applications, 7 of 8 / 6 of 8 at 10,000, 5 of 6 at 12,000,
///   3 of 3 / 3 of 3 at 40,000 (about 12 % lower there): the gain that holds at every size. The
///   deployed model is calibrated on the newest labelled quarter, so its probabilities follow
///   the fraud share as it grows.
/// - ROC AUC: 8 of 8 / 8 of 8 at 10,000 (means 0.9735 to 0.9795 / 0.9760 to 0.9826), 6 of 8
///   at 8,000, 5 of 6 at 12,000, but 1 of 3 / 0 of 3 at 40,000, where both sit near 0.985:
///   the ranking gain fades once the evaluation fit has rows enough.
/// - PR AUC, with 70 to 100 fraud rows in the quarter at this size, moved either way (4 of 8 /
///   6 of 8 at 10,000), so it is not asserted.
///
/// Reference: the no-refit package's figures on the same rows; no tolerance (the refit must be
/// strictly better on both).
#[test]
fn the_deployed_model_scores_the_next_quarter_better_than_the_evaluation_fit() {
    let [refit, old] = next_quarter_scores(10_000, 2);
    assert_eq!(
        (refit.rows, refit.fraud),
        (old.rows, old.fraud),
        "the same scored rows"
    );
    assert!(
        old.fraud >= 50,
        "too few fraud rows in the scored quarter to compare: {old:?}"
    );
    assert!(
        refit.log_loss < old.log_loss,
        "log loss on the next quarter: refit {refit:?}, no refit {old:?}"
    );
    assert!(
        refit.roc_auc > old.roc_auc,
        "ROC AUC on the next quarter: refit {refit:?}, no refit {old:?}"
    );
}

/// The refit writes the same bytes twice; its card states each step's window, rows and
/// fraud, and those agree with what the data directory says by itself: the test split is the
/// last quarter holding a labelled application, validation the quarter before; the deployed
/// model learns from every labelled application before the test split except the identity
/// clusters that reach it, and is calibrated on exactly the test split's rows. Without the
/// refit the section is absent.
#[test]
fn the_refit_is_deterministic_and_its_card_states_the_windows_of_each_step() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    generate(&data, 6000, 3, 6);
    let (a, b, old) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("old"),
    );
    train(&data, &a, FAST, &[]);
    train(&data, &b, FAST, &[]);
    let (fa, fb) = (files(&a), files(&b));
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (name, bytes) in &fa {
        assert!(fb[name] == *bytes, "{name} differs between two refits");
    }

    // The windows the data implies, computed here from the parquet files.
    let days = labelled_days(&data);
    let last = days.values().max().unwrap().clone();
    let test_from = quarter_start(&last);
    let valid_from = previous_quarter(&test_from);
    let before_test = days.values().filter(|d| **d < test_from).count();
    let in_test = days.values().filter(|d| **d >= test_from).count();
    let first = days.values().min().unwrap().clone();

    let card = String::from_utf8(fa["model_card.md"].clone()).unwrap();
    let steps = card_steps(&card);
    let step = |name: &str| {
        steps
            .get(name)
            .unwrap_or_else(|| panic!("no step {name:?} in the card:\n{card}"))
            .clone()
    };
    let (train_step, valid, test) = (step("evaluation train"), step("validation"), step("test"));
    let (deployed, calibration) = (step("deployed train"), step("calibration window"));
    // Evaluation fit: train before validation, validation before test, test to the end.
    assert!(train_step.to < valid_from, "{train_step:?} vs {valid_from}");
    assert!(
        valid.from >= valid_from && valid.to < test_from,
        "{valid:?}"
    );
    assert!(
        test.from >= test_from && test.to == last,
        "{test:?} vs {test_from}..{last}"
    );
    // Deployed fit: everything labelled before the test split, calibrated on the test split.
    assert!(
        deployed.from >= first && deployed.from <= train_step.from,
        "{deployed:?} vs the first labelled application {first} and {train_step:?}"
    );
    assert!(deployed.to < test_from, "{deployed:?} vs {test_from}");
    assert!(
        deployed.to > valid.from,
        "the deployed fit learns from the validation quarter"
    );
    assert_eq!(
        calibration, test,
        "the calibration window is the test split"
    );
    assert_eq!(calibration.rows, in_test);
    let metrics = json(&a.join("metrics.json"));
    let fit = &metrics["deployed_fit"];
    let dropped = fit["dropped_cluster_overlap"]
        .as_u64()
        .unwrap_or_else(|| panic!("no deployed_fit.dropped_cluster_overlap in {fit}"));
    assert_eq!(
        deployed.rows + dropped as usize,
        before_test,
        "deployed training rows + rows dropped by the cluster embargo = every labelled \
         application before the test split"
    );
    // Every evaluation training row is a deployed training row (labelled, before the test
    // split, its cluster clear of it), and the deployed fit adds the validation quarter.
    assert!(
        deployed.rows > train_step.rows,
        "{deployed:?} vs {train_step:?}"
    );
    // The metrics stay those of the evaluation fit: the test split's counts.
    assert_eq!(metrics["test"]["rows"].as_u64(), Some(test.rows as u64));
    assert_eq!(
        metrics["test"]["positives"].as_u64(),
        Some(test.fraud as u64)
    );
    assert!(
        fit["trees"].as_u64().is_some_and(|t| t >= 1),
        "deployed_fit.trees in {fit}"
    );

    // Without the refit: no such section, no deployed fit, another model.
    train(&data, &old, FAST, &["--no-refit"]);
    let old_card = std::fs::read_to_string(old.join("model_card.md")).unwrap();
    assert!(!old_card.contains("How the deployed model was fitted"));
    assert!(
        json(&old.join("metrics.json"))
            .get("deployed_fit")
            .is_none()
    );
    assert_ne!(
        std::fs::read(old.join("model.json")).unwrap(),
        fa["model.json"]
    );
    // Same evaluation fit, so the same evaluation metrics.
    assert_eq!(json(&old.join("metrics.json"))["test"], metrics["test"]);
}

/// `--no-refit` is training as it was before the deployed fit existed: with the baseline's
/// configuration (without its `refit` key) it writes the committed baseline package, every
/// file byte for byte.
#[test]
fn no_refit_writes_the_package_training_wrote_before() {
    let tmp = tempfile::tempdir().unwrap();
    let baseline = std::fs::read_to_string(workspace().join("models/baseline.toml")).unwrap();
    let mut config = baseline
        .lines()
        .filter(|l| !l.trim_start().starts_with("refit"))
        .collect::<Vec<_>>()
        .join("\n");
    config.push('\n');
    let out = tmp.path().join("baseline");
    train(&sample(), &out, &config, &["--no-refit"]);
    let (fresh, committed) = (files(&out), files(&common::baseline()));
    assert_eq!(
        fresh.keys().collect::<Vec<_>>(),
        committed.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &fresh {
        assert!(
            committed[name] == *bytes,
            "{name} differs from models/baseline/{name}"
        );
    }
}

/// Recency weights are an input of the fit: with a half-life the model changes, the same
/// half-life gives the same bytes; they are refused for the logistic baseline (which takes
/// no weights) and out of range, before any data is read (the data directory named here does
/// not exist).
#[test]
fn recency_weights_change_the_model_and_are_refused_where_they_cannot_apply() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    generate(&data, 4000, 5, 6);
    let (plain, r1, r2) = (
        tmp.path().join("plain"),
        tmp.path().join("r1"),
        tmp.path().join("r2"),
    );
    train(&data, &plain, FAST, &[]);
    for out in [&r1, &r2] {
        train(&data, out, FAST, &["--recency-half-life-days", "60"]);
    }
    let model = |d: &PathBuf| std::fs::read(d.join("model.json")).unwrap();
    assert_eq!(model(&r1), model(&r2));
    assert_ne!(model(&r1), model(&plain));

    let missing = tmp.path().join("no-such-data");
    for extra in [
        &["--algo", "logistic", "--recency-half-life-days", "90"][..],
        &["--recency-half-life-days=-5"][..],
    ] {
        let mut args = vec!["train", "--data", s(&missing), "--out"];
        let out = tmp.path().join("never");
        args.push(s(&out));
        args.extend(extra);
        let stderr = usage_error(&run(&args));
        assert!(
            stderr.contains("recency_half_life_days") || stderr.contains("recency-half-life-days"),
            "{extra:?}: {stderr}"
        );
        assert!(!out.exists(), "{extra:?} wrote a package");
    }
}
