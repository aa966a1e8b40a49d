//! A small, fully specified random number generator.
//!
//! The generator's output must depend only on the seed, forever: no dependency upgrade may change
//! the data a seed produces. So the bits come from the workspace's one SplitMix64
//! ([`appfraud_core::primitives::SplitMix64`]), whose definition fits in five lines, and every
//! distribution below is written out here.

use appfraud_core::primitives::SplitMix64;

/// Deterministic random source (SplitMix64) with the distributions the generator needs.
#[derive(Debug, Clone)]
pub(crate) struct Rng {
    bits: SplitMix64,
}

/// Mixes a 64-bit value (the SplitMix64 finaliser); also used to derive stable keys.
pub(crate) fn mix64(z: u64) -> u64 {
    SplitMix64::mix(z)
}

impl Rng {
    /// A generator for `stream` under `seed`: distinct streams are independent for practical use.
    pub(crate) fn new(seed: u64, stream: u64) -> Self {
        Rng {
            bits: SplitMix64::new(mix64(seed ^ mix64(stream.wrapping_add(SplitMix64::GAMMA)))),
        }
    }

    /// A child generator for sub-stream `stream`, independent of this one's future draws.
    pub(crate) fn fork(&mut self, stream: u64) -> Rng {
        let seed = self.next_u64();
        Rng::new(seed, stream)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.bits.next_u64()
    }

    /// Uniform in [0, 1) with 53 bits of precision.
    pub(crate) fn f64(&mut self) -> f64 {
        self.bits.next_f64()
    }

    /// True with probability `p`.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }

    /// Uniform integer in `[lo, hi)`; `lo` when the range is empty.
    pub(crate) fn range(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        // Lemire's multiply-shift; the bias for spans far below 2^64 is negligible here.
        lo + ((self.next_u64() as u128 * (hi - lo) as u128) >> 64) as u64
    }

    /// Uniform integer in `[lo, hi]` for signed bounds.
    pub(crate) fn int(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.range(0, (hi - lo + 1) as u64) as i64
    }

    /// Uniform index into a non-empty collection of length `n`.
    pub(crate) fn index(&mut self, n: usize) -> usize {
        self.range(0, n as u64) as usize
    }

    /// Uniform real in `[lo, hi)`.
    pub(crate) fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.f64()
    }

    /// One element of a non-empty slice.
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }

    /// A copy of one element of a non-empty slice.
    pub(crate) fn choose<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.index(items.len())]
    }

    /// A copy of an item of `items` drawn by the weight paired with it.
    pub(crate) fn choose_weighted<T: Copy>(&mut self, items: &[(T, f64)]) -> T {
        *self.pick_weighted(items)
    }

    /// Index drawn with probability proportional to `weights` (non-empty, not all zero).
    pub(crate) fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut x = self.f64() * total;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }

    /// An item of `items` drawn by the weight paired with it.
    pub(crate) fn pick_weighted<'a, T>(&mut self, items: &'a [(T, f64)]) -> &'a T {
        let weights: Vec<f64> = items.iter().map(|(_, w)| *w).collect();
        &items[self.weighted(&weights)].0
    }

    /// Standard normal draw (Box–Muller, one value per call).
    pub(crate) fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.f64(); // (0, 1]
        let u2 = self.f64();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// Log-normal draw with the given median and log-scale spread.
    pub(crate) fn lognormal(&mut self, median: f64, sigma: f64) -> f64 {
        median * (sigma * self.normal()).exp()
    }

    /// Exponential draw with the given mean.
    pub(crate) fn exponential(&mut self, mean: f64) -> f64 {
        -mean * (1.0 - self.f64()).ln()
    }

    /// Number of failures before the first success, success probability `p` in (0, 1].
    pub(crate) fn geometric(&mut self, p: f64) -> u64 {
        let mut n = 0;
        while !self.chance(p) && n < 1000 {
            n += 1;
        }
        n
    }

    /// Poisson draw (Knuth's method; fine for the small means used here).
    pub(crate) fn poisson(&mut self, mean: f64) -> u64 {
        let limit = (-mean).exp();
        let mut k = 0;
        let mut p = self.f64();
        while p > limit && k < 10_000 {
            k += 1;
            p *= self.f64();
        }
        k
    }

    /// Lower-case hexadecimal string of `digits` random digits.
    pub(crate) fn hex(&mut self, digits: usize) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        (0..digits).map(|_| HEX[self.index(16)] as char).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_matches_reference_sequence() {
        // Reference: the SplitMix64 C code of Vigna (prng.di.unimi.it/splitmix64.c) with state 0
        // yields 0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4, 0x06c45d188009454f for its first outputs.
        let mut r = Rng {
            bits: SplitMix64::new(0),
        };
        assert_eq!(r.next_u64(), 0xe220_a839_7b1d_cdaf);
        assert_eq!(r.next_u64(), 0x6e78_9e6a_a1b9_65f4);
        assert_eq!(r.next_u64(), 0x06c4_5d18_8009_454f);
    }

    #[test]
    fn draws_stay_in_range_and_have_the_right_mean() {
        let mut r = Rng::new(7, 1);
        let n = 200_000;
        let mut sum = 0.0;
        for _ in 0..n {
            let x = r.range(3, 9);
            assert!((3..9).contains(&x));
            sum += r.normal();
        }
        // Mean of N(0,1) over 200k draws: standard error 0.0022; 5 sigma = 0.011.
        assert!((sum / n as f64).abs() < 0.011);
        let p: f64 = (0..n).filter(|_| r.chance(0.3)).count() as f64 / n as f64;
        assert!((p - 0.3).abs() < 0.006, "{p}");
    }
}
