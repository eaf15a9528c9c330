#!/usr/bin/env bash
# Faults under load on the production-shaped cluster of deploy/cluster.sh (started here when it is not running):
# minutes of mixed traffic through nginx (pages as signed-in caseworkers and a reviewer, and the API with a token)
# while an instance is killed and restarted, both are restarted in turn, the
# reports replica stops and starts, and the primary's connections are terminated. Prints what was sent and answered,
# the checks, and last a line of the form
#   chaos: N requests, N errors outside fault windows, N lost writes
# exiting non-zero when either of the last two is above 0.
#   bench/chaos.sh [--seconds S] [--workers W]     (defaults: 300 seconds, 6 caseworker sessions and a reviewer's)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=300 workers=6
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
# An API token for the run (read scopes only, a day long), made with the instances' own settings.
api_token=$("$cluster" cli create-token --org ngo-a --name "chaos run" --scopes cases:read --expires-in-days 1 2>/dev/null | tail -n 1)
began=$(date -u +%Y-%m-%dT%H:%M:%S)
status=0
python3 "$root/bench/chaos.py" --url "https://localhost:${CLUSTER_HTTPS_PORT:-18443}" --duration "$seconds" --workers "$workers" \
  --dir "$dir" --cluster "$cluster" --pgbin "$("$root/scripts/pg.sh" bin)" --pg-port "${CLUSTER_PG_PORT:-55601}" \
  --password "$(cat "$dir/demo-password")" --api-token "$api_token" --mail-log "$dir/mail.log" > "$dir/chaos-result.txt" || status=$?
ended=$(date -u +%Y-%m-%dT%H:%M:%S)
"$cluster" status
# The deadline sweep, from the instances' own log lines: every instance ticks each Sweep__Interval; one sweeps and the
# other finds the lock taken or the interval's sweep already done.
interval=${CLUSTER_SWEEP_INTERVAL:-00:01:00}
python3 - "$began" "$ended" "$interval" "$dir"/app-*.log <<'PY'
import datetime, json, sys
began, ended, files = sys.argv[1], sys.argv[2], sys.argv[4:]
h, m, s = (int(x) for x in sys.argv[3].split(":"))
interval = h * 3600 + m * 60 + s
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
utc = datetime.timezone.utc
start = datetime.datetime.fromisoformat(began).replace(tzinfo=utc).timestamp()
end = datetime.datetime.fromisoformat(ended).replace(tzinfo=utc).timestamp()
boundaries = int(end // interval) - int(start // interval)
print(f"sweeps during the run: {ran} ran in the {boundaries} interval(s) begun ({interval} s each; at most one more for the interval under way at the start), {skipped} tick(s) skipped")
PY
head -n -1 "$dir/chaos-result.txt"
tail -n 1 "$dir/chaos-result.txt"
exit $status
