#!/usr/bin/env bash
# Faults under load on the production-shaped cluster of deploy/cluster.sh (started here when it is not running):
# minutes of mixed traffic through nginx while an instance is killed and restarted, both are restarted in turn, the
# reports replica stops and starts, and the primary's connections are terminated. Prints what was sent and answered,
# the checks, and last a line of the form
#   chaos: N requests, N errors outside fault windows, N lost writes
# exiting non-zero when either of the last two is above 0.
#   bench/chaos.sh [--seconds S] [--workers W]     (defaults: 180 seconds, 6 caseworker sessions and a reviewer's)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=180 workers=6
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) seconds=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    *) echo "usage: bench/chaos.sh [--seconds S] [--workers W]" >&2; exit 2 ;;
  esac
done
dir=${CLUSTER_DIR:-/var/tmp/sivtracker-cluster}
cluster="$root/deploy/cluster.sh"
"$cluster" up
"$cluster" status
began=$(date -u +%Y-%m-%dT%H:%M:%S)
status=0
python3 "$root/bench/chaos.py" --url "https://localhost:${CLUSTER_HTTPS_PORT:-18443}" --duration "$seconds" --workers "$workers" \
  --dir "$dir" --cluster "$cluster" --pgbin "$("$root/scripts/pg.sh" bin)" --pg-port "${CLUSTER_PG_PORT:-55601}" \
  --password "$(cat "$dir/demo-password")" > "$dir/chaos-result.txt" || status=$?
ended=$(date -u +%Y-%m-%dT%H:%M:%S)
"$cluster" status
# The deadline sweep, from the instances' own log lines: every instance ticks each Sweep__Interval; one sweeps and the
# other finds the lock taken or the interval's sweep already done.
python3 - "$began" "$ended" "$dir"/app-*.log <<'PY'
import json, sys
began, ended, files = sys.argv[1], sys.argv[2], sys.argv[3:]
ran = skipped = 0
for path in files:
    for line in open(path, errors="replace"):
        if not line.startswith("{"):
            continue
        event = json.loads(line)
        if not (began <= event.get("@t", "")[:19] <= ended):
            continue
        message = event.get("@m", "")
        if message.startswith("Deadline sweep:"):
            ran += 1
        elif message.startswith("Deadline sweep skipped"):
            skipped += 1
print(f"sweeps during the run: {ran} ran, {skipped} skipped by the other instance")
PY
head -n -1 "$dir/chaos-result.txt"
tail -n 1 "$dir/chaos-result.txt"
exit $status
