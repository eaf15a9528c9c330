#!/usr/bin/env bash
# Restores SivTracker into a new, empty database, from an encrypted backup (scripts/backup.sh) or to a moment in time
# (a base backup from scripts/basebackup.sh plus the WAL archive that scripts/archive-wal.sh keeps).
#   scripts/restore.sh FILE DATABASE
#   scripts/restore.sh --to-time "YYYY-MM-DD HH:MM:SS" DATABASE     the time in UTC
# Point in time: the newest base backup finished before that time (in BASE_BACKUP_DIR, default backups/base) is
# decrypted into a private, temporary PostgreSQL cluster, which replays the archived WAL (WAL_ARCHIVE_DIR, default
# backups/wal) up to that moment; SivTracker's database is then copied from it into DATABASE, and the temporary cluster
# (the only clear copy of the files) is deleted.
# Connects as the owner role (ConnectionStrings__Migrations, see connection.sh; its database is only used to create
# DATABASE, so the role needs CREATEDB), which then owns everything restored, and decrypts with the age identity in
# BACKUP_KEY_FILE (default .data/backup-key). A backup is authenticated before anything is restored: a wrong identity
# or a backup altered by one byte restores nothing. With Database__AppRole set, the application role is granted what
# `migrate` grants it (src/SivTracker.Web/Data/AppRoleGrants.sql); a refusal there undoes the restore too.
# Point the app at DATABASE afterwards; it needs the same field encryption key file as the backed-up app, or the
# encrypted fields cannot be read.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
usage() { echo 'usage: scripts/restore.sh FILE DATABASE | scripts/restore.sh --to-time "YYYY-MM-DD HH:MM:SS" DATABASE' >&2; exit 2; }
[ $# -ge 2 ] || usage
to_time=""
if [ "$1" = "--to-time" ]; then
  [ $# -eq 3 ] || usage
  to_time=$2 target=$3
  [[ $to_time =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}\ [0-9]{2}:[0-9]{2}:[0-9]{2}$ ]] \
    || { echo "The time must read YYYY-MM-DD HH:MM:SS (UTC), not '$to_time'." >&2; exit 2; }
else
  [ $# -eq 2 ] || usage
  file=$1 target=$2
fi
source "$root/scripts/connection.sh"
[ -f "$key_file" ] || { echo "No backup identity at $key_file (set BACKUP_KEY_FILE)." >&2; exit 1; }
[[ $target =~ ^[A-Za-z_][A-Za-z0-9_]{0,62}$ ]] || { echo "DATABASE must be a plain name (letters, digits, underscores), not '$target'." >&2; exit 2; }
exists=$("$pgbin/psql" -d "${PGDATABASE:-postgres}" -tAc "select 1 from pg_database where datname = '$target'")
[ -z "$exists" ] || { echo "Database $target already exists: restore into a new one." >&2; exit 1; }

# Reads a custom-format dump on stdin into the new database; drops it again on any failure.
load_into_target() {
  "$pgbin/createdb" "$target"
  if ! "$pgbin/pg_restore" --no-owner --no-privileges --exit-on-error -d "$target"; then
    echo "Restore failed; dropping the half-made database $target." >&2
    "$pgbin/dropdb" "$target"
    exit 1
  fi
}

as_cluster_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ -z "$to_time" ]; then
  [ -f "$file" ] || { echo "No such backup: $file" >&2; exit 1; }
  if ! age --decrypt --identity "$key_file" "$file" > /dev/null; then
    echo "The backup does not decrypt with this identity, or it was altered: nothing restored." >&2
    exit 1
  fi
  age --decrypt --identity "$key_file" "$file" | load_into_target
else
  base_dir=${BASE_BACKUP_DIR:-$root/backups/base}
  wal_dir=${WAL_ARCHIVE_DIR:-$root/backups/wal}
  [ -d "$wal_dir" ] || { echo "No WAL archive at $wal_dir (set WAL_ARCHIVE_DIR)." >&2; exit 1; }
  # Base backups are named by the UTC time they finished, so the names sort by time.
  stamp=$(printf '%s' "$to_time" | tr -d ': -' | sed 's/^\(........\)/\1T/')Z
  base=""
  for candidate in "$base_dir"/base-*Z.tar.age; do
    [ -f "$candidate" ] || continue
    name=$(basename "$candidate" .tar.age)
    [[ "${name#base-}" < "$stamp" ]] && base=$candidate
  done
  [ -n "$base" ] || { echo "No base backup in $base_dir finished before $to_time UTC: nothing to start the recovery from." >&2; exit 1; }
  echo "Recovering to $to_time UTC from $(basename "$base") and the WAL archive..." >&2
  cluster=$(mktemp -d "${TMPDIR:-/tmp}/sivtracker-pitr.XXXXXX")
  stop_cluster() {
    as_cluster_owner "$pgbin/pg_ctl" -D "$cluster/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$cluster"
  }
  trap stop_cluster EXIT
  mkdir -p "$cluster/data"
  chmod 700 "$cluster" "$cluster/data"
  if ! age --decrypt --identity "$key_file" "$base" | tar -x -C "$cluster/data"; then
    echo "The base backup does not decrypt with this identity, or it was altered: nothing restored." >&2
    exit 1
  fi
  install -m 600 "$key_file" "$cluster/key"
  # Private to its owner: no TCP listener, a socket in the 700 folder, and trust only there; no archiving of its own.
  printf 'local all all trust\n' > "$cluster/data/pg_hba.conf"
  cat >> "$cluster/data/postgresql.auto.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$cluster'
port = 5432
archive_mode = off
hot_standby = off
restore_command = 'age --decrypt --identity $cluster/key --output %p $wal_dir/%f.age'
recovery_target_time = '$to_time+00'
recovery_target_action = 'promote'
CONF
  touch "$cluster/data/recovery.signal"
  rm -f "$cluster/data/postmaster.pid"
  [ "$(id -u)" = 0 ] && chown -R postgres: "$cluster"
  recovery_failed() {
    echo "The recovery did not reach $to_time UTC; the server said:" >&2
    grep -E 'FATAL|PANIC|ERROR' "$cluster/server.log" | grep -v 'not accepting connections' | tail -n 5 >&2 || tail -n 5 "$cluster/server.log" >&2
    exit 1
  }
  as_cluster_owner "$pgbin/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" start >/dev/null || recovery_failed
  # With hot_standby off the server accepts connections only once the recovery has reached its target and promoted;
  # it stops by itself when the archive ends before the target.
  deadline=$(( $(date +%s) + ${PITR_TIMEOUT_SECONDS:-3600} ))
  until "$pgbin/pg_isready" -q --host="$cluster" --port=5432; do
    as_cluster_owner "$pgbin/pg_ctl" -D "$cluster/data" status >/dev/null 2>&1 || recovery_failed
    [ "$(date +%s)" -lt "$deadline" ] || { echo "The recovery took longer than PITR_TIMEOUT_SECONDS." >&2; exit 1; }
    sleep 1
  done
  as_cluster_owner "$pgbin/pg_dump" --host="$cluster" --port=5432 --username=postgres --format=custom --no-owner --no-privileges \
    "${PGDATABASE:?the connection string names no database to recover}" | load_into_target
fi

# The dump carries no privileges (--no-privileges): the application role gets its grants here, as after a migration.
if [ -n "$app_role" ]; then
  if ! "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 --single-transaction -v app_role="$app_role" -d "$target" \
      -f "$root/src/SivTracker.Web/Data/AppRoleGrants.sql" >/dev/null; then
    echo "The application role $app_role could not be granted its privileges; dropping $target." >&2
    "$pgbin/dropdb" "$target"
    exit 1
  fi
  echo "Restored into $target, and granted the application role $app_role. Start the app with ConnectionStrings__Default pointing at it as $app_role, and the same field keys."
else
  echo "Restored into $target. No Database__AppRole was set, so no application role was granted: for an app that connects as one, run \`migrate\` against $target with Database__AppRole set. Start the app with the same field keys."
fi
