#!/usr/bin/env bash
# Encrypted backup of the SivTracker database: pg_dump (custom format) piped through AES-256 (openssl, PBKDF2).
#   scripts/backup.sh [FILE]        default: backups/sivtracker-<UTC time>.dump.enc
# The passphrase comes from BACKUP_KEY_FILE (default .data/backup-key, made on first use). Keep it, and the field
# encryption key file, somewhere other than the backups: without both, a backup is unreadable.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/scripts/connection.sh"
out=${1:-$root/backups/sivtracker-$(date -u +%Y%m%dT%H%M%SZ).dump.enc}
mkdir -p "$(dirname "$out")"
if [ ! -f "$key_file" ]; then
  (umask 077; mkdir -p "$(dirname "$key_file")"; head -c 48 /dev/urandom | base64 > "$key_file")
  echo "Made a new backup passphrase in $key_file: copy it somewhere safe, away from the backups." >&2
fi
tmp="$out.partial"
trap 'rm -f "$tmp"' EXIT
"$pgbin/pg_dump" --format=custom --no-owner --no-privileges \
  | openssl enc -aes-256-cbc -pbkdf2 -iter 600000 -salt -pass "file:$key_file" -out "$tmp"
# Only a complete backup gets the final name.
mv "$tmp" "$out"
echo "Backup written: $out ($(du -h "$out" | cut -f1))"
