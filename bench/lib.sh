# Shared by bench/run.sh and bench/soak.sh (sourced after they set root, scale and duration): a private PostgreSQL
# tuned like a small server, the app published in Release, and helpers to run it and sign in with curl.
bench_started=$(date +%s)
"$root/scripts/pg.sh" install
for tool in wrk curl python3; do
  if ! command -v "$tool" >/dev/null; then
    [ "$(id -u)" = 0 ] || { echo "$tool not found: sudo apt-get install $tool" >&2; exit 1; }
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool" >/dev/null
  fi
done
pgbin=$("$root/scripts/pg.sh" bin)

work=$(mktemp -d /tmp/sivtracker-bench.XXXXXX)
chmod 755 "$work"
mkdir -p "$work/captures"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  "$root/scripts/pg.sh" stop "$work/pg" immediate >/dev/null 2>&1 || true
  [ -z "${hugepages_before:-}" ] || echo "$hugepages_before" > /proc/sys/vm/nr_hugepages
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
note() { printf '[%4ds] %s\n' $(( $(date +%s) - bench_started )) "$*" >&2; }
results=()
# row SCENARIO FIGURE [BASELINE] [RATIO] [TARGET] [MET]
row() { results+=("$(printf '%s\t%s\t%s\t%s\t%s\t%s' "$1" "$2" "${3:-}" "${4:-}" "${5:-}" "${6:-}")"); }
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
meets() { python3 -c "print('yes' if $1 else 'NO')"; }
# median_of LINES COLUMN and highest_of LINES COLUMN: of three runs' figures, one run per line.
median_of() { printf '%s' "$1" | awk -v c="$2" 'NF { print $c }' | sort -n | sed -n 2p; }
highest_of() { printf '%s' "$1" | awk -v c="$2" 'NF { print $c }' | sort -n | tail -n 1; }
# timed COMMAND...: three runs of a baseline command, the median's seconds.
timed() {
  local runs="" run
  for run in 1 2 3; do
    t0=$(date +%s.%N)
    "$@"
    runs+="$(python3 -c "print(f'{$(date +%s.%N) - $t0:.2f}')")"$'\n'
  done
  median_of "$runs" 1
}

# --- database ---------------------------------------------------------------------------------------------------
pg_port=$(free_port)
"$root/scripts/pg.sh" start "$work/pg" "$pg_port"
psql_() { "$pgbin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
# A small server's settings, the ones deploy/postgres/memory.conf gives production (a quarter of the memory for
# buffers, the rest as OS cache, huge pages), with JIT off.
psql_ -d postgres -c "alter system set jit = off"
"$root/scripts/pg.sh" stop "$work/pg"
cp "$root/deploy/postgres/memory.conf" "$work/pg/memory.conf"
echo "include 'memory.conf'" >> "$work/pg/postgresql.conf"
# Shared buffers on 2 MB huge pages, as on a tuned server. On 4 KB pages every server process maps the buffers page by
# page as it first touches them: a new connection (the sweep's, each psql baseline's, a pooled connection's first
# export) takes a page fault per 4 KB before it runs at speed, which at 100,000 cases about doubled the daily
# sweep's time. Reserving them needs root; without, the server falls back to 4 KB pages and the table says so.
huge_pages="4 KB pages (huge pages need root)"
if [ "$(id -u)" = 0 ]; then chown postgres: "$work/pg/memory.conf"; fi
if [ "$(id -u)" = 0 ] && [ -w /proc/sys/vm/nr_hugepages ]; then
  hugepages_before=$(cat /proc/sys/vm/nr_hugepages)
  hugepages_needed=$(runuser -u postgres -- "$pgbin/postgres" -D "$work/pg" -c max_connections="${PG_MAX_CONNECTIONS:-200}" -C shared_memory_size_in_huge_pages)
  echo $(( hugepages_before + hugepages_needed )) > /proc/sys/vm/nr_hugepages
  if [ "$(awk '/^HugePages_Free/ { print $2 }' /proc/meminfo)" -ge "$hugepages_needed" ]; then
    huge_pages="2 MB huge pages ($hugepages_needed reserved for the run)"
  else
    echo "$hugepages_before" > /proc/sys/vm/nr_hugepages
    huge_pages="4 KB pages (the kernel could not reserve $hugepages_needed huge pages)"
  fi
fi
# memory.conf asks for huge pages outright; where they are not reserved the server starts on 4 KB pages instead.
[[ $huge_pages == 2* ]] || echo "huge_pages = try" >> "$work/pg/postgresql.conf"
"$root/scripts/pg.sh" start "$work/pg" "$pg_port"
# The roles of a real server: bench_owner owns the database and migrates it, the app and the baseline connect as
# bench_app with the grants `migrate` gives it (the cluster trusts local connections, so neither has a password).
# bench/run.sh captures the app's SQL with log_statement, a superuser's setting unless granted.
psql_ -d postgres -c "create role bench_owner login createdb" -c "create role bench_app login" -c "create database bench owner bench_owner" \
  -c "grant set on parameter log_statement to bench_app"
db="Host=127.0.0.1;Port=$pg_port;Username=bench_app;Database=bench"
key() { head -c 32 /dev/urandom | base64; }
printf '{"keys":{"k1":"%s"},"currentKeyId":"k1","indexKey":"%s"}\n' "$(key)" "$(key)" > "$work/keys.json"
export FieldEncryption__KeyFile="$work/keys.json" ConnectionStrings__Default="$db" SIVTRACKER_DEMO_PASSWORD="bench password $(key)"
export ConnectionStrings__Migrations="Host=127.0.0.1;Port=$pg_port;Username=bench_owner;Database=bench" Database__AppRole=bench_app
export Serilog__MinimumLevel__Default=Warning Sweep__Enabled=false
# The documents benchmark stores a 100 MB file twelve times and 600 KB of it 160 times, past the 25 MB a file and the
# 500 MB a case may have by default.
export Documents__MaxFileBytes=209715200 Documents__MaxCaseBytes=2147483648
# Required by the app and its commands; the commands run as Production, which takes only https. No mail is sent here.
export App__PublicUrl=https://localhost
export RateLimits__SignInsPerMinute=1000000 RateLimits__SearchesPerMinute=1000000 RateLimits__ExportsPerMinute=1000000
# The bench signs in by password alone to measure pages; enrolling a second factor for the demo admin is not what it measures.
export Security__RequireTwoFactorForRoles=" "

# The app as it is deployed: published, its code compiled ahead of time (see SivTracker.Web.csproj), which is what a
# command's fresh process (the sweep, the import) runs on.
note "publishing (Release)"
dotnet publish src/SivTracker.Web -c Release -o "$work/app" -v quiet -nologo -clp:ErrorsOnly
dotnet build bench/Baseline -c Release -v quiet -nologo -clp:ErrorsOnly
dll="$work/app/SivTracker.Web.dll"
baseline_dll="$root/bench/Baseline/bin/Release/net10.0/Baseline.dll"
cli() { dotnet "$dll" "$@"; }
cli migrate >/dev/null


# --- the app, signed in -------------------------------------------------------------------------------------------
app_port=$(free_port)
# The server as deployed (docker-compose.yml, deploy/cluster.sh): without the precompiled code, see the README;
# DOTNET_ReadyToRun=1 in the environment measures it with that code instead.
start_app() {
  DOTNET_ReadyToRun=${DOTNET_ReadyToRun:-0} ASPNETCORE_ENVIRONMENT=Development dotnet "$dll" --urls "http://127.0.0.1:$app_port" --contentRoot "$work/app" >> "$work/app.log" 2>&1 &
  app_pid=$!; pids+=("$app_pid")
  for _ in $(seq 120); do curl -sf "http://127.0.0.1:$app_port/health/live" >/dev/null && return 0; sleep 0.5; done
  echo "the app did not start; see its log:" >&2; cat "$work/app.log" >&2; exit 1
}
stop_app() { kill "$app_pid"; wait "$app_pid" 2>/dev/null || true; }
base="http://127.0.0.1:$app_port"
token() { curl -s -b "$1" -c "$1" "$base$2" | grep -o 'name="__RequestVerificationToken" type="hidden" value="[^"]*"' | head -n 1 | sed 's/.*value="//; s/"$//'; }
sign_in() {
  local jar="$work/$1.jar" t
  rm -f "$jar"
  t=$(token "$jar" /Account/Login)
  curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "Input.Email=$1" --data-urlencode "Input.Password=$SIVTRACKER_DEMO_PASSWORD" \
    --data-urlencode "__RequestVerificationToken=$t" "$base/Account/Login"
  awk '!/^#/ || /^#HttpOnly_/ { sub(/^#HttpOnly_/, ""); if (NF >= 7) printf "%s=%s; ", $6, $7 }' "$jar"
}
get() { curl -s -H "Cookie: $1" -o "$work/page.html" -w '%{http_code}' "$base$2"; }
expect_ok() { [ "$1" = 200 ] || { echo "$2 answered $1, not 200: the benchmark would measure an error page" >&2; exit 1; }; }
# warm_up URL [USER]: 5-second runs at 32 connections until throughput stops rising (under 5% above the run before,
# at least four runs), so the figures are of the steady state a long-running server is in rather than of the JIT
# still compiling its optimised tiers, which on two busy cores takes the app about a minute.
warm_up() {
  local previous=0 current cookie i
  for i in $(seq 15); do
    cookie=""; [ -n "${2:-}" ] && cookie="Cookie: $(sign_in "$2")"
    current=$(wrk -t2 -c32 -d5s -s "$root/bench/report.lua" ${cookie:+-H "$cookie"} "$1" 2>&1 | sed -n 's/^BENCH \([0-9.]*\) .*/\1/p')
    [ "$i" -ge 4 ] && python3 -c "import sys; sys.exit(0 if ${current:-0} < 1.05 * $previous else 1)" && break
    previous=${current:-0}
  done
  note "warm after $i runs of 5 s: $1 at $current req/s"
}

