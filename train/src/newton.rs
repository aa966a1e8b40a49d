//! L2-penalised logistic regression on dense columns, fitted by Newton's method with a
//! backtracking line search: the solver of the logistic baseline and of the scorecard.
//!
//! It minimises, over the coefficients `w` and the intercept `b` (not penalised),
//!
//! ```text
//! L(w, b) = Σ_i [ln(1 + e^{m_i}) − y_i m_i] + alpha / 2 · ‖w‖²,   m_i = b + Σ_k w_k x_ik
//! ```
//!
//! scikit-learn's `LogisticRegression(C = 1 / alpha)` objective divided by `C`. With at most a
//! few hundred columns, each Newton step is one pass over the rows (in blocks on threads) to
//! form the gradient and the Hessian `Σ p_i (1 − p_i) x̃_i x̃_iᵀ + alpha · I` (`x̃` the row with
//! a leading 1, no penalty on it) and a Cholesky solve; it converges in about ten steps where a
//! first-order method (L-BFGS) needs hundreds of passes. The loss is strictly convex for
//! `alpha > 0`, so the point where the gradient vanishes is the unique minimum; the fit stops
//! when the gradient's largest component is below `tolerance` times the number of rows.

use rayon::prelude::*;

use crate::TrainError;

/// Rows per block of the sums: blocks run on threads and are added in block order, so every
/// sum is the same for any number of threads.
const BLOCK: usize = 4096;

/// A row-major design matrix: `rows × columns` values.
pub(crate) struct Design<'a> {
    pub values: &'a [f64],
    pub columns: usize,
}

/// `ln(1 + e^m)` without overflow.
fn softplus(m: f64) -> f64 {
    if m > 0.0 {
        m + (-m).exp().ln_1p()
    } else {
        m.exp().ln_1p()
    }
}

fn sigmoid(m: f64) -> f64 {
    if m >= 0.0 {
        1.0 / (1.0 + (-m).exp())
    } else {
        let e = m.exp();
        e / (1.0 + e)
    }
}

/// The objective at `theta = [b, w…]`.
fn objective(x: &Design, y: &[bool], theta: &[f64], alpha: f64) -> f64 {
    let m = x.columns;
    let blocks: Vec<f64> = x
        .values
        .par_chunks(BLOCK * m)
        .zip(y.par_chunks(BLOCK))
        .map(|(values, y)| {
            let mut loss = 0.0;
            for (row, &label) in values.chunks_exact(m).zip(y) {
                let margin =
                    theta[0] + row.iter().zip(&theta[1..]).map(|(a, w)| a * w).sum::<f64>();
                loss += softplus(margin) - if label { margin } else { 0.0 };
            }
            loss
        })
        .collect();
    blocks.iter().sum::<f64>() + alpha / 2.0 * theta[1..].iter().map(|w| w * w).sum::<f64>()
}

/// Gradient and Hessian (lower triangle filled, row-major `(m+1)²`) at `theta`.
fn derivatives(x: &Design, y: &[bool], theta: &[f64], alpha: f64) -> (Vec<f64>, Vec<f64>) {
    let m = x.columns;
    let d = m + 1;
    let blocks: Vec<(Vec<f64>, Vec<f64>)> = x
        .values
        .par_chunks(BLOCK * m)
        .zip(y.par_chunks(BLOCK))
        .map(|(values, y)| {
            let mut grad = vec![0.0; d];
            let mut hess = vec![0.0; d * d];
            let mut xt = vec![0.0; d];
            xt[0] = 1.0;
            for (row, &label) in values.chunks_exact(m).zip(y) {
                xt[1..].copy_from_slice(row);
                let margin =
                    theta[0] + row.iter().zip(&theta[1..]).map(|(a, w)| a * w).sum::<f64>();
                let p = sigmoid(margin);
                let r = p - f64::from(u8::from(label));
                let h = p * (1.0 - p);
                for a in 0..d {
                    grad[a] += r * xt[a];
                    let ha = h * xt[a];
                    for (cell, &xb) in hess[a * d..a * d + a + 1].iter_mut().zip(&xt) {
                        *cell += ha * xb;
                    }
                }
            }
            (grad, hess)
        })
        .collect();
    let mut grad = vec![0.0; d];
    let mut hess = vec![0.0; d * d];
    for (g, h) in blocks {
        grad.iter_mut().zip(g).for_each(|(a, b)| *a += b);
        hess.iter_mut().zip(h).for_each(|(a, b)| *a += b);
    }
    for k in 1..d {
        grad[k] += alpha * theta[k];
        hess[k * d + k] += alpha;
    }
    (grad, hess)
}

/// Solves `H z = g` for symmetric positive-definite `H` (lower triangle used) by Cholesky;
/// `None` if `H` is not positive definite.
fn cholesky_solve(h: &[f64], g: &[f64]) -> Option<Vec<f64>> {
    let d = g.len();
    let mut l = vec![0.0; d * d];
    for i in 0..d {
        for j in 0..=i {
            let mut s = h[i * d + j];
            for k in 0..j {
                s -= l[i * d + k] * l[j * d + k];
            }
            if i == j {
                if s <= 0.0 || !s.is_finite() {
                    return None;
                }
                l[i * d + i] = s.sqrt();
            } else {
                l[i * d + j] = s / l[j * d + j];
            }
        }
    }
    let mut z = g.to_vec();
    for i in 0..d {
        for k in 0..i {
            z[i] -= l[i * d + k] * z[k];
        }
        z[i] /= l[i * d + i];
    }
    for i in (0..d).rev() {
        for k in i + 1..d {
            z[i] -= l[k * d + i] * z[k];
        }
        z[i] /= l[i * d + i];
    }
    Some(z)
}

/// The penalty and the stopping rule of [`fit_newton`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Penalty {
    /// The L2 penalty on the coefficients.
    pub alpha: f64,
    /// Most Newton steps.
    pub max_iterations: u64,
    /// Stop when the gradient's largest component is at most this times the number of rows.
    pub tolerance: f64,
}

/// Fits the penalised logistic regression (see the module docs); returns `(w, b)`. `model`
/// names the fit in errors.
///
/// # Errors
///
/// [`TrainError::FitFailed`] if the Hessian is not positive definite even with a small ridge
/// (a column identical to another with `alpha = 0`), or the loss does not fall within
/// `max_iterations` steps to the tolerance.
pub(crate) fn fit_newton(
    x: &Design,
    y: &[bool],
    penalty: Penalty,
    model: &'static str,
) -> Result<(Vec<f64>, f64), TrainError> {
    let Penalty {
        alpha,
        max_iterations,
        tolerance,
    } = penalty;
    let failed = |reason: String| TrainError::FitFailed { model, reason };
    let d = x.columns + 1;
    let n = y.len() as f64;
    // Start from the intercept-only optimum, the log-odds of the base rate.
    let positives = y.iter().filter(|&&v| v).count() as f64;
    let mut theta = vec![0.0; d];
    theta[0] = (positives / (n - positives)).ln();
    let mut value = objective(x, y, &theta, alpha);
    for _ in 0..max_iterations {
        let (grad, mut hess) = derivatives(x, y, &theta, alpha);
        let largest = grad.iter().fold(0.0f64, |a, g| a.max(g.abs()));
        if largest <= tolerance * n {
            return Ok((theta[1..].to_vec(), theta[0]));
        }
        let mut step = cholesky_solve(&hess, &grad);
        if step.is_none() {
            // Singular (collinear columns without a penalty): a ridge of 1e-8 per row.
            for k in 0..d {
                hess[k * d + k] += 1e-8 * n;
            }
            step = cholesky_solve(&hess, &grad);
        }
        let step = step.ok_or_else(|| failed("the Hessian is not positive definite".into()))?;
        // Backtracking: halve until the objective does not rise (Armijo with c = 1e-4).
        let slope: f64 = grad.iter().zip(&step).map(|(g, s)| g * s).sum();
        let mut t = 1.0;
        loop {
            let trial: Vec<f64> = theta.iter().zip(&step).map(|(a, s)| a - t * s).collect();
            let v = objective(x, y, &trial, alpha);
            if v <= value - 1e-4 * t * slope {
                theta = trial;
                value = v;
                break;
            }
            t /= 2.0;
            if t < 1e-12 {
                // No decrease is possible at float precision: this is the minimum.
                return Ok((theta[1..].to_vec(), theta[0]));
            }
        }
    }
    Err(failed(format!(
        "no convergence in {max_iterations} Newton steps (max_iterations; a larger alpha \
         helps when the classes are separable)"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fit_is_where_the_gradient_vanishes() {
        // Reference: the optimality condition of the strictly convex objective (module docs),
        // ∂L/∂b = Σ (p_i − y_i) = 0 and ∂L/∂w_k = Σ (p_i − y_i) x_ik + alpha w_k = 0, evaluated
        // independently here; tolerance 1e-7 per row (the stopping rule is 1e-9).
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut unit = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let (n, m) = (2_000, 3);
        let mut values = Vec::with_capacity(n * m);
        let mut y = Vec::with_capacity(n);
        for _ in 0..n {
            let row: Vec<f64> = (0..m).map(|_| unit() * 2.0 - 1.0).collect();
            let z = -1.0 + 2.0 * row[0] - row[1] + 0.5 * row[2];
            y.push(unit() < sigmoid(z));
            values.extend(row);
        }
        let x = Design {
            values: &values,
            columns: m,
        };
        for alpha in [0.0, 1.0, 50.0] {
            let penalty = Penalty {
                alpha,
                max_iterations: 100,
                tolerance: 1e-9,
            };
            let (w, b) = fit_newton(&x, &y, penalty, "test").expect("fit");
            let mut grad = vec![0.0; m + 1];
            for (row, &label) in values.chunks_exact(m).zip(&y) {
                let p = sigmoid(b + row.iter().zip(&w).map(|(a, c)| a * c).sum::<f64>());
                let r = p - if label { 1.0 } else { 0.0 };
                grad[0] += r;
                for k in 0..m {
                    grad[k + 1] += r * row[k];
                }
            }
            for k in 0..m {
                grad[k + 1] += alpha * w[k];
            }
            for g in &grad {
                assert!(
                    g.abs() <= 1e-7 * n as f64,
                    "alpha {alpha}: gradient {grad:?}"
                );
            }
            // The generating coefficients are recovered roughly without a penalty.
            if alpha == 0.0 {
                assert!(
                    (w[0] - 2.0).abs() < 0.4 && (w[1] + 1.0).abs() < 0.4,
                    "{w:?}"
                );
            }
        }
    }

    #[test]
    fn cholesky_solves_a_known_system() {
        // [[4, 2], [2, 3]] z = [2, 1] → z = [0.5, 0] (by hand); exact in binary.
        let z = cholesky_solve(&[4.0, 0.0, 2.0, 3.0], &[2.0, 1.0]).expect("SPD");
        assert_eq!(z, vec![0.5, 0.0]);
        assert!(cholesky_solve(&[1.0, 0.0, 1.0, 1.0], &[1.0, 1.0]).is_none());
    }
}
