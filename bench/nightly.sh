#!/usr/bin/env bash
# The nightly job against a history snapshot: N generated applications (default 1,000,000) are
# cut in time; the NEW latest ones (default 10,000), with their telemetry and labels, form the
# night's data directory and the rest the history. Then:
#   1. `appfraud snapshot build` over the history: wall time, peak memory, size on disk (once);
#   2. `appfraud score --snapshot` on the night's directory with the baseline model, REPEATS
#      times (default 3): wall time end to end (load, new rows' features, scores, reasons,
#      write), the load time it reports, and peak memory; then the median wall time (target
#      <= 5 s at 1,000,000 + 10,000).
# Usage: bench/nightly.sh [N] [NEW] [REPEATS]. APPFRAUD_BIN=PATH runs that binary instead of
# building the release one. The generated data is cached under
# ${XDG_CACHE_HOME:-~/.cache}/appfraud/bench-data-N (shared with bench/features.sh), the cut under
# .../bench-nightly-N-NEW; the split uses pyarrow from the peer environment (bench/peer_env.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
n="${1:-1000000}"
new_n="${2:-10000}"
repeats="${3:-3}"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/appfraud"
venv="$cache/venv-peer"
source bench/peer_env.sh
ensure_peer_venv "$venv"
if [ -n "${APPFRAUD_BIN:-}" ]; then
  bin="$APPFRAUD_BIN"
else
  cargo build --quiet --release --workspace --bin appfraud --benches
  bin="${CARGO_TARGET_DIR:-$root/target}/release/appfraud"
fi
data="$cache/bench-data-$n"
if [ ! -f "$data/applications.parquet" ]; then
  echo "generating $n applications into $data"
  "$bin" --quiet generate --out "$data" --applications "$n"
fi
cut="$cache/bench-nightly-$n-$new_n"
if [ ! -f "$cut/new/applications.parquet" ]; then
  rm -rf "$cut"
  "$venv/bin/python" bench/split_history.py "$data" "$cut/history" "$cut/new" "$new_n"
fi
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
field() { grep "$1" "$2" | awk '{print $NF}'; }
seconds() { # m:ss.ss or h:mm:ss -> seconds
  awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }' <<<"$1"
}

/usr/bin/time -v "$bin" snapshot build --data "$cut/history" --out "$out/history.snapshot" \
  2>"$out/build.log" >/dev/null || { cat "$out/build.log" >&2; exit 1; }
echo "snapshot build, $((n - new_n)) applications:"
echo "  wall time:   $(seconds "$(field 'Elapsed (wall clock)' "$out/build.log")") s"
echo "  peak memory: $(($(field 'Maximum resident set size' "$out/build.log") / 1024)) MiB"
echo "  size:        $(($(stat -c %s "$out/history.snapshot") / 1048576)) MiB"

echo "nightly: score --snapshot, $new_n new applications:"
walls=()
for r in $(seq 1 "$repeats"); do
  /usr/bin/time -v "$bin" score --model models/baseline --snapshot "$out/history.snapshot" \
    --data "$cut/new" --out "$out/scores.parquet" 2>"$out/score.log" >/dev/null \
    || { cat "$out/score.log" >&2; exit 1; }
  wall="$(seconds "$(field 'Elapsed (wall clock)' "$out/score.log")")"
  walls+=("$wall")
  load="$(grep -o 'loaded .* in [0-9.]* s' "$out/score.log" | awk '{print $(NF-1)}')"
  echo "  run $r: ${wall} s end to end (snapshot load ${load} s), peak memory $(($(field 'Maximum resident set size' "$out/score.log") / 1024)) MiB"
done
median="$(printf '%s\n' "${walls[@]}" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')"
echo "  median: ${median} s (target <= 5 s at 1,000,000 + 10,000)"
