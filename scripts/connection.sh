# Sourced by backup.sh and restore.sh: exports PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE from the app's
# connection string (ConnectionStrings__Default, or the .data/connection-string that scripts/run.sh writes).
connection_string=${ConnectionStrings__Default:-}
if [ -z "$connection_string" ] && [ -f "$root/.data/connection-string" ]; then connection_string=$(cat "$root/.data/connection-string"); fi
[ -n "$connection_string" ] || { echo "No database: set ConnectionStrings__Default (or run scripts/run.sh first)." >&2; exit 1; }
IFS=';' read -ra connection_parts <<< "$connection_string"
for part in "${connection_parts[@]}"; do
  key=$(printf '%s' "${part%%=*}" | tr -d ' ' | tr '[:upper:]' '[:lower:]'); value=${part#*=}
  case $key in
    host|server) export PGHOST=$value ;;
    port) export PGPORT=$value ;;
    database) export PGDATABASE=$value ;;
    username|userid|user) export PGUSER=$value ;;
    password) export PGPASSWORD=$value ;;
  esac
done
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
# The age identity that decrypts backups (BACKUP_KEY_FILE, keep it off the machine holding the backups) and the public
# recipient that encrypts them (BACKUP_RECIPIENT_FILE).
key_file=${BACKUP_KEY_FILE:-$root/.data/backup-key}
recipient_file=${BACKUP_RECIPIENT_FILE:-$root/.data/backup-recipient}
if ! command -v age >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq age >/dev/null
  else
    echo "age is needed for encrypted backups: sudo apt-get install age" >&2
    exit 1
  fi
fi
