#!/usr/bin/env bash
# Batch scoring throughput on 2 cores, with the release build, of a 500-tree, 63-leaf GBDT
# (bench/score_throughput.toml) trained on N generated applications (default 1,000,000) and
# scoring the same N applications:
#   1. model part alone (features excluded), in one run on the same rows and model.onnx:
#      our native tree evaluator, ONNX Runtime from Rust (one session per rayon worker) and
#      Python onnxruntime (one session, default threads); rows/s and the ratios;
#   2. `appfraud score --table` of the precomputed feature table (features excluded; reading,
#      writing and reason codes included), without and with reasons;
#   3. `appfraud score --data` (features included), end to end with the default reasons;
#   4. reason codes: the shapes of our trees and of a LightGBM model of the same shape trained
#      on the same training split (side by side: bench `tree_depths` and
#      bench/lightgbm_contrib.py); the default run's wall time over that of `--reasons 0`
#      (target <= 3x); `appfraud score --table --reasons-for all` on the first R rows of the
#      feature table (default 20,000), end to end, against LightGBM's
#      `predict(pred_contrib=True)` on the first L of the same rows (default 2,000, at most R;
#      median of three runs in one process), both on 2 threads: rows/s and their ratio
#      (target >= 10x).
# Wall time and peak memory of each command. Rayon runs on RAYON_NUM_THREADS threads (default 2).
# Usage: bench/score_throughput.sh [N] [R] [L]. Cached under
# ${XDG_CACHE_HOME:-~/.cache}/appfraud: the data directory bench-data-N (shared with the other
# benches), its feature table bench-data-N/features.parquet, the model package
# bench-score-model-N/, the LightGBM model bench-lightgbm-model-N/model.txt, and the Python
# environments venv-score (onnxruntime as pinned in ./dev, numpy) and venv-lightgbm
# (bench/lightgbm_env.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
n="${1:-1000000}"
r="${2:-20000}"
l="${3:-2000}"
for v in "$n" "$r" "$l"; do
  [[ "$v" =~ ^[1-9][0-9]*$ ]] || { echo "usage: bench/score_throughput.sh [N] [R] [L]" >&2; exit 2; }
done
r=$((r < n ? r : n))
l=$((l < r ? l : r))
export RAYON_NUM_THREADS="${RAYON_NUM_THREADS:-2}"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/appfraud"
ort_version="$(sed -n 's/^ort_version="\(.*\)"$/\1/p' dev)"
venv="$cache/venv-score"
if ! "$venv/bin/python" -c "import onnxruntime, numpy; assert onnxruntime.__version__ == '$ort_version'" 2>/dev/null; then
  echo "creating the Python onnxruntime environment in $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "onnxruntime==$ort_version" numpy
fi
lgb_venv="$cache/venv-lightgbm"
source bench/lightgbm_env.sh
ensure_lightgbm_venv "$lgb_venv"
./dev ort >/dev/null
# One build with the benches selected: the binary and the bench binaries then share one feature
# resolution (dev-dependencies included) and so one release build of polars.
cargo build --quiet --release --workspace --bin appfraud --benches
bin="${CARGO_TARGET_DIR:-$root/target}/release/appfraud"
data="$cache/bench-data-$n"
model="$cache/bench-score-model-$n"
lgb_model="$cache/bench-lightgbm-model-$n/model.txt"
features="$data/features.parquet"
if [ ! -f "$data/applications.parquet" ]; then
  echo "generating $n applications into $data"
  "$bin" --quiet generate --out "$data" --applications "$n"
fi
if [ ! -f "$features" ]; then
  echo "computing the feature table $features"
  "$bin" --quiet features --data "$data" --out "$features"
fi
if [ ! -f "$model/manifest.json" ]; then
  echo "training the 500-tree, 63-leaf model into $model"
  "$bin" --quiet train --data "$data" --out "$model" --config bench/score_throughput.toml
fi
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
if [ ! -f "$lgb_model" ]; then
  # The training split as `appfraud train` makes it (default out-of-time split), written by the
  # bench binary of bench/gbdt_vs_lightgbm.sh, which also trains our GBDT on it (not kept).
  echo "training the 500-tree, 63-leaf LightGBM model into $lgb_model"
  cargo bench --quiet --workspace --bench gbdt_vs_lightgbm -- "$data" "$out/split" >"$out/split.log" \
    || { cat "$out/split.log" >&2; exit 1; }
  "$lgb_venv/bin/python" bench/lightgbm_contrib.py train "$out/split" "$lgb_model"
  rm -rf "$out/split"
fi

echo "== model part alone, $n rows"
cargo bench --quiet --workspace --bench score_throughput -- "$model" "$features" "$out" "$r" \
  | tee "$out/rust.log"
"$venv/bin/python" bench/score_onnxruntime.py "$model" "$out" | tee "$out/python.log"
rate() { sed -n "s/^$1.*, \([0-9]*\) rows\/s$/\1/p" "$2"; }
native="$(rate native "$out/rust.log")"
ort_rust="$(rate onnxruntime-rust "$out/rust.log")"
ort_py="$(rate onnxruntime-python "$out/python.log")"
if [ -z "$native" ] || [ -z "$ort_rust" ] || [ -z "$ort_py" ]; then
  echo "could not read the three figures" >&2
  exit 1
fi
awk -v a="$native" -v b="$ort_rust" -v c="$ort_py" 'BEGIN {
  printf "  native / Python onnxruntime:            %.2fx (target >= 10x)\n", a / c
  printf "  ONNX Runtime from Rust / Python:        %.2fx\n", b / c
}'

measure() { # LOG COMMAND...: runs COMMAND under /usr/bin/time, its stdout into LOG.out; sets
  # wall (seconds) and rss (peak resident memory, KiB)
  local log="$1"; shift
  /usr/bin/time -v "$@" 2>"$log" >"$log.out" || { cat "$log" >&2; exit 1; }
  wall="$(grep 'Elapsed (wall clock)' "$log" | awk '{
    k = split($NF, p, ":"); s = 0; for (i = 1; i <= k; i++) s = s * 60 + p[i]; print s }')"
  rss="$(grep 'Maximum resident set size' "$log" | awk '{print $NF}')"
}
line() { # LABEL ROWS SECONDS RSS_KIB
  awk -v l="$1" -v n="$2" -v s="$3" -v r="$4" 'BEGIN {
    printf "  %-50s %8.2f s  %9.0f rows/s  peak %6.0f MiB\n", l, s, n / s, r / 1024 }'
}
timed() { # LABEL ROWS ARGS...: runs appfraud ARGS and prints wall time, rows/s and peak memory
  local label="$1" rows="$2"; shift 2
  measure "$out/time.log" "$bin" --quiet "$@"
  line "$label" "$rows" "$wall" "$rss"
}
echo "== appfraud score, $n applications, native engine"
timed "--table, --reasons 0 (features excluded)" "$n" \
  score --model "$model" --table "$features" --out "$out/s.parquet" --reasons 0
wall_none="$wall"
timed "--table, reasons for flagged rows" "$n" \
  score --model "$model" --table "$features" --out "$out/s.parquet"
wall_flagged="$wall"
timed "--data, reasons for flagged (features incl.)" "$n" \
  score --model "$model" --data "$data" --out "$out/s.parquet"

echo "== reason codes"
echo "tree shapes (bench tree_depths; bench/lightgbm_contrib.py shape):"
cargo bench --quiet --workspace --bench tree_depths -- "$model" >"$out/shape-ours.txt"
"$lgb_venv/bin/python" bench/lightgbm_contrib.py shape "$lgb_model" >"$out/shape-lightgbm.txt"
awk -F': ' '
  FNR == NR { ours[$1] = $2; if (!($1 in seen)) { seen[$1] = 1; order[++k] = $1 }; next }
  { lgb[$1] = $2; if (!($1 in seen)) { seen[$1] = 1; order[++k] = $1 } }
  END {
    printf "  %-56s %-24s %s\n", "", "ours", "LightGBM"
    for (i = 1; i <= k; i++) {
      key = order[i]
      if (key ~ /^trees of depth/) {
        d = key; sub(/^trees of depth +/, "", d); d += 0
        if (lo == "" || d < lo) lo = d
        if (hi == "" || d > hi) hi = d
        continue
      }
      printf "  %-56s %-24s %s\n", key, ours[key], lgb[key]
    }
    for (d = lo; lo != "" && d <= hi; d++) {
      key = sprintf("trees of depth %2d", d)
      printf "  %-56s %-24s %s\n", key, (key in ours) ? ours[key] : 0, (key in lgb) ? lgb[key] : 0
    }
  }' "$out/shape-ours.txt" "$out/shape-lightgbm.txt"
if [ ! -f "$out/prefix.parquet" ]; then
  echo "the score_throughput bench did not write the $r-row prefix" >&2
  exit 1
fi
timed "--table, --reasons-for all, first $r rows" "$r" \
  score --model "$model" --table "$out/prefix.parquet" --out "$out/s.parquet" --reasons-for all
rate_all="$(awk -v n="$r" -v s="$wall" 'BEGIN { printf "%.3f", n / s }')"
measure "$out/lightgbm.log" "$lgb_venv/bin/python" bench/lightgbm_contrib.py contrib "$lgb_model" \
  "$model/manifest.json" "$out" "$l"
sed 's/^/  /' "$out/lightgbm.log.out"
rate_lgb="$(rate lightgbm-contrib "$out/lightgbm.log.out")"
if [ -z "$rate_lgb" ]; then
  echo "could not read LightGBM's figure" >&2
  exit 1
fi
# The whole command: start-up, model load, warm-up, the three timed runs and the check.
awk -v l="LightGBM pred_contrib command, first $l rows" -v s="$wall" -v r="$rss" 'BEGIN {
  printf "  %-50s %8.2f s  %16s  peak %6.0f MiB\n", l, s, "", r / 1024 }'
awk -v none="$wall_none" -v flagged="$wall_flagged" -v ours="$rate_all" -v lgb="$rate_lgb" \
  -v n="$n" -v r="$r" -v l="$l" 'BEGIN {
  q = flagged / none
  printf "  default run / --reasons 0 wall time, %d rows: %.2f s / %.2f s = %.2fx (target <= 3x): %s\n",
    n, flagged, none, q, (q <= 3 ? "target met" : "target missed")
  q = ours / lgb
  printf "  --reasons-for all (%d rows, whole command) / LightGBM pred_contrib (%d rows, in process):\n", r, l
  printf "    %.0f / %.0f rows/s = %.2fx (target >= 10x): %s\n",
    ours, lgb, q, (q >= 10 ? "target met" : "target missed")
}'
