//! GBDT parameters: the builder [`GbdtParams`], its validated form [`ValidGbdtParams`], and the
//! table every parameter is declared in once.
//!
//! The `gbdt_parameters!` table below is the single source: it generates the struct fields, the
//! `Default` values, the builder setters, the getters of the validated type, the range checks
//! of [`GbdtParams::check`] and [`parameter_docs`] (for `--help` and the docs).

use serde::{Deserialize, Serialize};

use crate::TrainError;

/// One row of the parameter table: what a user can set, its default and its valid range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamDoc {
    /// The name, as in the TOML configuration and the builder method.
    pub name: &'static str,
    /// The default value, as written in the table.
    pub default: &'static str,
    /// The valid range, in words.
    pub valid: &'static str,
    /// What it does, in one line.
    pub doc: &'static str,
}

/// Declares every parameter once: `name: Type = default, valid "words" if |v| check, doc "one line";`
/// (`shown "text"` overrides how the default is printed).
macro_rules! gbdt_parameters {
    ($(
        $name:ident : $ty:ty = $default:expr $(, shown $shown:literal)?,
            valid $valid:literal if |$v:ident| $check:expr,
            doc $doc:literal;
    )*) => {
        /// Settings for [`train_gbdt`](crate::train_gbdt), collected with builder methods or read
        /// from TOML ([`GbdtParams::from_toml_str`]); unknown keys are refused. Turn them into
        /// [`ValidGbdtParams`] with [`GbdtParams::check`] before training. The same table is
        /// available to programs as [`parameter_docs`]:
        ///
        /// | name | default | valid | meaning |
        /// |---|---|---|---|
        $(
            #[doc = concat!(
                "| `", stringify!($name), "` | `", gbdt_parameters!(@shown $default $(, $shown)?),
                "` | ", $valid, " | ", $doc, " |"
            )]
        )*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(default, deny_unknown_fields)]
        pub struct GbdtParams {
            $( #[doc = $doc] $name: $ty, )*
        }

        impl Default for GbdtParams {
            fn default() -> Self {
                Self { $( $name: $default, )* }
            }
        }

        impl GbdtParams {
            $(
                #[doc = $doc]
                #[doc = ""]
                #[doc = concat!("Default `", gbdt_parameters!(@shown $default $(, $shown)?), "`; valid: ", $valid, ".")]
                #[must_use]
                pub fn $name(mut self, value: $ty) -> Self {
                    self.$name = value;
                    self
                }
            )*

            /// Checks every parameter against its range and returns the validated parameters,
            /// or [`TrainError::InvalidParameter`] naming the first one out of range (in table
            /// order). Checks that need the data (the length of `monotone_constraints`) run when
            /// training starts.
            pub fn check(self) -> Result<ValidGbdtParams, TrainError> {
                $(
                    let $v = &self.$name;
                    if !($check) {
                        return Err(TrainError::InvalidParameter {
                            name: stringify!($name),
                            value: format!("{:?}", self.$name),
                            expected: $valid.to_string(),
                        });
                    }
                )*
                Ok(ValidGbdtParams(self))
            }
        }

        impl ValidGbdtParams {
            $(
                #[doc = $doc]
                pub fn $name(&self) -> &$ty {
                    &self.0.$name
                }
            )*
        }

        /// Every GBDT parameter in declaration order: name, default, valid range and a one-line
        /// description. The CLI's `--help` and the docs are generated from this table.
        pub fn parameter_docs() -> &'static [ParamDoc] {
            const DOCS: &[ParamDoc] = &[
                $(
                    ParamDoc {
                        name: stringify!($name),
                        default: gbdt_parameters!(@shown $default $(, $shown)?),
                        valid: $valid,
                        doc: $doc,
                    },
                )*
            ];
            DOCS
        }
    };
    (@shown $default:expr) => { stringify!($default) };
    (@shown $default:expr, $shown:literal) => { $shown };
}

gbdt_parameters! {
    num_trees: usize = 500,
        valid "an integer ≥ 1" if |v| *v >= 1,
        doc "Number of boosting rounds, one tree each (fewer if early stopping triggers).";
    learning_rate: f64 = 0.05,
        valid "a number in (0, 1]" if |v| *v > 0.0 && *v <= 1.0,
        doc "Shrinkage: every leaf value is multiplied by it.";
    max_leaves: usize = 31,
        valid "an integer in 2..=131072" if |v| (2..=131_072).contains(v),
        doc "Maximum number of leaves per tree (trees grow leaf-wise, best gain first).";
    max_depth: usize = 0,
        valid "0 (unlimited) or an integer ≥ 1" if |_v| true,
        doc "Maximum depth of a leaf (root = depth 0); 0 = no limit besides max_leaves.";
    min_data_in_leaf: usize = 20,
        valid "an integer ≥ 1" if |v| *v >= 1,
        doc "Minimum number of (in-bag) training rows in a leaf.";
    min_sum_hessian_in_leaf: f64 = 1e-3,
        valid "a finite number ≥ 0" if |v| *v >= 0.0 && v.is_finite(),
        doc "Minimum sum of hessians (weighted p(1-p)) in a leaf.";
    min_gain_to_split: f64 = 0.0,
        valid "a finite number ≥ 0" if |v| *v >= 0.0 && v.is_finite(),
        doc "A split is made only if its gain is strictly greater than this.";
    lambda_l2: f64 = 0.0,
        valid "a finite number ≥ 0" if |v| *v >= 0.0 && v.is_finite(),
        doc "L2 penalty on leaf values: leaf = -G / (H + lambda_l2).";
    bagging_fraction: f64 = 1.0,
        valid "a number in (0, 1]" if |v| *v > 0.0 && *v <= 1.0,
        doc "Share of training rows drawn without replacement for each tree; 1 = all rows.";
    bagging_seed: u64 = 3,
        valid "any integer ≥ 0" if |_v| true,
        doc "Seed of the row sample drawn for each tree when bagging_fraction < 1.";
    feature_fraction: f64 = 1.0,
        valid "a number in (0, 1]" if |v| *v > 0.0 && *v <= 1.0,
        doc "Share of features each tree may split on, drawn per tree; 1 = all features.";
    scale_pos_weight: f64 = 1.0,
        valid "a finite number > 0" if |v| *v > 0.0 && v.is_finite(),
        doc "Weight of every positive row in the loss (negatives weigh 1).";
    max_bins: usize = 255,
        valid "an integer in 2..=255" if |v| (2..=255).contains(v),
        doc "Bins per feature, including the one reserved for missing values.";
    early_stopping_rounds: usize = 0,
        valid "any integer ≥ 0" if |_v| true,
        doc "Stop when validation log-loss has not improved for this many rounds; 0 = off.";
    seed: u64 = 0,
        valid "any integer ≥ 0" if |_v| true,
        doc "Seed of the feature sample drawn for each tree when feature_fraction < 1.";
    num_threads: usize = 0,
        valid "any integer ≥ 0" if |_v| true,
        doc "Worker threads; 0 = the current rayon pool. The model does not depend on it.";
    monotone_constraints: Vec<i8> = Vec::new(), shown "[]",
        valid "empty, or one of -1, 0, 1 per feature" if |v| v.iter().all(|c| (-1..=1).contains(c)),
        doc "Per feature: 1 = prediction non-decreasing in it, -1 = non-increasing, 0 = free.";
}

/// Parameters that passed [`GbdtParams::check`]; the only input [`train_gbdt`](crate::train_gbdt)
/// accepts. Read them back with the getters (one per parameter).
#[derive(Debug, Clone, PartialEq)]
pub struct ValidGbdtParams(GbdtParams);

impl GbdtParams {
    /// Reads parameters from TOML text: top-level keys named as in [`parameter_docs`], missing
    /// keys keep their defaults. Unknown keys, wrong types and syntax errors return
    /// [`TrainError::InvalidConfig`]; ranges are checked later by [`GbdtParams::check`].
    pub fn from_toml_str(text: &str) -> Result<Self, TrainError> {
        toml::from_str(text).map_err(|e| TrainError::InvalidConfig {
            message: e.to_string().trim_end().to_string(),
        })
    }
}

impl ValidGbdtParams {
    /// The parameters as set (for example to record them next to a model).
    pub fn as_params(&self) -> &GbdtParams {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invalid_name(params: GbdtParams) -> &'static str {
        match params.check() {
            Err(TrainError::InvalidParameter { name, .. }) => name,
            other => panic!("expected InvalidParameter, got {other:?}"),
        }
    }

    #[test]
    fn defaults_pass_and_match_the_table() {
        let valid = GbdtParams::default().check().expect("defaults are valid");
        assert_eq!(*valid.num_trees(), 500);
        assert_eq!(*valid.learning_rate(), 0.05);
        assert_eq!(*valid.max_leaves(), 31);
        assert_eq!(*valid.max_bins(), 255);
        assert!(valid.monotone_constraints().is_empty());
        let docs = parameter_docs();
        assert_eq!(docs.len(), 17);
        let lr = docs.iter().find(|d| d.name == "learning_rate").unwrap();
        assert_eq!((lr.default, lr.valid), ("0.05", "a number in (0, 1]"));
        let mc = docs
            .iter()
            .find(|d| d.name == "monotone_constraints")
            .unwrap();
        assert_eq!(mc.default, "[]");
        assert!(
            docs.iter()
                .all(|d| !d.doc.is_empty() && !d.valid.is_empty())
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
            TrainError::InvalidParameter {
                name: "learning_rate",
                value: "-0.5".to_string(),
                expected: "a number in (0, 1]".to_string(),
            }
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
        let unknown = GbdtParams::from_toml_str("num_leaves = 31\n");
        assert!(
            matches!(&unknown, Err(TrainError::InvalidConfig { message }) if message.contains("num_leaves")),
            "{unknown:?}"
        );
        assert!(matches!(
            GbdtParams::from_toml_str("num_trees = \"many\"\n"),
            Err(TrainError::InvalidConfig { .. })
        ));
    }
}
