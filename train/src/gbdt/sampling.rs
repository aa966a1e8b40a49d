//! Random subsets for bagging (rows per tree) and feature subsampling (features per tree).
//! Each draw depends only on its seed, its purpose and the boosting round, never on threads or
//! on earlier draws, so a model is reproducible from its parameters.

use appfraud_core::primitives::SplitMix64;

/// An independent SplitMix64 stream for (`seed`, `purpose`, `round`).
fn stream(seed: u64, purpose: u64, round: usize) -> SplitMix64 {
    let a = SplitMix64::new(seed).next_u64();
    let b = SplitMix64::new(a ^ purpose).next_u64();
    SplitMix64::new(b ^ (round as u64).wrapping_mul(0xD1B5_4A32_D192_ED03))
}

const BAGGING: u64 = 0x6261_6767_696e_6721;
const FEATURES: u64 = 0x6665_6174_7572_6573;

/// `k` of `0..n` chosen uniformly without replacement, ascending (Knuth's selection sampling,
/// Algorithm S).
fn choose_sorted(n: usize, k: usize, rng: &mut SplitMix64) -> Vec<usize> {
    let mut chosen = Vec::with_capacity(k);
    for i in 0..n {
        let needed = k - chosen.len();
        if needed == 0 {
            break;
        }
        if ((n - i) as f64) * rng.next_f64() < needed as f64 {
            chosen.push(i);
        }
    }
    chosen
}

/// The rows of round `round`'s bag: `floor(fraction · n_rows)` rows (at least one), ascending;
/// every row when `fraction` is 1.
pub(crate) fn bag_rows(n_rows: usize, fraction: f64, seed: u64, round: usize) -> Vec<u32> {
    if fraction >= 1.0 {
        return (0..n_rows as u32).collect();
    }
    let k = ((fraction * n_rows as f64) as usize).clamp(1, n_rows);
    let mut rng = stream(seed, BAGGING, round);
    choose_sorted(n_rows, k, &mut rng)
        .into_iter()
        .map(|r| r as u32)
        .collect()
}

/// Which features round `round`'s tree may split on: `round(fraction · n_features)` of them
/// (at least one); all when `fraction` is 1.
pub(crate) fn tree_features(
    n_features: usize,
    fraction: f64,
    seed: u64,
    round: usize,
) -> Vec<bool> {
    if fraction >= 1.0 {
        return vec![true; n_features];
    }
    let k = ((fraction * n_features as f64).round() as usize).clamp(1, n_features);
    let mut rng = stream(seed, FEATURES, round);
    let mut active = vec![false; n_features];
    for j in choose_sorted(n_features, k, &mut rng) {
        active[j] = true;
    }
    active
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_determinism() {
        let bag = bag_rows(1000, 0.3, 7, 4);
        assert_eq!(bag.len(), 300);
        assert!(bag.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(bag, bag_rows(1000, 0.3, 7, 4));
        assert_ne!(bag, bag_rows(1000, 0.3, 7, 5));
        assert_ne!(bag, bag_rows(1000, 0.3, 8, 4));
        assert_eq!(bag_rows(5, 1.0, 0, 0), vec![0, 1, 2, 3, 4]);
        assert_eq!(bag_rows(5, 0.01, 0, 0).len(), 1);
        let features = tree_features(10, 0.45, 1, 0);
        assert_eq!(features.iter().filter(|&&a| a).count(), 5);
        assert_eq!(
            tree_features(3, 0.01, 1, 0).iter().filter(|&&a| a).count(),
            1
        );
    }

    /// Reference: each row's inclusion frequency is k/n = 0.25; over 2000 rounds its standard
    /// deviation is about 0.0097, so every row lies within 0.06 (≈ 6σ).
    #[test]
    fn bags_are_uniform() {
        let mut hits = [0usize; 40];
        for round in 0..2000 {
            for r in bag_rows(40, 0.25, 11, round) {
                hits[r as usize] += 1;
            }
        }
        for &h in &hits {
            assert!((h as f64 / 2000.0 - 0.25).abs() < 0.06, "{hits:?}");
        }
    }
}
