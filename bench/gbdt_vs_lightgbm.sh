#!/usr/bin/env bash
# Trains our GBDT and LightGBM (Python package, from PyPI, the version ./dev pins) back to back
# on the same feature table, built from N generated applications (default 1,000,000), with the
# same parameters: 500 trees, 63 leaves, learning rate 0.05, 2 threads, min_data_in_leaf 20,
# 255 bins. Prints each one's training time (binning included on both sides), the ratio
# ours / LightGBM, each one's ROC AUC on the same out-of-time test split and their difference.
# Last, it times the whole `appfraud train --table` command on the same labelled rows
# (bench/gbdt_vs_lightgbm.toml: the same parameters, no bootstrap intervals).
# Usage: bench/gbdt_vs_lightgbm.sh [N]. The data directory is cached under
# ${XDG_CACHE_HOME:-~/.cache}/appfraud/bench-data-N (shared with bench/features.sh), its train
# and test splits under ${XDG_CACHE_HOME:-~/.cache}/appfraud/bench-gbdt-splits-N, and the
# Python environment (bench/lightgbm_env.sh) under
# ${XDG_CACHE_HOME:-~/.cache}/appfraud/venv-lightgbm.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
n="${1:-1000000}"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/appfraud"
venv="$cache/venv-lightgbm"
source bench/lightgbm_env.sh
ensure_lightgbm_venv "$venv"
# One build with the benches selected: every bench script then shares one feature resolution
# (dev-dependencies included) and so one release build of polars.
cargo build --quiet --release --workspace --bin appfraud --benches
bin="${CARGO_TARGET_DIR:-$root/target}/release/appfraud"
data="$cache/bench-data-$n"
if [ ! -f "$data/applications.parquet" ]; then
  echo "generating $n applications into $data"
  "$bin" --quiet generate --out "$data" --applications "$n"
fi
# The train and test splits are written once per data directory and read back by later runs
# (building the dataset takes a minute at 1M applications); delete the directory to rebuild.
splits="$cache/bench-gbdt-splits-$n"
source_dir="$data"
if [ -f "$splits/table.parquet" ] && [ "$splits/meta.json" -nt "$data/applications.parquet" ]; then
  source_dir="-"
fi
mkdir -p "$splits"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
cargo bench --quiet --workspace --bench gbdt_vs_lightgbm -- "$source_dir" "$splits" | tee "$out/ours.log"
"$venv/bin/python" bench/gbdt_vs_lightgbm.py "$splits" | tee "$out/lightgbm.log"
# "NAME: train X s, test ROC AUC Y" → "X Y"
figures() { sed -n "s/^$1: train \([0-9.]*\) s, test ROC AUC \([0-9.]*\)$/\1 \2/p" "$out/$1.log"; }
read -r ours_time ours_auc <<<"$(figures ours)"
read -r lgb_time lgb_auc <<<"$(figures lightgbm)"
if [ -z "$ours_time" ] || [ -z "$lgb_time" ]; then
  echo "could not read the figures of both runs" >&2
  exit 1
fi
echo "our GBDT vs LightGBM, $n applications:"
awk -v ot="$ours_time" -v oa="$ours_auc" -v lt="$lgb_time" -v la="$lgb_auc" 'BEGIN {
  printf "  train time: ours %.2f s, LightGBM %.2f s, ratio ours/LightGBM %.2f (target <= 1)\n", ot, lt, ot / lt
  printf "  test AUC:   ours %.6f, LightGBM %.6f, difference %+.6f (target |d| <= 0.002)\n", oa, la, oa - la
}'
# The whole `appfraud train --table` command on the same rows (all three splits, split by time as
# `train --data` splits them), as a user runs it: reading, training, calibration, evaluation,
# ONNX export, card and plots.
started=$(date +%s.%N)
"$bin" --quiet train --table "$splits/table.parquet" --label is_fraud --time submitted_at \
  --id application_id --config bench/gbdt_vs_lightgbm.toml --out "$out/package"
ended=$(date +%s.%N)
awk -v s="$started" -v e="$ended" -v lt="$lgb_time" 'BEGIN {
  printf "  whole command: appfraud train --table %.2f s, ratio to LightGBM training %.2f\n", e - s, (e - s) / lt
}'
