#!/usr/bin/env bash
# Batch scoring throughput on 2 cores, with the release build, of a 500-tree, 63-leaf GBDT
# (bench/score_throughput.toml) trained on N generated applications (default 1,000,000) and
# scoring the same N applications:
#   1. model part alone (features excluded), in one run on the same rows and model.onnx:
#      our native tree evaluator, ONNX Runtime from Rust (one session per rayon worker) and
#      Python onnxruntime (one session, default threads); rows/s and the ratios;
#   2. `appfraud score --table` of the precomputed feature table (features excluded; reading,
#      writing and reason codes included), without and with reasons;
#   3. `appfraud score --data` (features included), end to end with the default reasons.
# Wall time and peak memory of each command.
# Usage: bench/score_throughput.sh [N]. Cached under ${XDG_CACHE_HOME:-~/.cache}/appfraud:
# the data directory bench-data-N (shared with the other benches), its feature table
# bench-data-N/features.parquet, the model package bench-score-model-N/ and the Python
# environment venv-score (onnxruntime as pinned in ./dev, numpy).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
n="${1:-1000000}"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/appfraud"
ort_version="$(sed -n 's/^ort_version="\(.*\)"$/\1/p' dev)"
venv="$cache/venv-score"
if ! "$venv/bin/python" -c "import onnxruntime, numpy; assert onnxruntime.__version__ == '$ort_version'" 2>/dev/null; then
  echo "creating the Python onnxruntime environment in $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "onnxruntime==$ort_version" numpy
fi
./dev ort >/dev/null
cargo build --quiet --release --bin appfraud
bin="${CARGO_TARGET_DIR:-$root/target}/release/appfraud"
data="$cache/bench-data-$n"
model="$cache/bench-score-model-$n"
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

echo "== model part alone, $n rows"
cargo bench --quiet -p appfraud-serve --bench score_throughput -- "$model" "$features" "$out" \
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

timed() { # LABEL ARGS...: runs appfraud ARGS, prints wall time, rows/s and peak memory
  local label="$1"; shift
  local log="$out/time.log"
  /usr/bin/time -v "$bin" --quiet "$@" 2>"$log" >/dev/null || { cat "$log" >&2; exit 1; }
  local wall rss
  wall="$(grep 'Elapsed (wall clock)' "$log" | awk '{print $NF}')"
  rss="$(grep 'Maximum resident set size' "$log" | awk '{print $NF}')"
  awk -v l="$label" -v w="$wall" -v r="$rss" -v n="$n" 'BEGIN {
    k = split(w, p, ":"); s = 0; for (i = 1; i <= k; i++) s = s * 60 + p[i]
    printf "  %-44s %8.1f s  %9.0f rows/s  peak %6.0f MiB\n", l, s, n / s, r / 1024
  }'
}
echo "== appfraud score, $n applications, native engine"
timed "--table, --reasons 0 (features excluded)" score --model "$model" --table "$features" --out "$out/s.parquet" --reasons 0
timed "--table, reasons for flagged rows" score --model "$model" --table "$features" --out "$out/s.parquet"
timed "--data, reasons for flagged (features incl.)" score --model "$model" --data "$data" --out "$out/s.parquet"
