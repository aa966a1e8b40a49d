//! Row weights of the GBDT (`train_gbdt_weighted`): an integer weight is the same as that many
//! copies of the row, unit weights are no weights at all, and bad weights are refused with a
//! typed error before any compute.

use appfraud_train::{ColumnMatrix, GbdtParams, TrainError, train_gbdt, train_gbdt_weighted};

/// A small deterministic generator (SplitMix64).
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Three features with few distinct values (so the bins are the distinct values, whatever the
/// counts), one of them sometimes missing, a noisy label, and a weight of 1, 2 or 3 per row.
fn table(n: usize) -> (Vec<Vec<f32>>, Vec<bool>, Vec<f64>) {
    let mut rng = SplitMix(11);
    let mut columns: Vec<Vec<f32>> = (0..3).map(|_| Vec::with_capacity(n)).collect();
    let (mut y, mut w) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for _ in 0..n {
        let a = (rng.unit() * 12.0).floor() as f32;
        let b = (rng.unit() * 5.0).floor() as f32 - 2.0;
        let c = if rng.unit() < 0.2 {
            f32::NAN
        } else {
            (rng.unit() * 20.0).floor() as f32 / 4.0
        };
        let signal = 0.4 * f64::from(a) - 2.5
            + 0.6 * f64::from(b)
            + if c.is_nan() { 1.0 } else { -0.2 * f64::from(c) };
        y.push(rng.unit() < 1.0 / (1.0 + (-signal).exp()));
        for (column, v) in columns.iter_mut().zip([a, b, c]) {
            column.push(v);
        }
        w.push(1.0 + (rng.next() % 3) as f64);
    }
    (columns, y, w)
}

fn params() -> appfraud_train::ValidGbdtParams {
    GbdtParams::default()
        .num_trees(15)
        .learning_rate(0.3)
        .max_leaves(7)
        .min_data_in_leaf(1)
        .lambda_l2(1.0)
        .check()
        .expect("valid parameters")
}

/// Reference: the same model trained without weights on the table where each row is repeated
/// `weight` times. Tolerance 1e-9 on the margins of every original row: the two fits add the
/// same gradients in another order (a copy's gradient is summed where the copy sits), so only
/// the last bits of a sum may differ.
#[test]
fn integer_weights_equal_duplicated_rows() {
    let (columns, y, w) = table(600);
    let refs: Vec<&[f32]> = columns.iter().map(Vec::as_slice).collect();
    let x = ColumnMatrix::new(refs).unwrap();
    let weighted = train_gbdt_weighted(&params(), &x, &y, Some(&w), None).unwrap();

    let mut dup_columns = vec![Vec::new(); 3];
    let mut dup_y = Vec::new();
    for (row, weight) in w.iter().enumerate() {
        for _ in 0..(*weight as usize) {
            for (d, c) in dup_columns.iter_mut().zip(&columns) {
                d.push(c[row]);
            }
            dup_y.push(y[row]);
        }
    }
    let dup_refs: Vec<&[f32]> = dup_columns.iter().map(Vec::as_slice).collect();
    let dup_x = ColumnMatrix::new(dup_refs).unwrap();
    let duplicated = train_gbdt(&params(), &dup_x, &dup_y, None).unwrap();

    assert_eq!(weighted.model.trees.len(), duplicated.model.trees.len());
    assert!((weighted.model.base_score - duplicated.model.base_score).abs() <= 1e-12);
    let a = weighted.model.predict_margins(&x).unwrap();
    let b = duplicated.model.predict_margins(&x).unwrap();
    for (row, (a, b)) in a.iter().zip(&b).enumerate() {
        assert!((a - b).abs() <= 1e-9, "row {row}: {a} vs {b}");
    }
    // The weights changed the model: the unweighted fit differs from both.
    let plain = train_gbdt(&params(), &x, &y, None).unwrap();
    let p = plain.model.predict_margins(&x).unwrap();
    let largest = p
        .iter()
        .zip(&a)
        .map(|(p, a)| (p - a).abs())
        .fold(0.0, f64::max);
    assert!(largest > 1e-3, "weights made no difference ({largest})");
}

/// Reference: `train_gbdt` on the same rows; unit weights multiply every gradient and hessian
/// by exactly 1, so the model is bit-identical (tolerance 0).
#[test]
fn unit_weights_are_no_weights() {
    let (columns, y, _) = table(300);
    let refs: Vec<&[f32]> = columns.iter().map(Vec::as_slice).collect();
    let x = ColumnMatrix::new(refs).unwrap();
    let ones = vec![1.0; y.len()];
    let weighted = train_gbdt_weighted(&params(), &x, &y, Some(&ones), None).unwrap();
    let plain = train_gbdt(&params(), &x, &y, None).unwrap();
    assert_eq!(weighted, plain);
}

#[test]
fn bad_weights_are_refused_with_typed_errors() {
    let (columns, y, w) = table(50);
    let refs: Vec<&[f32]> = columns.iter().map(Vec::as_slice).collect();
    let x = ColumnMatrix::new(refs).unwrap();
    let fit = |weights: &[f64]| train_gbdt_weighted(&params(), &x, &y, Some(weights), None);

    match fit(&w[..49]) {
        Err(TrainError::LengthMismatch {
            what: "weights",
            expected: 50,
            found: 49,
        }) => {}
        other => panic!("expected LengthMismatch, got {other:?}"),
    }
    for bad in [f64::NAN, f64::INFINITY] {
        let mut v = w.clone();
        v[7] = bad;
        match fit(&v) {
            Err(TrainError::NonFinite {
                what: "weights",
                index: 7,
                ..
            }) => {}
            other => panic!("{bad}: expected NonFinite, got {other:?}"),
        }
    }
    let mut v = w.clone();
    v[3] = -0.5;
    match fit(&v) {
        Err(e @ TrainError::NegativeWeight { index: 3, .. }) => assert!(e.is_user_error()),
        other => panic!("expected NegativeWeight, got {other:?}"),
    }
    let no_positive: Vec<f64> = y
        .iter()
        .zip(&w)
        .map(|(l, w)| if *l { 0.0 } else { *w })
        .collect();
    match fit(&no_positive) {
        Err(TrainError::WeightlessClass { class: "positive" }) => {}
        other => panic!("expected WeightlessClass, got {other:?}"),
    }
}
