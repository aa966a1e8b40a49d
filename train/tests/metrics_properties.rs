//! Properties that hold for any input, checked on pseudo-random data with heavy ties: the rank
//! metrics agree with their defining pair counts, ignore row order, and the operating-point
//! functions agree with each other.

use appfraud_train::{
    average_precision, fpr_at_threshold, precision_at_k, recall_at_fpr, recall_at_threshold,
    roc_auc, roc_curve,
};

/// Knuth's MMIX LCG (the same generator as `sklearn_parity.rs`).
struct Lcg(u64);

impl Lcg {
    fn next_u64(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0
    }
}

/// `n` rows with scores on a grid of `levels` values and a label that leans on the score.
fn dataset(seed: u64, n: usize, levels: u64) -> (Vec<bool>, Vec<f64>) {
    let mut rng = Lcg(seed);
    (0..n)
        .map(|_| {
            let level = (rng.next_u64() >> 33) % levels;
            let label = (rng.next_u64() >> 33) % levels <= level;
            (label, level as f64 / levels as f64)
        })
        .unzip()
}

/// Tolerance for comparing two float computations of the same ratio of counts.
const TOLERANCE: f64 = 1e-12;

#[test]
fn roc_auc_equals_the_mann_whitney_pair_count() {
    for (seed, levels) in [(1, 3), (2, 10), (3, 1000)] {
        let (labels, scores) = dataset(seed, 300, levels);
        let mut doubled_wins = 0u64;
        let mut pairs = 0u64;
        let positives = labels.iter().zip(&scores).filter(|&(&label, _)| label);
        for (_, &positive_score) in positives {
            let negatives = labels.iter().zip(&scores).filter(|&(&label, _)| !label);
            for (_, &negative_score) in negatives {
                pairs += 1;
                doubled_wins += match positive_score.total_cmp(&negative_score) {
                    std::cmp::Ordering::Greater => 2,
                    std::cmp::Ordering::Equal => 1,
                    std::cmp::Ordering::Less => 0,
                };
            }
        }
        let expected = doubled_wins as f64 / (2 * pairs) as f64;
        let auc = roc_auc(&labels, &scores).expect("valid input");
        assert!((auc - expected).abs() <= TOLERANCE, "{auc} vs {expected}");
    }
}

#[test]
fn roc_auc_of_negated_scores_is_one_minus_roc_auc() {
    let (labels, scores) = dataset(4, 250, 7);
    let negated: Vec<f64> = scores.iter().map(|score| -score).collect();
    let auc = roc_auc(&labels, &scores).expect("valid input");
    let auc_negated = roc_auc(&labels, &negated).expect("valid input");
    assert!((auc + auc_negated - 1.0).abs() <= TOLERANCE);
}

#[test]
fn rank_metrics_do_not_depend_on_row_order() {
    let (labels, scores) = dataset(5, 250, 6);
    let reversed_labels: Vec<bool> = labels.iter().rev().copied().collect();
    let reversed_scores: Vec<f64> = scores.iter().rev().copied().collect();
    assert_eq!(
        roc_auc(&labels, &scores),
        roc_auc(&reversed_labels, &reversed_scores)
    );
    assert_eq!(
        average_precision(&labels, &scores),
        average_precision(&reversed_labels, &reversed_scores)
    );
    assert_eq!(
        roc_curve(&labels, &scores),
        roc_curve(&reversed_labels, &reversed_scores)
    );
    for k in [1, 17, 100, 250] {
        assert_eq!(
            precision_at_k(&labels, &scores, k),
            precision_at_k(&reversed_labels, &reversed_scores, k)
        );
    }
}

#[test]
fn recall_at_fpr_agrees_with_reporting_its_threshold_on_the_same_rows() {
    let (labels, scores) = dataset(6, 400, 50);
    for max_fpr in [0.0, 0.01, 0.05, 0.3, 1.0] {
        let point = recall_at_fpr(&labels, &scores, max_fpr).expect("valid input");
        assert!(point.fpr <= max_fpr);
        let recall = recall_at_threshold(&labels, &scores, point.threshold).expect("valid input");
        let fpr = fpr_at_threshold(&labels, &scores, point.threshold).expect("valid input");
        assert_eq!((recall, fpr), (point.recall, point.fpr));
    }
}

#[test]
fn recall_at_fpr_picks_the_best_point_of_the_roc_curve() {
    let (labels, scores) = dataset(7, 400, 50);
    let curve = roc_curve(&labels, &scores).expect("valid input");
    for max_fpr in [0.0, 0.02, 0.1, 0.5] {
        let point = recall_at_fpr(&labels, &scores, max_fpr).expect("valid input");
        let best_recall = curve
            .fpr
            .iter()
            .zip(&curve.tpr)
            .filter(|&(&fpr, _)| fpr <= max_fpr)
            .map(|(_, &tpr)| tpr)
            .fold(0.0, f64::max);
        assert_eq!(point.recall, best_recall);
    }
}

#[test]
fn precision_at_k_without_ties_is_the_plain_top_k_precision() {
    // Distinct scores: row i scores i, label alternates in blocks of three.
    let labels: Vec<bool> = (0..60).map(|i| (i / 3) % 2 == 0).collect();
    let scores: Vec<f64> = (0..60).map(f64::from).collect();
    for k in 1..=60 {
        let top_k_positives = labels.iter().rev().take(k).filter(|&&label| label).count();
        let expected = top_k_positives as f64 / k as f64;
        let precision = precision_at_k(&labels, &scores, k).expect("valid input");
        assert!((precision - expected).abs() <= TOLERANCE, "k = {k}");
    }
}
