#!/usr/bin/env bash
# Runs SivTracker locally: a private PostgreSQL cluster under .data/, migrations, reference and demo data, the app.
#   scripts/run.sh          start (safe to run again)
#   scripts/run.sh stop     stop the database cluster
# Settings (environment): SIVTRACKER_PORT (5080), SIVTRACKER_PG_PORT (55432), SIVTRACKER_DEMO_SCALE (300),
# ConnectionStrings__Default (use that database and start no cluster; then ConnectionStrings__Migrations and
# Database__AppRole as on a server, or neither for one role doing both), App__PublicUrl (http://localhost:PORT).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
app_port=${SIVTRACKER_PORT:-5080}
pg_port=${SIVTRACKER_PG_PORT:-55432}
mkdir -p .data
# Others may pass through (the postgres user must reach .data/pg) but not list it; secrets inside are mode 600.
chmod 711 .data

# As root the cluster belongs to the postgres user, who must be able to reach the data folder.
data_dir="$root/.data/pg"
if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$root/.data" 2>/dev/null; then
  data_dir="/var/tmp/sivtracker-$(printf '%s' "$root" | md5sum | cut -c1-12)/pg"
fi

if [ "${1:-}" = stop ]; then
  "$root/scripts/pg.sh" stop "$data_dir"
  echo "Database stopped."
  exit 0
fi

command -v dotnet >/dev/null || { echo "The .NET 10 SDK is required (dotnet not found)." >&2; exit 1; }

if [ -z "${ConnectionStrings__Default:-}" ]; then
  # Passwords are made once and kept in .data/ (mode 600): the cluster's superuser, the owner role, the app role.
  for secret in pg-password owner-password app-password; do
    [ -f ".data/$secret" ] || (umask 077; head -c 24 /dev/urandom | base64 | tr -d '/+=' > ".data/$secret")
  done
  pwfile=$(mktemp); cp .data/pg-password "$pwfile"
  "$root/scripts/pg.sh" start "$data_dir" "$pg_port" "$pwfile"
  rm -f "$pwfile"
  owner_password=$(cat .data/owner-password)
  app_password=$(cat .data/app-password)
  # Two roles, as on a server: sivtracker_owner owns the database and runs migrations; the app connects as
  # sivtracker_app, which `migrate` grants reading and writing data and appending to the audit trail, and nothing more
  # (src/SivTracker.Web/Data/AppRoleGrants.sql). Passwords are set on every run, so they always match .data/. A
  # database made before the two roles (owned by postgres) is handed to the owner.
  PGPASSWORD=$(cat .data/pg-password) psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres \
    -v owner_password="$owner_password" -v app_password="$app_password" -f "$root/deploy/postgres/roles.sql" >/dev/null
  # CLI commands run from the repository find the cluster through these files (mode 600): the app's connection, and the
  # owner's, which only `migrate` uses.
  (umask 077; echo "Host=127.0.0.1;Port=$pg_port;Database=sivtracker;Username=sivtracker_app;Password=$app_password" > .data/connection-string)
  (umask 077; echo "Host=127.0.0.1;Port=$pg_port;Database=sivtracker;Username=sivtracker_owner;Password=$owner_password" > .data/migrations-connection-string)
  export Database__AppRole=${Database__AppRole:-sivtracker_app}
  echo "PostgreSQL is running on 127.0.0.1:$pg_port (data in $data_dir)."
fi

# Field encryption keys: made once, kept in .data/ (mode 600), never in the database. Back this file up separately.
if [ ! -f .data/field-keys.json ]; then
  key() { head -c 32 /dev/urandom | base64; }
  (umask 077; printf '{"keys":{"k1":"%s"},"currentKeyId":"k1","indexKey":"%s"}\n' "$(key)" "$(key)" > .data/field-keys.json)
fi
export FieldEncryption__KeyFile="$root/.data/field-keys.json"

# The commands below check the same settings as the app, in the same environment: plain http on localhost is allowed
# for mailed links only in Development.
export ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development}
export App__PublicUrl=${App__PublicUrl:-http://localhost:$app_port}

dotnet build src/SivTracker.Web -c Release -v quiet -nologo -clp:ErrorsOnly
dll="src/SivTracker.Web/bin/Release/net10.0/SivTracker.Web.dll"
dotnet "$dll" migrate
seed_output=$(dotnet "$dll" seed-demo --scale "${SIVTRACKER_DEMO_SCALE:-300}" --if-empty)
printf '%s\n' "$seed_output" | grep -v "^Demo users' password:" || true
generated=$(printf '%s\n' "$seed_output" | sed -n "s/^Demo users' password: \(.*\)$/\1/p")
if [ -n "$generated" ] && [ -z "${SIVTRACKER_DEMO_PASSWORD:-}" ]; then
  (umask 077; printf '%s\n' "$generated" > .data/demo-password)
fi

echo
if [ -n "${SIVTRACKER_DEMO_PASSWORD:-}" ]; then demo_password=$SIVTRACKER_DEMO_PASSWORD
elif [ -f .data/demo-password ]; then demo_password=$(cat .data/demo-password)
else demo_password="(not generated here: the database already had users)"; fi
echo "Demo sign-in: admin@ngo-a.demo, caseworker@ngo-a.demo, reviewer@ngo-a.demo (and ngo-b), system@demo.local"
echo "Demo password: $demo_password"
echo "SivTracker is starting at http://localhost:$app_port (Ctrl+C to stop; 'scripts/run.sh stop' stops the database)."
export Database__MigrateAtStartup=true
exec dotnet "$dll" --urls "http://localhost:$app_port" --contentRoot "$root/src/SivTracker.Web"
