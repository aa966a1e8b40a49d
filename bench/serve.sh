#!/usr/bin/env bash
# The screening service against a 1M-application history (issue figures):
#   1. the embedded Scorer: p50/p90/p99 of `score` (features + model + reasons) for the
#      night's new applications, with reasons for flagged and for all, while another thread
#      observes, and of `observe` (cargo bench --bench scorer_latency);
#   2. `appfraud serve --snapshot`: load time and resident memory once ready;
#   3. HTTP on loopback: POST /v1/score at 500 requests/s for SECONDS (default 60) with the
#      open-loop generator (cargo bench --bench http_load), then the rate stepped up to find the
#      highest held with zero errors and p99 <= 5 ms; the server's peak memory after the load.
# Usage: bench/serve.sh [N] [NEW] [SECONDS]. The history is the first N - NEW applications of
# bench/nightly.sh's cut (generated and split on first use); its snapshot is cached next to it.
# The load generator shares the machine's cores with the server: its figures are a floor.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
n="${1:-1000000}"
new_n="${2:-10000}"
seconds="${3:-60}"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/appfraud"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$cache/target}"
cargo build --quiet --release --workspace --bin appfraud --benches
bin="$CARGO_TARGET_DIR/release/appfraud"
cut="$cache/bench-nightly-$n-$new_n"
if [ ! -f "$cut/new/applications.parquet" ]; then
  # bench/nightly.sh generates the data and cuts it; one repeat is enough here.
  APPFRAUD_BIN="$bin" bench/nightly.sh "$n" "$new_n" 1
fi
snapshot="$cut/history.snapshot"
if [ ! -f "$snapshot" ]; then
  echo "building the history snapshot ($((n - new_n)) applications)"
  "$bin" --quiet snapshot build --data "$cut/history" --out "$snapshot"
fi
echo "== embedded Scorer"
cargo bench --quiet --workspace --bench scorer_latency -- "$root/models/baseline" "$snapshot" "$cut/new" 5000

echo "== appfraud serve --snapshot"
port=$((20000 + RANDOM % 20000))
log="$(mktemp)"
"$bin" serve --model models/baseline --snapshot "$snapshot" --addr "127.0.0.1:$port" 2>"$log" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true; rm -f "$log"' EXIT
until curl -sf "http://127.0.0.1:$port/v2/health/ready" >/dev/null; do
  kill -0 $pid 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.2
done
grep -o 'ready: .*' "$log"
mem() { awk -v k="$1:" '$1 == k { printf "%.0f MiB", $2 / 1024 }' "/proc/$pid/status"; }
echo "resident once ready: $(mem VmRSS) (peak so far $(mem VmHWM))"
echo "== HTTP, POST /v1/score, $seconds s at 500/s"
cargo bench --quiet --workspace --bench http_load -- "http://127.0.0.1:$port" "$cut/new" 500 "$seconds"
echo "== HTTP, highest rate with p99 <= 5 ms (10 s per step)"
cargo bench --quiet --workspace --bench http_load -- "http://127.0.0.1:$port" "$cut/new" max 10
echo "server resident after the load: $(mem VmRSS) (peak $(mem VmHWM))"
kill -TERM $pid
wait $pid
grep -o 'stopped: .*' "$log"
