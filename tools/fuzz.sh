#!/usr/bin/env bash
# Fuzzes every parser of outside input for a bounded time: tools/fuzz.sh SECONDS [TARGET...]
#
# Targets (fuzz/fuzz_targets/, one per parser; default: all of them):
#   csv_table        bytes as applications.csv, telemetry.csv and labels.csv through ingest
#   phone            bytes as phone, claimed country and region through the phone signals
#   ip_cidr          bytes as IP text and as CIDR text
#   reference_files  bytes as reference/ip_ranges.csv and reference/high_risk_institutions.csv
#   model_package    the baseline package with model.onnx or manifest.json replaced, loaded
#
# Installs cargo-fuzz if absent, builds the targets into ~/.cache/appfraud/fuzz-target (outside
# the clone), runs each for SECONDS (-max_total_time) from its corpus and prints, per target,
# the executions and whether it crashed. Exits 1 if any target crashed, hung (an input over
# FUZZ_TIMEOUT seconds, default 10) or ran out of memory. Not part of CI.
#
# Sanitizer: only the stable toolchain is assumed, and cargo-fuzz's default AddressSanitizer
# needs the nightly flag -Zsanitizer. The targets are therefore built with `--sanitizer none`:
# libFuzzer's coverage instrumentation (-Cpasses=sancov-module, stable) plus debug assertions
# and overflow checks, which catch panics, overflows, hangs and aborts in safe Rust; memory
# errors in `unsafe` code go undetected. FUZZ_SANITIZER=address builds with AddressSanitizer on
# the stable compiler through RUSTC_BOOTSTRAP=1 (unsupported by the Rust project; measured on a
# one-file probe target, where it builds and reports a heap-buffer-overflow), into its own
# target directory: a second instrumented build of polars, so expect it to take as long again.
# The fuzz crate's release profile builds polars unoptimised (opt-level 0) and the rest at
# opt-level 1 with 16 codegen units, trading executions per second for a build that fits a
# small machine.
#
# Files: corpora grow in ~/.cache/appfraud/fuzz-corpus/TARGET (seeded from the committed
# fuzz/seeds/TARGET; model_package from models/baseline/), crashing inputs land in
# ~/.cache/appfraud/fuzz-artifacts/TARGET/, logs in ~/.cache/appfraud/fuzz-logs/TARGET.log.
# A crash becomes a regression test in the owning crate's test suite plus its fix.

set -euo pipefail

usage() {
    echo "usage: tools/fuzz.sh SECONDS [TARGET...]" >&2
    exit 2
}
[[ $# -ge 1 && $1 =~ ^[0-9]+$ && $1 -gt 0 ]] || usage
seconds=$1
shift

root=$(cd "$(dirname "$0")/.." && pwd)
cache="$HOME/.cache/appfraud"
sanitizer=${FUZZ_SANITIZER:-none}
case $sanitizer in
    none) target_dir="$cache/fuzz-target" ;;
    address) target_dir="$cache/fuzz-target-asan"; export RUSTC_BOOTSTRAP=1 ;;
    *) echo "FUZZ_SANITIZER must be none or address" >&2; exit 2 ;;
esac
all_targets=(csv_table phone ip_cidr reference_files model_package)
if [[ $# -gt 0 ]]; then targets=("$@"); else targets=("${all_targets[@]}"); fi
for t in "${targets[@]}"; do
    [[ " ${all_targets[*]} " == *" $t "* ]] || { echo "unknown target $t" >&2; exit 2; }
done

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "installing cargo-fuzz"
    cargo install --locked cargo-fuzz
fi

echo "building the fuzz targets (sanitizer: $sanitizer) into $target_dir"
(cd "$root/fuzz" && cargo fuzz build --sanitizer "$sanitizer" --codegen-units 16 \
    --target-dir "$target_dir")
bin_dir="$target_dir/$(rustc -vV | sed -n "s/^host: //p")/release"

# The targets write their input files into a scratch directory of their own.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

failed=0
printf '\n%-16s %12s %8s  %s\n' target executions seconds result
for t in "${targets[@]}"; do
    corpus="$cache/fuzz-corpus/$t"
    artifacts="$cache/fuzz-artifacts/$t"
    log="$cache/fuzz-logs/$t.log"
    mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
    seeds=()
    [[ -d $root/fuzz/seeds/$t ]] && seeds=("$root/fuzz/seeds/$t")
    if [[ $t == model_package ]]; then
        # Mode byte 0: the rest is model.onnx; 1: the rest is manifest.json with its digest
        # field emptied (the target seals it again).
        { printf '\0'; cat "$root/models/baseline/model.onnx"; } >"$corpus/baseline-onnx"
        { printf '\1'; sed 's/"manifest_sha256": "[0-9a-f]*"/"manifest_sha256": ""/' \
            "$root/models/baseline/manifest.json"; } >"$corpus/baseline-manifest"
    fi
    start=$SECONDS
    status=0
    TMPDIR="$scratch" "$bin_dir/$t" "$corpus" ${seeds[@]+"${seeds[@]}"} \
        -max_total_time="$seconds" -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb=4096 \
        -print_final_stats=1 -artifact_prefix="$artifacts/" >"$log" 2>&1 || status=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    if [[ $status -eq 0 ]]; then
        result=ok
    else
        failed=1
        artifact=$(grep -o "$artifacts/[^ ]*" "$log" | tail -1 || true)
        reason=$(grep -m1 -oE 'panicked at [^ ]+|ERROR: libFuzzer: [a-z -]+|ERROR: AddressSanitizer: [a-z-]+' "$log" || true)
        result="CRASH (exit $status) ${reason:-see $log} ${artifact}"
    fi
    printf '%-16s %12s %8s  %s\n' "$t" "${execs:-?}" "$((SECONDS - start))" "$result"
done
exit "$failed"
