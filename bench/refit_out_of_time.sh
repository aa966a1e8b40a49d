#!/usr/bin/env bash
# Out-of-time quality of the deployed model on generated data with drift (fraud grows about a
# quarter each quarter; hardware KVMs and stealth farms replace software remote control): for
# each seed, packages are trained on the data as it stood at the start of the second-to-last
# quarter, with and without the refit and with recency weights (half-life 90 and 180 days), and
# each scores the quarter after that cutoff against labels none of them saw (every label the
# full directory holds, up to a quarter later). Prints ROC AUC and PR AUC per seed and variant,
# then their means. Any argument is passed to the bench binary (benches/refit_out_of_time.rs):
#   bench/refit_out_of_time.sh [--applications N] [--seeds 1,2,3] [--quarters Q]
#                              [--start YYYY-MM-DD] [--config train.toml]
# Defaults: 40,000 applications over 7 quarters from 2024-01-01, seeds 1, 2 and 3, the default
# training configuration.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# One build with the benches selected: every bench script then shares one feature resolution
# (dev-dependencies included) and so one release build of polars.
cargo build --quiet --release --workspace --bin appfraud --benches
cargo bench --quiet --workspace --bench refit_out_of_time -- "$@"
