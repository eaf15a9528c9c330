#!/usr/bin/env bash
# Soak: minutes of mixed load (searches, case views, notes, stage changes, the review queue, exports) against the
# Release app on SCALE demo cases. Reports 5xx responses, Error-level log lines and the app's memory at the start
# and the end; exits non-zero on any 5xx or error.
#   bench/soak.sh [--minutes M] [--scale N] [--workers W]     (defaults: 10 minutes, 20000 cases, 8 workers)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
minutes=10 scale=20000 workers=8
while [ $# -gt 0 ]; do
  case $1 in
    --minutes) minutes=$2; shift 2 ;;
    --scale) scale=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    *) echo "usage: bench/soak.sh [--minutes M] [--scale N] [--workers W]" >&2; exit 2 ;;
  esac
done
source "$root/bench/lib.sh"
# Information-level logs, as in production, so that any Error line is seen.
export Serilog__MinimumLevel__Default=Information

note "generating $scale cases"
cli seed-demo --scale "$scale" >/dev/null
psql_ -d bench -c "vacuum analyze"
cli sweep >/dev/null
psql_ -d bench -c "select c.id from cases c join organisations o on o.id = c.organisation_id where o.slug = 'ngo-a' order by random() limit 2000" > "$work/cases.txt"

start_app
caseworker=$(sign_in caseworker@ngo-a.demo)
reviewer=$(sign_in reviewer@ngo-a.demo)
admin=$(sign_in admin@ngo-a.demo)
rss() { awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$app_pid/status"; }
note "warming up (30 s)"
python3 bench/soak.py "$base" 0.5 "$workers" "caseworker=$caseworker" "reviewer=$reviewer" "admin=$admin" "$work/cases.txt" >/dev/null
start_mb=$(rss)
note "soaking for $minutes minutes with $workers workers (app at $start_mb MB)"
result=$(python3 bench/soak.py "$base" "$minutes" "$workers" "caseworker=$caseworker" "reviewer=$reviewer" "admin=$admin" "$work/cases.txt")
end_mb=$(rss)
errors=$(grep -cE '\[[0-9:]+ (ERR|FTL)\]' "$work/app.log" || true)
stop_app

echo
echo "SivTracker soak, $(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown), $(nproc) cores, scale $scale, $minutes minutes, $workers workers"
printf '%s\n' "$result" > "$work/soak.json"
python3 - "$work/soak.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print("requests:", r["requests"])
for key, n in r["by_action_and_status"].items():
    print(f"  {key}: {n}")
print("5xx responses:", r["five_xx"])
for failure in r["failures"]:
    print("  " + failure)
PY
echo "Error-level log lines: $errors"
[ "$errors" -eq 0 ] || grep -E '\[[0-9:]+ (ERR|FTL)\]' "$work/app.log" | head -5
echo "app memory: $start_mb MB after warm-up, $end_mb MB at the end ($(( end_mb - start_mb )) MB)"
five_xx=$(printf '%s\n' "$result" | python3 -c 'import json, sys; print(json.load(sys.stdin)["five_xx"])')
[ "$five_xx" -eq 0 ] && [ "$errors" -eq 0 ]
