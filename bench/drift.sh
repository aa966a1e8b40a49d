#!/usr/bin/env bash
# What a drift report costs on top of the features it is computed from, with the release build
# on N generated applications (default 1,000,000): `appfraud features` and `appfraud drift`
# (baseline package, monthly periods) run alternately REPEATS times (default 3) on the same data,
# each under /usr/bin/time; prints every run's wall time and peak resident memory and the
# medians. The drift run computes the same features, scores every application and counts every
# input into the reference's bins, so the difference is what drift adds.
# Usage: bench/drift.sh [N] [REPEATS]. The data directory is cached under
# ${XDG_CACHE_HOME:-~/.cache}/appfraud/bench-data-N (shared with bench/features.sh);
# APPFRAUD_BIN=PATH skips the release build.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
n="${1:-1000000}"
repeats="${2:-3}"
if [ -z "${APPFRAUD_BIN:-}" ]; then
  cargo build --quiet --release --bin appfraud
fi
bin="${APPFRAUD_BIN:-${CARGO_TARGET_DIR:-$root/target}/release/appfraud}"
data="${XDG_CACHE_HOME:-$HOME/.cache}/appfraud/bench-data-$n"
if [ ! -f "$data/applications.parquet" ]; then
  echo "generating $n applications into $data"
  "$bin" --quiet generate --out "$data" --applications "$n"
fi
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
declare -a f_wall d_wall f_rss d_rss
measure() { # label, command... ; prints "wall_seconds rss_mib"
  local log="$out/time.log"
  /usr/bin/time -f "%e %M" -o "$log" "$@" >/dev/null 2>"$out/stderr" \
    || { cat "$out/stderr" >&2; exit 1; }
  awk '{printf "%s %d\n", $1, $2 / 1024}' "$log"
}
for r in $(seq 1 "$repeats"); do
  read -r w m < <(measure "$bin" --quiet features --data "$data" --out "$out/features.parquet")
  f_wall+=("$w"); f_rss+=("$m")
  echo "run $r: features $w s, $m MiB"
  read -r w m < <(measure "$bin" --quiet drift --model models/baseline --data "$data" \
    --period month --out "$out/drift")
  d_wall+=("$w"); d_rss+=("$m")
  echo "run $r: drift    $w s, $m MiB"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
fw="$(median "${f_wall[@]}")"; dw="$(median "${d_wall[@]}")"
echo "medians over $repeats runs, $n applications:"
echo "  features: $fw s, $(median "${f_rss[@]}") MiB peak"
echo "  drift:    $dw s, $(median "${d_rss[@]}") MiB peak (ratio drift/features $(awk -v a="$dw" -v b="$fw" 'BEGIN {printf "%.2f", a / b}'))"
echo "  periods: $(grep -o '"start":' "$out/drift/drift.json" | wc -l) (monthly), report files: $(ls "$out/drift" | tr '\n' ' ')"
