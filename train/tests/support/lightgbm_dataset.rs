//! The continuous dataset (`auc_dataset()`) of `train/tests/reference/lightgbm_reference.py`,
//! built identically: same LCG, same draws in the same order, same formulas (see the Python
//! docstring for what each feature does). Shared by the LightGBM parity test and the training
//! benchmark.

/// Rows in the dataset; the first [`N_TRAIN`] train, the rest test.
pub const N_ROWS: usize = 20_000;
/// Training rows.
pub const N_TRAIN: usize = 15_000;
/// Features per row.
pub const N_FEATURES: usize = 10;
const SEED: u64 = 20_240_601;

#[path = "lcg.rs"]
mod lcg;
pub use lcg::Lcg;

/// Column-major features (`columns[j][i]`, `f32`, `NaN` = missing) and labels.
pub struct Dataset {
    pub columns: Vec<Vec<f32>>,
    pub labels: Vec<bool>,
}

impl Dataset {
    /// Columns restricted to `rows`.
    pub fn columns_of(&self, rows: std::ops::Range<usize>) -> Vec<&[f32]> {
        self.columns.iter().map(|c| &c[rows.clone()]).collect()
    }
}

pub fn dataset() -> Dataset {
    let mut rng = Lcg(SEED);
    let mut columns: Vec<Vec<f32>> = (0..N_FEATURES)
        .map(|_| Vec::with_capacity(N_ROWS))
        .collect();
    let mut labels = Vec::with_capacity(N_ROWS);
    for _ in 0..N_ROWS {
        let u: Vec<f64> = (0..14).map(|_| rng.unit()).collect();
        let x0 = u[0] * 4.0 - 2.0;
        let x1 = u[1] * 4.0 - 2.0;
        let x2 = u[2] * 2.0;
        let x3 = (u[3] * 5.0).floor();
        let x4 = u[4];
        let x5 = u[5] + u[6] + u[7] - 1.5;
        let x6 = u[8] * 10.0;
        let x7 = if u[10] >= 0.1 { u[9] } else { f64::NAN };
        let x8 = if u[12] >= 0.2 { u[11] * 3.0 } else { f64::NAN };
        let x9 = u[13] - 0.5;
        let step = if x2 > 1.0 { 0.8 } else { -0.4 };
        let from_x7 = if x7.is_nan() { 0.0 } else { 0.9 * x7 };
        let from_x8 = if x8.is_nan() { 1.0 } else { -0.5 * x8 };
        // Summed left to right, term by term, exactly as the Python expression.
        let f = 0.8 * x0 - 0.6 * x1 + 1.2 * x0 * x1 + step + 0.3 * x3 - 1.5 * x4 * x4
            + 0.7 * x5
            + from_x7
            + from_x8
            - 0.8;
        let p = 1.0 / (1.0 + (-f).exp());
        labels.push(rng.unit() < p);
        for (column, value) in columns
            .iter_mut()
            .zip([x0, x1, x2, x3, x4, x5, x6, x7, x8, x9])
        {
            column.push(value as f32);
        }
    }
    Dataset { columns, labels }
}
