#!/usr/bin/env bash
# Compares `appfraud features` (110 features) with its pandas peer, bench/features_peer.py (44
# simpler point-in-time features: own row, own telemetry, shared-entity counts), on the same N
# generated applications (default 200,000). Each runs REPEATS times (default 3), interleaved
# (the order swaps every repeat) so that machine noise hits both, under /usr/bin/time -v.
# Prints each run's wall time and peak resident memory, the median wall times, the ratio
# ours/peer of the medians (target <= 1) and the feature count of each output. The peer's wall
# time is that of its whole process (interpreter start and imports included), like ours; its own
# reading-to-writing time is printed beside it, with the ratio against that too.
# Before timing, the peer's self-check (features_peer.py --check) must pass.
# Usage: bench/features_vs_peer.sh [N] [REPEATS]. APPFRAUD_BIN=PATH runs that binary instead of
# building the release one. The data directory is cached under
# ${XDG_CACHE_HOME:-~/.cache}/appfraud/bench-data-N (shared with bench/features.sh), the Python
# environment (bench/peer_env.sh) under ${XDG_CACHE_HOME:-~/.cache}/appfraud/venv-peer.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
n="${1:-200000}"
repeats="${2:-3}"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/appfraud"
venv="$cache/venv-peer"
source bench/peer_env.sh
ensure_peer_venv "$venv"
if [ -n "${APPFRAUD_BIN:-}" ]; then
  bin="$APPFRAUD_BIN"
else
  # One build with the benches selected: every bench script then shares one feature resolution
  # (dev-dependencies included) and so one release build of polars.
  cargo build --quiet --release --workspace --bin appfraud --benches
  bin="${CARGO_TARGET_DIR:-$root/target}/release/appfraud"
fi
data="$cache/bench-data-$n"
if [ ! -f "$data/applications.parquet" ]; then
  echo "generating $n applications into $data"
  "$bin" --quiet generate --out "$data" --applications "$n"
fi
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
"$venv/bin/python" bench/features_peer.py --check

# m:ss.ss or h:mm:ss from `time -v` → seconds
wall_seconds() {
  grep 'Elapsed (wall clock)' "$1" | awk '{print $NF}' \
    | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }'
}
rss_mib() { grep 'Maximum resident set size' "$1" | awk '{printf "%d", $NF / 1024}'; }
median() {
  printf '%s\n' "$@" | sort -g \
    | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
run_ours() { # REPEAT
  /usr/bin/time -v "$bin" features --data "$data" --out "$out/ours.parquet" \
    >/dev/null 2>"$out/ours-$1.log" || { cat "$out/ours-$1.log" >&2; exit 1; }
}
run_peer() { # REPEAT
  /usr/bin/time -v "$venv/bin/python" bench/features_peer.py --data "$data" \
    --out "$out/peer.parquet" >"$out/peer-$1.out" 2>"$out/peer-$1.log" \
    || { cat "$out/peer-$1.log" >&2; exit 1; }
}

echo "appfraud features vs the pandas peer, $n applications, $repeats runs each:"
ours_walls=()
peer_walls=()
peer_inner=()
for r in $(seq 1 "$repeats"); do
  if [ $((r % 2)) -eq 1 ]; then
    run_ours "$r"
    run_peer "$r"
  else
    run_peer "$r"
    run_ours "$r"
  fi
  ow="$(wall_seconds "$out/ours-$r.log")"
  pw="$(wall_seconds "$out/peer-$r.log")"
  pi="$(sed -n 's/^peer_seconds=//p' "$out/peer-$r.out")"
  ours_walls+=("$ow")
  peer_walls+=("$pw")
  peer_inner+=("$pi")
  printf '  run %d: ours %6.2f s, %5d MiB | peer %6.2f s (%.2f s reading to writing), %5d MiB\n' \
    "$r" "$ow" "$(rss_mib "$out/ours-$r.log")" "$pw" "$pi" "$(rss_mib "$out/peer-$r.log")"
done
echo "  stages of the last run, ours:"
grep -E '^\[' "$out/ours-$repeats.log" | sed 's/^/    /' || true
echo "  stages of the last run, peer:"
grep -E '^\[peer\]' "$out/peer-$repeats.log" | sed 's/^/    /'

ours_median="$(median "${ours_walls[@]}")"
peer_median="$(median "${peer_walls[@]}")"
inner_median="$(median "${peer_inner[@]}")"
awk -v o="$ours_median" -v p="$peer_median" -v i="$inner_median" 'BEGIN {
  printf "  median wall time: ours %.2f s, peer %.2f s (reading to writing %.2f s)\n", o, p, i
  printf "  ratio ours/peer: %.2f (target <= 1, %s); against the peer'"'"'s reading to writing: %.2f\n", o / p, (o <= p ? "met" : "missed"), o / i
}'
"$venv/bin/python" - "$out/ours.parquet" "$out/peer.parquet" <<'EOF'
import sys
import pyarrow.parquet as pq

ids = {"application_id", "submitted_at"}
ours, peer = (pq.read_metadata(path) for path in sys.argv[1:3])
count = lambda meta: sum(name not in ids for name in meta.schema.to_arrow_schema().names)
print(f"  features: ours {count(ours)}, peer {count(peer)} "
      f"(rows: ours {ours.num_rows}, peer {peer.num_rows})")
EOF
