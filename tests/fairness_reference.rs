//! The fairness metrics of `appfraud evaluate --group` against fairlearn 0.15 (PyPI, in the
//! Python reference environment), which recomputes them from the same rows at every run
//! (`tests/reference/fairness_reference.py`): per group the count, flag rate
//! (`selection_rate`), false-positive and true-positive rates, and across groups
//! `MetricFrame.ratio()` of the pass rate (our lowest impact ratio) and of the false-positive
//! rate (our lowest FPR ratio). Tolerance 1e-12: both are ratios of the same integer counts.
//! The intervals are checked against hand computations in `train/src/fairness.rs`.

use std::fmt::Write;
use std::process::Command;

use serde_json::Value;

mod common;

/// A deterministic pseudo-random stream (64-bit LCG, Knuth's MMIX constants), top 53 bits as
/// a uniform in [0, 1).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[test]
fn fairness_metrics_match_fairlearn() {
    // Four groups of different sizes, fraud shares and score levels, and unknown groups.
    let specs = [
        ("north", 900, 0.05, 0.00),
        ("south", 400, 0.10, 0.05),
        ("east", 120, 0.08, 0.10),
        ("west", 35, 0.20, 0.15),
    ];
    let mut rng = Lcg(20_261_207);
    let (mut groups, mut labels, mut scores) = (Vec::new(), Vec::new(), Vec::new());
    for (name, n, fraud_share, shift) in specs {
        for _ in 0..n {
            let fraud = rng.next() < fraud_share;
            let score = if fraud {
                0.4 + 0.6 * rng.next()
            } else {
                0.8 * rng.next()
            } + shift;
            groups.push(Some(name.to_owned()));
            labels.push(fraud);
            scores.push(score.min(1.0));
        }
    }
    for _ in 0..17 {
        groups.push(None);
        labels.push(rng.next() < 0.1);
        scores.push(rng.next());
    }
    let threshold = 0.7;
    let ours = appfraud_train::fairness("region", &groups, &labels, &scores, threshold, 0.95)
        .expect("fairness report");
    assert_eq!(ours.unknown_group, 17);

    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("rows.csv");
    let mut text = String::from("group,label,score\n");
    for ((g, l), s) in groups.iter().zip(&labels).zip(&scores) {
        if let Some(g) = g {
            writeln!(text, "{g},{},{s:?}", u8::from(*l)).unwrap();
        }
    }
    std::fs::write(&csv, text).unwrap();
    let script = common::workspace().join("tests/reference/fairness_reference.py");
    let out = Command::new(common::python())
        .arg(&script)
        .arg(&csv)
        .arg(threshold.to_string())
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let theirs: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let close = |a: f64, b: f64, what: &str| {
        assert!((a - b).abs() <= 1e-12, "{what}: ours {a}, fairlearn {b}");
    };
    assert_eq!(ours.groups.len(), specs.len());
    for g in &ours.groups {
        let t = &theirs["groups"][&g.group];
        let f = |k: &str| {
            t[k].as_f64()
                .unwrap_or_else(|| panic!("{k} of {}", g.group))
        };
        close(g.rows as f64, f("count"), "count");
        close(g.flag_rate.estimate, f("flag_rate"), "flag rate");
        close(
            g.false_positive_rate.expect("legitimate rows").estimate,
            f("false_positive_rate"),
            "false-positive rate",
        );
        close(
            g.true_positive_rate.expect("fraud rows").estimate,
            f("true_positive_rate"),
            "true-positive rate",
        );
        close(1.0 - g.flag_rate.estimate, f("pass_rate"), "pass rate");
    }
    close(
        ours.min_impact_ratio,
        theirs["min_impact_ratio"].as_f64().unwrap(),
        "lowest impact ratio",
    );
    close(
        ours.min_fpr_ratio.expect("FPR ratios"),
        theirs["min_fpr_ratio"].as_f64().unwrap(),
        "lowest FPR ratio",
    );
    // The data was made so that the four-fifths rule is at stake: the smallest group, with the
    // highest scores, passes least often.
    let west = ours.groups.iter().find(|g| g.group == "west").unwrap();
    assert!(west.impact_ratio.below_four_fifths, "{west:?}");
}
