#!/usr/bin/env bash
# appfraud's nightly job: score the night's new applications against the history snapshot, add
# them to it, and once a week compare the recent population with the model's training-time
# reference. Run it after the night's data directory has landed, by the systemd timer beside
# this file or by cron:
#
#   30 2 * * *  /usr/local/bin/appfraud-nightly.sh >>/var/log/appfraud-nightly.log 2>&1
#
# Usage: appfraud-nightly.sh [DAY]   (DAY = YYYY-MM-DD, default yesterday in UTC)
#
# Exit codes: 0 done; 2 bad input (the night's data, the model package, a configuration), and
# nothing was scored; 1 an internal failure; 3 drift alarm (the scores and the snapshot are
# written; the drift report says what moved). A supervisor alerts on anything but 0.
#
# Every location can be set in the environment; the defaults suit a service account's home.
set -euo pipefail

APPFRAUD="${APPFRAUD:-appfraud}"                              # the binary
ROOT="${APPFRAUD_ROOT:-/srv/appfraud}"
MODEL="${APPFRAUD_MODEL:-$ROOT/model}"                        # the package in service
SNAPSHOT="${APPFRAUD_SNAPSHOT:-$ROOT/history.snapshot}"       # `appfraud snapshot build` made it
INCOMING="${APPFRAUD_INCOMING:-$ROOT/incoming}"               # one data directory per night: DAY/
EXPORT="${APPFRAUD_EXPORT:-$ROOT/export}"                     # every application so far, the night's included
SCORES="${APPFRAUD_SCORES:-$ROOT/scores}"                     # DAY.parquet per night
REPORTS="${APPFRAUD_REPORTS:-$ROOT/drift}"                    # DAY/ per drift report
DRIFT_WEEKDAYS="${APPFRAUD_DRIFT_WEEKDAYS:-1}"                # ISO weekdays of DAY that run drift (1 = Monday); * = every night
DRIFT_WEEKS="${APPFRAUD_DRIFT_WEEKS:-8}"                      # how many weeks back drift looks
DRIFT_CONFIG="${APPFRAUD_DRIFT_CONFIG:-}"                     # thresholds (TOML), optional

day="${1:-$(date -u -d yesterday +%F)}"
night="$INCOMING/$day"
out="$SCORES/$day.parquet"
log() { echo "appfraud-nightly $day: $*" >&2; }

[ -d "$night" ] || { log "no data directory $night"; exit 2; }
mkdir -p "$SCORES" "$REPORTS"

# 1. Scores of the night's applications only, against the snapshot's history: O(new rows). The
#    output appears atomically (a temporary file renamed), so a reader never sees half of it.
status=0
"$APPFRAUD" --quiet score --model "$MODEL" --snapshot "$SNAPSHOT" --data "$night" --out "$out" || status=$?
case "$status" in
    0)
        # 2. The night joins the history (written atomically as well).
        "$APPFRAUD" --quiet snapshot update --snapshot "$SNAPSHOT" --data "$night"
        log "scored $night into $out; snapshot updated"
        ;;
    2)
        # Bad input, or a snapshot that cannot be used (missing, damaged, of another feature
        # set). Rebuild it from the full export, which holds the night, and score the night from
        # the export with --since: the same values, at the cost of a full run. Bad input fails
        # again here and stops the job with exit code 2.
        log "scoring against $SNAPSHOT failed (exit 2); rebuilding the snapshot from $EXPORT"
        "$APPFRAUD" --quiet snapshot build --data "$EXPORT" --out "$SNAPSHOT"
        "$APPFRAUD" --quiet score --model "$MODEL" --data "$EXPORT" --since "$day" --out "$out"
        log "scored the export since $day into $out; snapshot rebuilt"
        ;;
    *)
        exit "$status"
        ;;
esac

# 3. Drift, on the chosen weekdays: the last DRIFT_WEEKS weeks of the export, week by week,
#    against the package's training-time reference. Exit code 3 when a week reaches `act`.
weekday="$(date -u -d "$day" +%u)"
if [ "$DRIFT_WEEKDAYS" = "*" ] || [[ ",$DRIFT_WEEKDAYS," == *",$weekday,"* ]]; then
    since="$(date -u -d "$day - $((7 * DRIFT_WEEKS)) days" +%F)"
    args=(--quiet drift --model "$MODEL" --data "$EXPORT" --since "$since" --period week
        --out "$REPORTS/$day" --fail-on act)
    if [ -n "$DRIFT_CONFIG" ]; then
        args+=(--config "$DRIFT_CONFIG")
    fi
    status=0
    "$APPFRAUD" "${args[@]}" || status=$?
    if [ "$status" -eq 3 ]; then
        log "drift alarm: see $REPORTS/$day/drift.md"
        exit 3
    fi
    [ "$status" -eq 0 ] || exit "$status"
    log "drift report in $REPORTS/$day (no week at act)"
fi
