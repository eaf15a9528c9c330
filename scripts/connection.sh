# Sourced by backup.sh and restore.sh: exports PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE from the owner role's
# connection string, ConnectionStrings__Migrations (a dump reads every table and a restore owns what it creates, which
# the application role may not), as `migrate` picks it: else ConnectionStrings__Default, as in a single-role setup, else
# the files scripts/run.sh writes in .data/. app_role is Database__AppRole, the role a restore grants again.
connection_string=${ConnectionStrings__Migrations:-${ConnectionStrings__Default:-}}
for local_file in migrations-connection-string connection-string; do
  if [ -z "$connection_string" ] && [ -f "$root/.data/$local_file" ]; then connection_string=$(cat "$root/.data/$local_file"); fi
done
[ -n "$connection_string" ] || { echo "No database: set ConnectionStrings__Migrations (or run scripts/run.sh first)." >&2; exit 1; }
app_role=${Database__AppRole:-}
if [ -n "$app_role" ] && ! [[ $app_role =~ ^[a-z_][a-z0-9_]{0,62}$ ]]; then
  echo "Database__AppRole must be a PostgreSQL role name in lower case (letters, digits and underscores), not '$app_role'." >&2
  exit 1
fi
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
