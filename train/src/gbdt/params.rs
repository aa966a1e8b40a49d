//! GBDT parameters: the builder [`GbdtParams`], its validated form [`ValidGbdtParams`], and the
//! table every parameter is declared in once (`declare_params!` of `appfraud-core`: it
//! generates the fields, defaults, setters, getters, range checks of [`GbdtParams::check`] and
//! [`GbdtParams::PARAMETERS`], from which `--help` is generated).

use appfraud_core::declare_params;

use crate::TrainError;

declare_params! {
    /// Settings for [`train_gbdt`](crate::train_gbdt), collected with builder methods or read
    /// from TOML ([`GbdtParams::from_toml_str`]); unknown keys are refused, missing keys keep
    /// their defaults. Turn them into [`ValidGbdtParams`] with [`GbdtParams::check`] before
    /// training; [`GbdtParams::PARAMETERS`] lists every parameter with its default and range.
    /// Checks that need the data (the length of `monotone_constraints`) run when training
    /// starts.
    #[derive(serde::Serialize, serde::Deserialize)]
    #[serde(default, deny_unknown_fields)]
    params GbdtParams;
    /// Parameters that passed [`GbdtParams::check`]; the only input
    /// [`train_gbdt`](crate::train_gbdt) accepts. Read them back with the getters (one per
    /// parameter).
    #[derive(serde::Serialize)]
    valid ValidGbdtParams;
    /// Number of boosting rounds, one tree each (fewer if early stopping triggers).
    num_trees: usize = 500,
        valid "an integer ≥ 1" if |v| *v >= 1;
    /// Shrinkage: every leaf value is multiplied by it.
    learning_rate: f64 = 0.05,
        valid "a number in (0, 1]" if |v| *v > 0.0 && *v <= 1.0;
    /// Maximum number of leaves per tree (trees grow leaf-wise, best gain first).
    max_leaves: usize = 31,
        valid "an integer in 2..=131072" if |v| (2..=131_072).contains(v);
    /// Maximum depth of a leaf (root = depth 0); 0 = no limit besides max_leaves.
    max_depth: usize = 0,
        valid "0 (unlimited) or an integer ≥ 1" if |_v| true;
    /// Minimum number of (in-bag) training rows in a leaf.
    min_data_in_leaf: usize = 20,
        valid "an integer ≥ 1" if |v| *v >= 1;
    /// Minimum sum of hessians (weighted p(1-p)) in a leaf.
    min_sum_hessian_in_leaf: f64 = 1e-3,
        valid "a finite number ≥ 0" if |v| *v >= 0.0 && v.is_finite();
    /// A split is made only if its gain is strictly greater than this.
    min_gain_to_split: f64 = 0.0,
        valid "a finite number ≥ 0" if |v| *v >= 0.0 && v.is_finite();
    /// L2 penalty on leaf values: leaf = -G / (H + lambda_l2).
    lambda_l2: f64 = 0.0,
        valid "a finite number ≥ 0" if |v| *v >= 0.0 && v.is_finite();
    /// Share of training rows drawn without replacement for each tree; 1 = all rows.
    bagging_fraction: f64 = 1.0,
        valid "a number in (0, 1]" if |v| *v > 0.0 && *v <= 1.0;
    /// Seed of the row sample drawn for each tree when bagging_fraction < 1.
    bagging_seed: u64 = 3,
        valid "any integer ≥ 0" if |_v| true;
    /// Share of features each tree may split on, drawn per tree; 1 = all features.
    feature_fraction: f64 = 1.0,
        valid "a number in (0, 1]" if |v| *v > 0.0 && *v <= 1.0;
    /// Weight of every positive row in the loss (negatives weigh 1).
    scale_pos_weight: f64 = 1.0,
        valid "a finite number > 0" if |v| *v > 0.0 && v.is_finite();
    /// Bins per feature, including the one reserved for missing values.
    max_bins: usize = 255,
        valid "an integer in 2..=255" if |v| (2..=255).contains(v);
    /// Stop when validation log-loss has not improved for this many rounds; 0 = off.
    early_stopping_rounds: usize = 0,
        valid "any integer ≥ 0" if |_v| true;
    /// Seed of the feature sample drawn for each tree when feature_fraction < 1.
    seed: u64 = 0,
        valid "any integer ≥ 0" if |_v| true;
    /// Worker threads; 0 = the current rayon pool. The model does not depend on it.
    num_threads: usize = 0,
        valid "any integer ≥ 0" if |_v| true;
    /// Record the training log-loss after every tree (one more pass over the training rows per
    /// tree); when false it is recorded before the first tree and after the last only.
    record_train_loss: bool = false,
        valid "true or false" if |_v| true;
    /// Per feature: 1 = prediction non-decreasing in it, -1 = non-increasing, 0 = free.
    monotone_constraints: Vec<i8> = Vec::new(), shown "[]",
        valid "empty, or one of -1, 0, 1 per feature" if |v| v.iter().all(|c| (-1..=1).contains(c));
}

impl GbdtParams {
    /// Reads parameters from TOML text: top-level keys named as in
    /// [`GbdtParams::PARAMETERS`], missing keys keep their defaults. Unknown keys, wrong types
    /// and syntax errors return [`TrainError::InvalidConfig`]; ranges are checked later by
    /// [`GbdtParams::check`].
    pub fn from_toml_str(text: &str) -> Result<Self, TrainError> {
        crate::trainer::from_toml(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use appfraud_core::ParamError;

    fn invalid_name(params: GbdtParams) -> &'static str {
        match params.check() {
            Err(e) => e.name,
            Ok(valid) => panic!("expected a ParamError, got {valid:?}"),
        }
    }

    #[test]
    fn defaults_pass_and_match_the_table() {
        let valid = GbdtParams::default().check().expect("defaults are valid");
        assert_eq!(valid.num_trees(), 500);
        assert_eq!(valid.learning_rate(), 0.05);
        assert_eq!(valid.max_leaves(), 31);
        assert_eq!(valid.max_bins(), 255);
        assert!(valid.monotone_constraints().is_empty());
        let docs = GbdtParams::PARAMETERS;
        assert_eq!(docs.len(), 18);
        let lr = docs.iter().find(|d| d.name == "learning_rate").unwrap();
        assert_eq!((lr.default, lr.range), ("0.05", "a number in (0, 1]"));
        let mc = docs
            .iter()
            .find(|d| d.name == "monotone_constraints")
            .unwrap();
        assert_eq!(mc.default, "[]");
        assert!(
            docs.iter()
                .all(|d| !d.doc_line().is_empty() && !d.range.is_empty())
        );
    }

    #[test]
    fn each_range_is_enforced() {
        let base = GbdtParams::default;
        assert_eq!(invalid_name(base().num_trees(0)), "num_trees");
        assert_eq!(invalid_name(base().learning_rate(0.0)), "learning_rate");
        assert_eq!(invalid_name(base().learning_rate(-0.1)), "learning_rate");
        assert_eq!(
            invalid_name(base().learning_rate(f64::NAN)),
            "learning_rate"
        );
        assert_eq!(invalid_name(base().learning_rate(1.5)), "learning_rate");
        assert_eq!(invalid_name(base().max_leaves(1)), "max_leaves");
        assert_eq!(invalid_name(base().min_data_in_leaf(0)), "min_data_in_leaf");
        assert_eq!(
            invalid_name(base().min_sum_hessian_in_leaf(-1e-9)),
            "min_sum_hessian_in_leaf"
        );
        assert_eq!(
            invalid_name(base().min_gain_to_split(f64::INFINITY)),
            "min_gain_to_split"
        );
        assert_eq!(invalid_name(base().lambda_l2(-1.0)), "lambda_l2");
        assert_eq!(
            invalid_name(base().bagging_fraction(0.0)),
            "bagging_fraction"
        );
        assert_eq!(
            invalid_name(base().feature_fraction(1.01)),
            "feature_fraction"
        );
        assert_eq!(
            invalid_name(base().scale_pos_weight(0.0)),
            "scale_pos_weight"
        );
        assert_eq!(invalid_name(base().max_bins(1)), "max_bins");
        assert_eq!(invalid_name(base().max_bins(256)), "max_bins");
        assert_eq!(
            invalid_name(base().monotone_constraints(vec![0, 2])),
            "monotone_constraints"
        );
    }

    #[test]
    fn error_names_value_and_range() {
        let err = GbdtParams::default()
            .learning_rate(-0.5)
            .check()
            .unwrap_err();
        assert_eq!(
            err,
            ParamError {
                table: None,
                name: "learning_rate",
                value: "-0.5".to_string(),
                expected: "a number in (0, 1]",
            }
        );
        // Through `?` in the library it becomes the one parameter variant of TrainError.
        assert_eq!(
            TrainError::from(err).to_string(),
            "parameter learning_rate = -0.5 is invalid; expected a number in (0, 1]"
        );
    }

    #[test]
    fn toml_reads_known_keys_and_refuses_unknown_ones() {
        let params = GbdtParams::from_toml_str(
            "num_trees = 100\nlearning_rate = 0.1\nmonotone_constraints = [1, 0, -1]\n",
        )
        .expect("valid TOML");
        assert_eq!(
            params,
            GbdtParams::default()
                .num_trees(100)
                .learning_rate(0.1)
                .monotone_constraints(vec![1, 0, -1])
        );
        match GbdtParams::from_toml_str("num_trees = 10\nnum_leaves = 31\n") {
            Err(TrainError::InvalidConfig { message }) => assert!(
                message.starts_with("line 2: ") && message.contains("num_leaves"),
                "{message}"
            ),
            other => panic!("expected InvalidConfig, got {other:?}"),
        }
        assert!(matches!(
            GbdtParams::from_toml_str("num_trees = \"many\"\n"),
            Err(TrainError::InvalidConfig { .. })
        ));
    }
}
