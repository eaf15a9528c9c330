#!/usr/bin/env bash
# Encrypted backup of the SivTracker database: pg_dump (custom format) piped through age (authenticated encryption:
# a backup altered by even one byte will not decrypt).
#   scripts/backup.sh [FILE]        default: backups/sivtracker-<UTC time>.dump.age
# Encrypting needs only the public recipient (BACKUP_RECIPIENT_FILE, default .data/backup-recipient); restoring needs
# the private identity (BACKUP_KEY_FILE, default .data/backup-key). When neither exists, both are made here: move the
# identity off this machine, away from the backups, and keep it with the field encryption key file.
# Dumps as the owner role (ConnectionStrings__Migrations, see connection.sh): it can read every table.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/connection.sh"
out=${1:-$root/backups/sivtracker-$(date -u +%Y%m%dT%H%M%SZ).dump.age}
mkdir -p "$(dirname "$out")"
if [ ! -f "$recipient_file" ]; then
  if [ ! -f "$key_file" ]; then
    (umask 077; mkdir -p "$(dirname "$key_file")"; age-keygen -o "$key_file" 2>/dev/null)
    echo "Made a new backup identity in $key_file: move it somewhere safe, off this machine and away from the backups." >&2
  fi
  age-keygen -y "$key_file" > "$recipient_file"
fi
tmp="$out.partial"
trap 'rm -f "$tmp"' EXIT
"$pgbin/pg_dump" --format=custom --no-owner --no-privileges | age --encrypt --recipients-file "$recipient_file" --output "$tmp"
# Only a complete backup gets the final name.
mv "$tmp" "$out"
echo "Backup written: $out ($(du -h "$out" | cut -f1))"
