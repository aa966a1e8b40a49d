//! Gauss–Legendre quadrature on `[0, 1]`: `n` nodes and positive weights that integrate every
//! polynomial of degree below `2n` exactly (up to rounding).
//!
//! The nodes are the roots of the Legendre polynomial `P_n`, found by Newton's method from
//! the classical first guesses `cos(π (i + 3/4) / (n + 1/2))`; each weight is
//! `2 / ((1 − x²) P_n'(x)²)`. The rule is symmetric, so only half of the roots are solved for.

use std::f64::consts::PI;

/// A Gauss–Legendre rule on `[0, 1]`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Rule {
    /// The nodes, in increasing order, all strictly inside `(0, 1)`.
    pub(crate) t: Vec<f64>,
    /// The weights (positive, summing to 1).
    pub(crate) w: Vec<f64>,
}

/// `P_n(x)` and `P_n'(x)` by the three-term recurrence.
fn legendre(n: usize, x: f64) -> (f64, f64) {
    let mut previous = 1.0;
    let mut current = x;
    for j in 2..=n {
        let j = j as f64;
        let next = ((2.0 * j - 1.0) * x * current - (j - 1.0) * previous) / j;
        previous = current;
        current = next;
    }
    let n = n as f64;
    let derivative = n * (x * current - previous) / (x * x - 1.0);
    (current, derivative)
}

impl Rule {
    /// The `n`-point rule (`n >= 1`).
    pub(crate) fn new(n: usize) -> Self {
        assert!(n >= 1, "a quadrature rule needs at least one node");
        let mut t = vec![0.0; n];
        let mut w = vec![0.0; n];
        if n == 1 {
            return Self {
                t: vec![0.5],
                w: vec![1.0],
            };
        }
        for i in 0..n.div_ceil(2) {
            // The i-th largest root of P_n on [-1, 1].
            let mut x = (PI * (i as f64 + 0.75) / (n as f64 + 0.5)).cos();
            let mut derivative = 1.0;
            for _ in 0..100 {
                let (p, dp) = legendre(n, x);
                derivative = dp;
                let step = p / dp;
                x -= step;
                if step.abs() <= 1e-16 * x.abs().max(1e-3) {
                    break;
                }
            }
            let (_, dp) = legendre(n, x);
            if dp.is_finite() {
                derivative = dp;
            }
            let weight = 2.0 / ((1.0 - x * x) * derivative * derivative);
            // x on [-1, 1] maps to (1 ± x) / 2 on [0, 1]; the weight halves.
            t[i] = (1.0 - x) / 2.0;
            t[n - 1 - i] = (1.0 + x) / 2.0;
            w[i] = weight / 2.0;
            w[n - 1 - i] = weight / 2.0;
        }
        Self { t, w }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference: `∫₀¹ tᵐ dt = 1 / (m + 1)`, which an `n`-point Gauss rule integrates exactly
    /// for every `m < 2n`; tolerance 1e-14 relative (rounding in the nodes, weights and powers).
    #[test]
    fn integrates_monomials_below_twice_the_nodes_exactly() {
        for n in 1..=64 {
            let rule = Rule::new(n);
            assert_eq!(rule.t.len(), n);
            for m in 0..2 * n {
                let integral: f64 = rule
                    .t
                    .iter()
                    .zip(&rule.w)
                    .map(|(t, w)| w * t.powi(m as i32))
                    .sum();
                let exact = 1.0 / (m as f64 + 1.0);
                assert!(
                    ((integral - exact) / exact).abs() < 1e-14 * (1.0 + m as f64 / 8.0),
                    "n = {n}, m = {m}: {integral} vs {exact}"
                );
            }
        }
    }

    /// Reference: the 2-point rule on [-1, 1] has nodes ±1/√3 and weights 1 (Abramowitz &
    /// Stegun 25.4.29), so on [0, 1] nodes (1 ∓ 1/√3)/2 and weights 1/2; tolerance 1e-15.
    #[test]
    fn two_point_rule_is_the_textbook_one() {
        let rule = Rule::new(2);
        let offset = 1.0 / 3f64.sqrt() / 2.0;
        assert!((rule.t[0] - (0.5 - offset)).abs() < 1e-15);
        assert!((rule.t[1] - (0.5 + offset)).abs() < 1e-15);
        assert!((rule.w[0] - 0.5).abs() < 1e-15 && (rule.w[1] - 0.5).abs() < 1e-15);
    }

    #[test]
    fn nodes_are_increasing_and_inside_the_interval() {
        for n in 1..=200 {
            let rule = Rule::new(n);
            assert!(rule.t.windows(2).all(|p| p[0] < p[1]), "n = {n}");
            assert!(rule.t.iter().all(|&t| t > 0.0 && t < 1.0), "n = {n}");
            assert!(rule.w.iter().all(|&w| w > 0.0), "n = {n}");
            let total: f64 = rule.w.iter().sum();
            assert!(
                (total - 1.0).abs() < 1e-13,
                "n = {n}: weights sum to {total}"
            );
        }
    }
}
