#!/usr/bin/env bash
# Restores an encrypted backup made by scripts/backup.sh into a new, empty database.
#   scripts/restore.sh FILE DATABASE
# Connects as the owner role (ConnectionStrings__Migrations, see connection.sh; its database is only used to create
# DATABASE, so the role needs CREATEDB), which then owns everything restored, and decrypts with the age identity in
# BACKUP_KEY_FILE (default .data/backup-key). The whole file is authenticated before anything is restored: a wrong
# identity or a backup altered by one byte restores nothing. With Database__AppRole set, the application role is
# granted what `migrate` grants it (src/SivTracker.Web/Data/AppRoleGrants.sql); a refusal there undoes the restore too.
# Point the app at DATABASE afterwards; it needs the same field encryption key file as the backed-up app, or the
# encrypted fields cannot be read.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
[ $# -eq 2 ] || { echo "usage: scripts/restore.sh FILE DATABASE" >&2; exit 2; }
file=$1 target=$2
source "$root/scripts/connection.sh"
[ -f "$file" ] || { echo "No such backup: $file" >&2; exit 1; }
[ -f "$key_file" ] || { echo "No backup identity at $key_file (set BACKUP_KEY_FILE)." >&2; exit 1; }
if ! age --decrypt --identity "$key_file" "$file" > /dev/null; then
  echo "The backup does not decrypt with this identity, or it was altered: nothing restored." >&2
  exit 1
fi
exists=$("$pgbin/psql" -d "${PGDATABASE:-postgres}" -tAc "select 1 from pg_database where datname = '$target'")
[ -z "$exists" ] || { echo "Database $target already exists: restore into a new one." >&2; exit 1; }
"$pgbin/createdb" "$target"
if ! age --decrypt --identity "$key_file" "$file" | "$pgbin/pg_restore" --no-owner --no-privileges --exit-on-error -d "$target"; then
  echo "Restore failed; dropping the half-made database $target." >&2
  "$pgbin/dropdb" "$target"
  exit 1
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
