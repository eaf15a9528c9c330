#!/usr/bin/env bash
# A production-shaped SivTracker on one machine, as deploy/ and the README describe a scaled installation: nginx with
# TLS (deploy/nginx.conf, a self-signed certificate) in front of two app instances (a Release publish, each on its own
# port, mail to a local sink, deploy/mail-sink.py, that logs recipients and subjects to CLUSTER_DIR/mail.log), a
# PostgreSQL primary archiving its WAL (deploy/postgres/wal-archive.conf, scripts/archive-wal.sh) and a
# streaming replica made by pg_basebackup that serves reports (ConnectionStrings__Reports).
#   deploy/cluster.sh up              build, start everything, wait until both instances are ready (safe to run again)
#   deploy/cluster.sh down            stop everything (the state stays in CLUSTER_DIR; `down --wipe` removes it)
#   deploy/cluster.sh status          what runs, readiness through nginx and of each instance, the replica's lag
#   deploy/cluster.sh stop-app N [SIGNAL] / start-app N        one instance (SIGNAL: TERM by default, KILL for a crash)
#   deploy/cluster.sh stop-replica / start-replica             the reports replica
#   deploy/cluster.sh cli COMMAND...   a SivTracker command with the instances' settings (create-token, sweep...)
# Settings: CLUSTER_DIR (/var/tmp/sivtracker-cluster), CLUSTER_HTTPS_PORT (18443), CLUSTER_HTTP_PORT (18080),
# CLUSTER_APP_PORTS ("18081 18082"), CLUSTER_PG_PORT (55601; the replica one above), CLUSTER_SMTP_PORT (18025),
# CLUSTER_DEMO_SCALE (2000).
# The public address is https://localhost:CLUSTER_HTTPS_PORT; sign in as caseworker@ngo-a.demo with the password in
# CLUSTER_DIR/demo-password. Restore it to a moment (into a new database on the primary):
#   ConnectionStrings__Migrations="Host=127.0.0.1;Port=55601;Database=sivtracker;Username=postgres;Password=$(cat CLUSTER_DIR/pg-password)" \
#   BACKUP_KEY_FILE=CLUSTER_DIR/backup-key BASE_BACKUP_DIR=CLUSTER_DIR/base WAL_ARCHIVE_DIR=CLUSTER_DIR/wal \
#   scripts/restore.sh --to-time "YYYY-MM-DD HH:MM:SS" sivtracker_restored
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${CLUSTER_DIR:-/var/tmp/sivtracker-cluster}
https_port=${CLUSTER_HTTPS_PORT:-18443}
http_port=${CLUSTER_HTTP_PORT:-18080}
read -ra app_ports <<< "${CLUSTER_APP_PORTS:-18081 18082}"
pg_port=${CLUSTER_PG_PORT:-55601}
smtp_port=${CLUSTER_SMTP_PORT:-18025}
replica_port=$((pg_port + 1))
public_url="https://localhost:$https_port"

as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pgbin() { "$root/scripts/pg.sh" bin; }
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
say() { printf '%s\n' "$*" >&2; }

ready() { curl -fsS -o /dev/null --max-time 2 -H "Host: localhost" "http://127.0.0.1:$1/health/ready"; }

app_env() {
  cat <<ENV
ASPNETCORE_ENVIRONMENT=Production
App__PublicUrl=$public_url
ConnectionStrings__Default=Host=127.0.0.1;Port=$pg_port;Database=sivtracker;Username=sivtracker_app;Password=$(cat "$dir/app-password")
ConnectionStrings__Reports=Host=127.0.0.1;Port=$replica_port;Database=sivtracker;Username=sivtracker_app;Password=$(cat "$dir/app-password")
FieldEncryption__KeyFile=$dir/field-keys.json
ForwardedHeaders__KnownProxies=127.0.0.1
Telemetry__MetricsAllowedAddresses=127.0.0.1
Telemetry__DrainSeconds=${CLUSTER_DRAIN_SECONDS:-5}
Sweep__Interval=${CLUSTER_SWEEP_INTERVAL:-00:01:00}
Smtp__Host=127.0.0.1
Smtp__Port=$smtp_port
Smtp__Security=None
Smtp__From=sivtracker@localhost
ENV
}

start_app() {
  local n=$1 port=${app_ports[$(($1 - 1))]}
  alive "$dir/app-$n.pid" && return 0
  (
    cd "$dir/app"
    while IFS= read -r line; do export "${line?}"; done < <(app_env)
    # A server runs long enough to recompile its hot code with profile data, which beats the precompiled code.
    DOTNET_ReadyToRun=0 nohup dotnet SivTracker.Web.dll --urls "http://127.0.0.1:$port" >> "$dir/app-$n.log" 2>&1 &
    echo $! > "$dir/app-$n.pid"
  )
  for _ in $(seq 1 120); do
    ready "$port" 2>/dev/null && { say "app $n ready on 127.0.0.1:$port"; return 0; }
    alive "$dir/app-$n.pid" || { say "app $n exited; the end of $dir/app-$n.log:"; tail -n 20 "$dir/app-$n.log" >&2; return 1; }
    sleep 0.5
  done
  say "app $n did not become ready within a minute"; return 1
}

stop_app() {
  local n=$1 signal=${2:-TERM}
  alive "$dir/app-$n.pid" || return 0
  local pid; pid=$(cat "$dir/app-$n.pid")
  kill -s "$signal" "$pid"
  # A TERM drains (readiness 503, in-flight requests finish) before the process exits.
  for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  rm -f "$dir/app-$n.pid"
}

start_replica() {
  if [ ! -f "$dir/replica/PG_VERSION" ]; then
    mkdir -p "$dir/replica"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir/replica"
    chmod 700 "$dir/replica"
    # -R writes standby.signal and primary_conninfo: the replica streams from the primary from then on.
    as_postgres env PGPASSWORD="$(cat "$dir/pg-password")" "$(pgbin)/pg_basebackup" -h 127.0.0.1 -p "$pg_port" -U postgres \
      -D "$dir/replica" -R -X stream --checkpoint=fast
  fi
  "$root/scripts/pg.sh" start "$dir/replica" "$replica_port"
}

stop_replica() { "$root/scripts/pg.sh" stop "$dir/replica" "${1:-fast}"; }

nginx_conf() {
  # deploy/nginx.conf itself, with this machine's names, ports, certificate and instances filled in.
  local upstreams="" port
  for port in "${app_ports[@]}"; do upstreams+="    server 127.0.0.1:$port max_fails=3 fail_timeout=2s;\n"; done
  sed -e "s/tracker\.example\.org/localhost/g" \
      -e "s|/etc/ssl/sivtracker/|$dir/tls/|g" \
      -e "s/listen 80;/listen $http_port;/; s/listen 80 default_server;/listen $http_port default_server;/" \
      -e "s/listen 443 ssl default_server;/listen $https_port ssl default_server;/" \
      -e "s/listen 443 ssl;/listen $https_port ssl;/" \
      -e "s|allow 10.0.0.0/8;|allow 127.0.0.1;|" \
      -e "/^    server 10\.0\.0\.1[0-9]:8080/d" \
      -e "s/^    least_conn;/    least_conn;\n$upstreams/" \
      "$root/deploy/nginx.conf" > "$dir/nginx/sivtracker.conf"
  # nginx before 1.25.1 spells HTTP/2 on the listen line.
  if ! nginx -V 2>&1 | grep -qE 'nginx/1\.(2[6-9]|[3-9][0-9])|nginx/1\.25\.([1-9])'; then
    sed -i -e '/^\s*http2 on;/d' -e "s/listen $https_port ssl;/listen $https_port ssl http2;/" "$dir/nginx/sivtracker.conf"
  fi
  cat > "$dir/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/error.log warn;
events { worker_connections 1024; }
http {
    client_body_temp_path $dir/nginx/body;
    proxy_temp_path $dir/nginx/proxy;
    fastcgi_temp_path $dir/nginx/fastcgi;
    uwsgi_temp_path $dir/nginx/uwsgi;
    scgi_temp_path $dir/nginx/scgi;
    include $dir/nginx/sivtracker.conf;
}
CONF
}

up() {
  command -v nginx >/dev/null && command -v age >/dev/null && command -v curl >/dev/null || {
    if [ "$(id -u)" = 0 ]; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx age curl openssl >/dev/null
    else
      say "deploy/cluster.sh needs nginx, age, curl and openssl: sudo apt-get install nginx age curl openssl"; exit 1
    fi
  }
  "$root/scripts/pg.sh" install
  mkdir -p "$dir"/{nginx,tls,wal,base,bin}
  chmod 711 "$dir"
  # The WAL archive is the postgres user's to write; the archive command must be readable by that user.
  [ "$(id -u)" = 0 ] && chown postgres: "$dir/wal"
  chmod 700 "$dir/wal"
  install -m 755 "$root/scripts/archive-wal.sh" "$dir/bin/archive-wal.sh"
  for secret in pg-password owner-password app-password demo-password; do
    [ -f "$dir/$secret" ] || (umask 077; head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$dir/$secret")
  done
  [ -f "$dir/field-keys.json" ] || (umask 077; printf '{"keys":{"k1":"%s"},"currentKeyId":"k1","indexKey":"%s"}\n' \
    "$(head -c 32 /dev/urandom | base64)" "$(head -c 32 /dev/urandom | base64)" > "$dir/field-keys.json")
  if [ ! -f "$dir/backup-recipient" ]; then
    (umask 077; age-keygen -o "$dir/backup-key" 2>/dev/null)
    age-keygen -y "$dir/backup-key" > "$dir/backup-recipient"
    chmod 644 "$dir/backup-recipient"
  fi
  if [ ! -f "$dir/tls/fullchain.pem" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=localhost -addext subjectAltName=DNS:localhost \
      -keyout "$dir/tls/privkey.pem" -out "$dir/tls/fullchain.pem" 2>/dev/null
    chmod 600 "$dir/tls/privkey.pem"
  fi

  local fresh=false pwfile
  [ -f "$dir/primary/PG_VERSION" ] || fresh=true
  pwfile=$(mktemp); cp "$dir/pg-password" "$pwfile"
  "$root/scripts/pg.sh" start "$dir/primary" "$pg_port" "$pwfile"
  rm -f "$pwfile"
  local psql=("$(pgbin)/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U postgres)
  export PGPASSWORD; PGPASSWORD=$(cat "$dir/pg-password")
  if $fresh; then
    # deploy/postgres/wal-archive.conf, with this cluster's folders.
    "${psql[@]}" -d postgres >/dev/null <<SQL
alter system set archive_mode = on;
alter system set archive_timeout = 60;
alter system set archive_command = '$dir/bin/archive-wal.sh %p %f $dir/wal $dir/backup-recipient';
SQL
    "$root/scripts/pg.sh" stop "$dir/primary"
    "$root/scripts/pg.sh" start "$dir/primary" "$pg_port"
  fi
  "${psql[@]}" -d postgres -v owner_password="$(cat "$dir/owner-password")" -v app_password="$(cat "$dir/app-password")" \
    -f "$root/deploy/postgres/roles.sql" >/dev/null
  start_replica
  # The first base backup, so point-in-time recovery works from the start (scripts/restore.sh --to-time).
  if ! ls "$dir/base"/base-*.tar.age >/dev/null 2>&1; then
    ConnectionStrings__Migrations="Host=127.0.0.1;Port=$pg_port;Database=sivtracker;Username=postgres;Password=$(cat "$dir/pg-password")" \
      BACKUP_RECIPIENT_FILE="$dir/backup-recipient" "$root/scripts/basebackup.sh" "$dir/base" >&2
  fi

  if [ ! -f "$dir/app/SivTracker.Web.dll" ] || [ -n "$(find "$root/src" -newer "$dir/app/SivTracker.Web.dll" -name '*.cs' -print -quit)" ]; then
    say "publishing a Release build..."
    dotnet publish "$root/src/SivTracker.Web" -c Release -o "$dir/app" -v quiet -nologo -clp:ErrorsOnly >/dev/null
  fi
  (
    cd "$dir/app"
    while IFS= read -r line; do export "${line?}"; done < <(app_env)
    export ConnectionStrings__Migrations="Host=127.0.0.1;Port=$pg_port;Database=sivtracker;Username=sivtracker_owner;Password=$(cat "$dir/owner-password")"
    export Database__AppRole=sivtracker_app SIVTRACKER_DEMO_PASSWORD; SIVTRACKER_DEMO_PASSWORD=$(cat "$dir/demo-password")
    dotnet SivTracker.Web.dll migrate >/dev/null
    dotnet SivTracker.Web.dll seed-demo --scale "${CLUSTER_DEMO_SCALE:-2000}" --if-empty | grep -v "password" >&2 || true
  )
  if ! alive "$dir/mail-sink.pid"; then
    nohup python3 "$root/deploy/mail-sink.py" "$smtp_port" "$dir/mail.log" >> "$dir/mail-sink.err" 2>&1 &
    echo $! > "$dir/mail-sink.pid"
  fi
  local n
  for n in $(seq 1 ${#app_ports[@]}); do start_app "$n"; done
  nginx_conf
  if alive "$dir/nginx/nginx.pid"; then nginx -c "$dir/nginx/nginx.conf" -s reload; else nginx -c "$dir/nginx/nginx.conf"; fi
  say "SivTracker is up at $public_url (self-signed certificate). Sign in as caseworker@ngo-a.demo with the password in $dir/demo-password."
}

down() {
  local n
  alive "$dir/nginx/nginx.pid" && nginx -c "$dir/nginx/nginx.conf" -s quit
  for n in $(seq 1 ${#app_ports[@]}); do stop_app "$n"; done
  alive "$dir/mail-sink.pid" && kill "$(cat "$dir/mail-sink.pid")"
  rm -f "$dir/mail-sink.pid"
  stop_replica
  "$root/scripts/pg.sh" stop "$dir/primary"
  if [ "${1:-}" = --wipe ]; then rm -rf "$dir"; say "stopped, and $dir removed"; else say "stopped (state kept in $dir)"; fi
}

status() {
  local n port lag
  if alive "$dir/nginx/nginx.pid"; then
    printf 'nginx        running  %s  ready: %s\n' "$public_url" \
      "$(curl -ks -o /dev/null -w '%{http_code}' --max-time 3 "$public_url/health/ready" || true)"
  else
    printf 'nginx        stopped\n'
  fi
  for n in $(seq 1 ${#app_ports[@]}); do
    port=${app_ports[$((n - 1))]}
    if alive "$dir/app-$n.pid"; then printf 'app %s        running  127.0.0.1:%s  ready: %s\n' "$n" "$port" "$(ready "$port" 2>/dev/null && echo yes || echo no)"
    else printf 'app %s        stopped\n' "$n"; fi
  done
  export PGPASSWORD; PGPASSWORD=$(cat "$dir/pg-password" 2>/dev/null || true)
  for role in primary replica; do
    port=$pg_port; [ $role = replica ] && port=$replica_port
    if as_postgres "$(pgbin)/pg_ctl" -D "$dir/$role" status >/dev/null 2>&1; then
      if [ $role = replica ]; then
        lag=$("$(pgbin)/psql" -X -tA -h 127.0.0.1 -p "$port" -U postgres -d postgres -c \
          "select coalesce(round(extract(epoch from now() - pg_last_xact_replay_timestamp()))::text, '?')" 2>/dev/null || echo '?')
        printf '%-12s running  127.0.0.1:%s  last replayed commit %s s ago\n' "$role" "$port" "$lag"
      else
        printf '%-12s running  127.0.0.1:%s  WAL archived: %s\n' "$role" "$port" \
          "$("$(pgbin)/psql" -X -tA -h 127.0.0.1 -p "$port" -U postgres -d postgres -c "select archived_count || ' segments, ' || failed_count || ' failures' from pg_stat_archiver" 2>/dev/null || echo '?')"
      fi
    else
      printf '%-12s stopped\n' "$role"
    fi
  done
}

case "${1:-}" in
  up) up ;;
  down) down "${2:-}" ;;
  status) status ;;
  start-app) start_app "${2:?which instance: 1 or 2}" ;;
  stop-app) stop_app "${2:?which instance: 1 or 2}" "${3:-TERM}" ;;
  start-replica) start_replica ;;
  stop-replica) stop_replica "${2:-fast}" ;;
  cli)
    shift
    cd "$dir/app"
    while IFS= read -r line; do export "${line?}"; done < <(app_env)
    exec dotnet SivTracker.Web.dll "$@" ;;
  *) say "usage: deploy/cluster.sh up | down [--wipe] | status | start-app N | stop-app N [SIGNAL] | start-replica | stop-replica | cli COMMAND..."; exit 2 ;;
esac
