#!/usr/bin/env bash
# Times `appfraud generate` on N applications (default 1,000,000) with the release build and
# prints wall time, peak resident memory and the rows written. Usage: bench/generate.sh [N]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
n="${1:-1000000}"
cargo build --quiet --release --bin appfraud
bin="${CARGO_TARGET_DIR:-$root/target}/release/appfraud"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
log="$out/time.log"
/usr/bin/time -v "$bin" generate --out "$out/data" --applications "$n" 2>"$log" >/dev/null || { cat "$log" >&2; exit 1; }
grep -E "generated|wrote .*parquet" "$log" | sed 's/^/  /'
wall="$(grep 'Elapsed (wall clock)' "$log" | awk '{print $NF}')"
rss_kb="$(grep 'Maximum resident set size' "$log" | awk '{print $NF}')"
echo "applications: $n"
echo "wall time:    $wall (m:ss)"
echo "peak memory:  $((rss_kb / 1024)) MiB"
echo "on disk:      $(du -sh "$out/data" | cut -f1)"
