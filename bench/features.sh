#!/usr/bin/env bash
# Benchmarks the feature pipeline with the release build on N generated applications (default
# 1,000,000, about 10 M telemetry rows):
#   1. `appfraud features` (batch): wall time and peak resident memory;
#   2. the single-application path against a snapshot of the same data: p50 / p99 latency.
# Usage: bench/features.sh [N] [QUERIES]. The data directory is cached under
# ${XDG_CACHE_HOME:-~/.cache}/appfraud/bench-data-N and reused by later runs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
n="${1:-1000000}"
queries="${2:-20000}"
cargo build --quiet --release --bin appfraud
bin="${CARGO_TARGET_DIR:-$root/target}/release/appfraud"
data="${XDG_CACHE_HOME:-$HOME/.cache}/appfraud/bench-data-$n"
if [ ! -f "$data/applications.parquet" ]; then
  echo "generating $n applications into $data"
  "$bin" --quiet generate --out "$data" --applications "$n"
fi
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
log="$out/time.log"
/usr/bin/time -v "$bin" features --data "$data" --out "$out/features.parquet" 2>"$log" >/dev/null \
  || { cat "$log" >&2; exit 1; }
grep -E "^\[" "$log" | sed 's/^/  /'
wall="$(grep 'Elapsed (wall clock)' "$log" | awk '{print $NF}')"
rss_kb="$(grep 'Maximum resident set size' "$log" | awk '{print $NF}')"
echo "features (batch), $n applications:"
echo "  wall time:   $wall (m:ss)"
echo "  peak memory: $((rss_kb / 1024)) MiB"
echo "single application against a snapshot of the same $n applications:"
/usr/bin/time -v cargo bench --quiet --bench single_application -- "$data" "$queries" 2>"$log" \
  || { cat "$log" >&2; exit 1; }
echo "  snapshot process peak memory: $(( $(grep 'Maximum resident set size' "$log" | awk '{print $NF}') / 1024 )) MiB"
