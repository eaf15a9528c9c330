#!/usr/bin/env bash
# Builds and runs every test project (unit, integration, browser) against throwaway PostgreSQL clusters in a temp folder (removed afterwards,
# even on failure), or against the server in SIVTRACKER_TEST_DB when set. The last line is the tally:
#   tests: N passed, N failed[, N skipped]
#   scripts/test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~StatutoryClock]
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

command -v dotnet >/dev/null || { echo "The .NET 10 SDK is required (dotnet not found)." >&2; exit 1; }
if [ -z "${SIVTRACKER_TEST_DB:-}" ]; then
  "$root/scripts/pg.sh" install || exit 1
fi
# The S3 document store is tested against s3rver, a real S3-compatible server from npm.
"$root/scripts/s3.sh" install >/dev/null || exit 1
# The browser tests drive the system Chromium (Playwright cannot download a browser here); the backup test needs age.
missing=()
[ -z "${CHROMIUM_PATH:-}" ] && ! command -v chromium >/dev/null && missing+=(chromium)
command -v age >/dev/null || missing+=(age)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing ${missing[*]} for the tests..." >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null || exit 1
  else
    echo "Missing: ${missing[*]}. Install with: sudo apt-get install ${missing[*]} (or set CHROMIUM_PATH)." >&2
    exit 1
  fi
fi
export CHROMIUM_PATH="${CHROMIUM_PATH:-$(command -v chromium)}"

started=$(date +%s)
work=$(mktemp -d /tmp/sivtracker-test.XXXXXX)
chmod 755 "$work"
cleanup() {
  # Clusters the harness started and could not stop (a crashed test host) are stopped here.
  for version_file in $(find "$work" -name PG_VERSION -maxdepth 4 2>/dev/null); do
    "$root/scripts/pg.sh" stop "$(dirname "$version_file")" immediate >/dev/null 2>&1 || true
  done
  pkill -f "s3rver.js --directory $work" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
export SIVTRACKER_TEST_ROOT="$work"
# The clusters are thrown away after the run: they skip fsync, as nothing must outlive an operating system crash
# (a stopped or killed server still keeps every committed write). About a sixth off the integration tests.
export PG_FSYNC=${PG_FSYNC:-off}

if ! dotnet build SivTracker.sln -nologo -v quiet -clp:ErrorsOnly; then
  echo "tests: 0 passed, 1 failed"
  exit 1
fi

dotnet test SivTracker.sln --no-build -nologo --logger "trx" --results-directory "$work/results" "$@"
status=$?

passed=0; failed=0; skipped=0
for trx in "$work"/results/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  value() { printf '%s' "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  total=$(value total); executed=$(value executed); p=$(value passed); f=$(value failed); e=$(value error); t=$(value timeout)
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0} + ${t:-0}))
  skipped=$((skipped + ${total:-0} - ${executed:-0}))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The runner failed without a failed test (a crashed test host): count it, never report green.
  failed=1
fi
elapsed=$(( $(date +%s) - started ))
echo "duration: $((elapsed / 60)) min $((elapsed % 60)) s"
if [ "$skipped" -gt 0 ]; then
  echo "tests: $passed passed, $failed failed, $skipped skipped"
else
  echo "tests: $passed passed, $failed failed"
fi
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
