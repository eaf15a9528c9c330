#!/usr/bin/env bash
# Restores an encrypted backup made by scripts/backup.sh into a new, empty database.
#   scripts/restore.sh FILE DATABASE
# Connects with the app's connection string (its database is only used to create DATABASE) and the passphrase in
# BACKUP_KEY_FILE (default .data/backup-key). Point the app at DATABASE afterwards; it needs the same field
# encryption key file as the backed-up app, or the encrypted fields cannot be read.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
[ $# -eq 2 ] || { echo "usage: scripts/restore.sh FILE DATABASE" >&2; exit 2; }
file=$1 target=$2
source "$root/scripts/connection.sh"
[ -f "$file" ] || { echo "No such backup: $file" >&2; exit 1; }
[ -f "$key_file" ] || { echo "No backup passphrase at $key_file (set BACKUP_KEY_FILE)." >&2; exit 1; }
exists=$("$pgbin/psql" -d "${PGDATABASE:-postgres}" -tAc "select 1 from pg_database where datname = '$target'")
[ -z "$exists" ] || { echo "Database $target already exists: restore into a new one." >&2; exit 1; }
"$pgbin/createdb" "$target"
if ! openssl enc -d -aes-256-cbc -pbkdf2 -iter 600000 -pass "file:$key_file" -in "$file" \
    | "$pgbin/pg_restore" --no-owner --no-privileges --exit-on-error -d "$target"; then
  echo "Restore failed (wrong passphrase or damaged file); dropping the half-made database $target." >&2
  "$pgbin/dropdb" "$target"
  exit 1
fi
echo "Restored into $target. Start the app with ConnectionStrings__Default pointing at it and the same field keys."
