#!/usr/bin/env bash
# PostgreSQL's archive_command for point-in-time recovery: every finished WAL segment, encrypted with the backup
# recipient (age, as scripts/backup.sh) into the archive folder. In postgresql.conf (deploy/postgres/wal-archive.conf):
#   archive_command = '/usr/local/bin/sivtracker-archive-wal %p %f /var/lib/sivtracker/wal /etc/sivtracker/backup-recipient'
# The postgres user runs it, so copy it where that user can read it. Only the public recipient is on the server: the
# identity that decrypts the archive stays with the backups' identity, off this machine.
set -euo pipefail
[ $# -eq 4 ] || { echo "usage: archive-wal.sh WAL_PATH WAL_NAME ARCHIVE_DIR RECIPIENT_FILE" >&2; exit 2; }
path=$1 name=$2 dir=$3 recipient=$4
sum=$(sha256sum "$path" | cut -d' ' -f1)
if [ -f "$dir/$name.age" ]; then
  # Archived once already and PostgreSQL did not hear of it (a crash in between): the same content counts as done;
  # other content is never overwritten.
  [ "$(cat "$dir/$name.sha256" 2>/dev/null)" = "$sum" ] && exit 0
  echo "archive-wal: $name is already in the archive with other content; not overwriting it" >&2
  exit 1
fi
age --encrypt --recipients-file "$recipient" --output "$dir/$name.age.partial" "$path"
printf '%s\n' "$sum" > "$dir/$name.sha256"
sync "$dir/$name.age.partial" "$dir/$name.sha256"
# PostgreSQL may recycle the segment as soon as this returns 0: only a complete, flushed file gets the final name.
mv "$dir/$name.age.partial" "$dir/$name.age"
sync "$dir"
