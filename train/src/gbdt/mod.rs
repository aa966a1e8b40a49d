//! Histogram gradient-boosted decision trees for binary classification.
//!
//! # Pipeline
//!
//! [`GbdtParams`] → [`GbdtParams::check`] → [`ValidGbdtParams`] → [`train_gbdt`] →
//! [`GbdtTraining`] (`model` + `history`) → [`GbdtModel`], plain serialisable data that ONNX
//! export, TreeSHAP and serving read. One stage per file:
//!
//! - `params`: the parameter table (each parameter's name, default, range and doc, declared
//!   once; [`GbdtParams::PARAMETERS`] lists them);
//! - `inputs`: checks on the data before any compute;
//! - `binning`: per-feature quantile bins (`u8`, column-major) with exact `f32` bounds and one
//!   bin for missing values, plus a sparse row-major copy in feature groups for histograms
//!   (constant features dropped, each feature's most frequent bin left out);
//! - `histogram`: gradient/hessian histograms per node, row-wise, one feature group per
//!   thread, with histogram subtraction and a pool that recycles them;
//! - `kernel`: the histogram inner loop (software prefetch, an AVX2 build chosen at run time);
//! - `split`: the best split of a feature (missing values tried on both sides, L2, minimum
//!   data and hessian per leaf, minimum gain, monotone constraints);
//! - `grower`: leaf-wise (best-first) growth of one tree, features in parallel;
//! - `objective`: binary log-loss gradients and hessians (`scale_pos_weight`), base score; it
//!   knows nothing about trees;
//! - `sampling`: row bags and feature subsets per round, from seeds;
//! - `booster`: the boosting loop, losses, early stopping;
//! - `model`: the trained model and prediction (links no training code).
//!
//! # Semantics
//!
//! The design follows LightGBM: split rule `x <= threshold`, leaf-wise growth, greedy quantile
//! bins, histogram subtraction, second-order leaf values `−G / (H + λ)` times the learning
//! rate, monotone constraints by bounding leaf outputs. Thresholds are exact `f32` values, so a
//! model routes every row identically whether it is evaluated here on `f32` input, during
//! training on bins, or by ONNX Runtime with `BRANCH_LEQ`. How `NaN` is routed, and every other
//! rule of prediction, is documented on [`GbdtModel`]'s module (`model`): in short, `NaN` goes
//! to each node's `default_left`, learned from the training rows that were missing there, or
//! to the larger child when none were.
//!
//! Differences from LightGBM worth knowing: the base score includes `scale_pos_weight` (the
//! weighted log-odds); a bag is drawn for every tree when `bagging_fraction < 1` (no
//! `bagging_freq`); bins use every training row and no `min_data_in_bin`; zero gets no bin of
//! its own.
//!
//! # Determinism
//!
//! Sampling draws depend only on (seed, round). Every sum is taken in a fixed order: gradients
//! per row, histogram cells over the node's rows in ascending order by one thread (a feature's
//! most frequent bin as the node's total minus its other cells), the training loss by fixed
//! blocks of rows, best splits reduced by (gain, then lowest feature; within a feature the
//! lowest threshold), leaves chosen by gain (ties: lowest node). Threads only decide who adds
//! which cells or partitions which block. The model is therefore bit-identical for the same
//! inputs and parameters, whatever `num_threads` is.
//!
//! # Parameters
//!
//! Every parameter, its default, valid range and meaning is declared once, in `params`; the
//! builder methods of [`GbdtParams`] document each one and, for programs (CLI help),
//! [`GbdtParams::PARAMETERS`] lists them.

mod binning;
mod booster;
mod grower;
mod histogram;
mod inputs;
mod kernel;
mod model;
mod objective;
mod params;
mod sampling;
mod split;

pub use booster::{GbdtTraining, RoundLoss, train_gbdt, train_gbdt_weighted};
pub use model::{GbdtModel, LeafNode, Node, SplitNode, Tree};
pub use params::{GbdtParams, ValidGbdtParams};
