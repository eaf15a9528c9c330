#!/usr/bin/env bash
# Private PostgreSQL clusters for SivTracker, started from the Debian server binaries.
#   scripts/pg.sh install                     install postgresql + postgresql-contrib when missing (as root)
#   scripts/pg.sh start DIR PORT [PWFILE]     create (first time) and start a cluster in DIR on 127.0.0.1:PORT
#   scripts/pg.sh stop DIR [MODE]             stop it (MODE: fast by default, immediate to simulate a crash)
#   scripts/pg.sh bin                         print the server's bin folder
# initdb refuses to run as root, so as root the cluster belongs to the postgres user.
set -euo pipefail

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

install_server() {
  local bin; bin=$(pg_bin)
  if [ -n "$bin" ] && [ -x "$bin/initdb" ] && ls /usr/share/postgresql/*/extension/pg_trgm.control >/dev/null 2>&1; then
    return 0
  fi
  if [ "$(id -u)" != 0 ]; then
    echo "PostgreSQL server not found. Install it with: sudo apt-get install postgresql postgresql-contrib" >&2
    exit 1
  fi
  echo "Installing PostgreSQL (postgresql, postgresql-contrib)..." >&2
  # SivTracker runs its own clusters; the package's default cluster would only sit on port 5432 unused.
  mkdir -p /etc/postgresql-common
  grep -qs '^create_main_cluster' /etc/postgresql-common/createcluster.conf \
    || echo 'create_main_cluster = false' >> /etc/postgresql-common/createcluster.conf
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-contrib >/dev/null
}

start_cluster() {
  local dir=$1 port=$2 pwfile=${3:-} bin
  install_server
  bin=$(pg_bin)
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres: "$dir"
  chmod 700 "$dir"
  if [ ! -f "$dir/PG_VERSION" ]; then
    if [ -n "$pwfile" ]; then
      [ "$(id -u)" = 0 ] && chown postgres: "$pwfile"
      as_owner "$bin/initdb" -D "$dir" -U postgres --auth-local=scram-sha-256 --auth-host=scram-sha-256 --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 >/dev/null
    else
      as_owner "$bin/initdb" -D "$dir" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
  fi
  if as_owner "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    return 0
  fi
  as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=${PG_FSYNC:-on} -c max_connections=${PG_MAX_CONNECTIONS:-200}" start >/dev/null
}

stop_cluster() {
  local dir=$1 mode=${2:-fast} bin
  bin=$(pg_bin)
  [ -n "$bin" ] && [ -f "$dir/PG_VERSION" ] || return 0
  if as_owner "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    as_owner "$bin/pg_ctl" -D "$dir" -m "$mode" -w -t 60 stop >/dev/null
  fi
}

case "${1:-}" in
  install) install_server ;;
  start) [ $# -ge 3 ] || { echo "usage: $0 start DIR PORT [PWFILE]" >&2; exit 2; }; start_cluster "$2" "$3" "${4:-}" ;;
  stop) [ $# -ge 2 ] || { echo "usage: $0 stop DIR [MODE]" >&2; exit 2; }; stop_cluster "$2" "${3:-fast}" ;;
  bin) pg_bin ;;
  *) echo "usage: $0 install | start DIR PORT [PWFILE] | stop DIR [MODE] | bin" >&2; exit 2 ;;
esac
