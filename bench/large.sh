#!/usr/bin/env bash
# Times `appfraud features` and `appfraud score --data` (baseline package) on N applications made
# of PARTS populations (default 10,000,000 and 5): `appfraud generate` holds a whole data set in
# memory, more than 24 GiB at ten million, so each population of N/PARTS applications is generated
# with its own seed (1..PARTS) and bench/compose_population.py joins them, prefixing the ids.
# Prints each command's wall time and peak resident memory (`/usr/bin/time -v`) and its stage
# lines. The parts and the joined directory are cached under ${XDG_CACHE_HOME:-~/.cache}/appfraud/.
# Usage: bench/large.sh [N] [PARTS]. APPFRAUD_BIN=PATH runs that binary instead of building one.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
n="${1:-10000000}"
parts="${2:-5}"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/appfraud"
if [ -n "${APPFRAUD_BIN:-}" ]; then
  bin="$APPFRAUD_BIN"
else
  cargo build --quiet --release --bin appfraud
  bin="${CARGO_TARGET_DIR:-$root/target}/release/appfraud"
fi
# shellcheck source=bench/peer_env.sh
source "$root/bench/peer_env.sh"
venv="$cache/venv-peer"
ensure_peer_venv "$venv"

per=$(( n / parts ))
dirs=()
for k in $(seq 1 "$parts"); do
  part="$cache/bench-parts-$per/part-$k"
  if [ ! -f "$part/labels.parquet" ]; then
    echo "generating $per applications (seed $k) into $part"
    "$bin" --quiet generate --out "$part" --applications "$per" --seed "$k"
  fi
  dirs+=("$part")
done
data="$cache/bench-data-$n-composed-$parts"
if [ ! -f "$data/labels.parquet" ]; then
  echo "joining $parts populations into $data"
  "$venv/bin/python" bench/compose_population.py "$data" "${dirs[@]}"
fi

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
run() { # NAME ARGS...
  local name="$1"
  shift
  local log="$out/$name.log"
  /usr/bin/time -v "$bin" "$@" 2>"$log" >/dev/null || { cat "$log" >&2; exit 1; }
  grep -E "^\[" "$log" | grep -vE "^\[[ 0-9.]+s\]   " | sed 's/^/  /'
  echo "$name, $n applications:"
  echo "  wall time:   $(grep 'Elapsed (wall clock)' "$log" | awk '{print $NF}') (m:ss)"
  echo "  peak memory: $(( $(grep 'Maximum resident set size' "$log" | awk '{print $NF}') / 1024 )) MiB (target <= 20480)"
}
run features features --data "$data" --out "$out/features.parquet"
run "score --data" score --model models/baseline --data "$data" --out "$out/scores.parquet"
