#!/usr/bin/env bash
# Encrypted base backup of the whole PostgreSQL cluster, the starting point of point-in-time recovery
# (scripts/restore.sh --to-time) together with the WAL archive that scripts/archive-wal.sh fills.
#   scripts/basebackup.sh [FOLDER]    default: backups/base; the file is named by the UTC time it was finished
# Connects as the owner role (connection.sh) over the replication protocol: that role needs REPLICATION (or use a
# dedicated role: ConnectionStrings__Migrations=...;Username=backup), and pg_hba.conf a "replication" line for it.
# Encrypted with the same age recipient as scripts/backup.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/connection.sh"
folder=${1:-$root/backups/base}
mkdir -p "$folder"
[ -f "$recipient_file" ] || { echo "No backup recipient at $recipient_file: run scripts/backup.sh once, or set BACKUP_RECIPIENT_FILE." >&2; exit 1; }
tmp="$folder/base-in-progress-$$.tar.age"
trap 'rm -f "$tmp"' EXIT
# --wal-method=fetch puts the WAL written during the backup into the tar, so the backup is consistent on its own.
"$pgbin/pg_basebackup" --pgdata=- --format=tar --wal-method=fetch --checkpoint=fast --no-password \
  | age --encrypt --recipients-file "$recipient_file" --output "$tmp"
# Named by when it finished: a recovery target must lie after that moment.
out="$folder/base-$(date -u +%Y%m%dT%H%M%SZ).tar.age"
mv "$tmp" "$out"
echo "Base backup written: $out ($(du -h "$out" | cut -f1))"
