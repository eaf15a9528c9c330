#!/usr/bin/env bash
# Creates sivtracker_app, the role SivTracker connects as, in the postgres container of docker-compose.yml: a login role
# that owns nothing and may create nothing. The `migrate` service then grants it what the app needs and no more
# (src/SivTracker.Web/Data/AppRoleGrants.sql); the owner, POSTGRES_USER, keeps the schema.
# It runs by itself on the first start of an empty data volume (mounted in /docker-entrypoint-initdb.d). On a volume
# made before it existed, run it once:  docker compose exec db bash /docker-entrypoint-initdb.d/10-app-role.sh
# Running it again sets the password from SIVTRACKER_APP_DB_PASSWORD again.
set -e
: "${SIVTRACKER_APP_DB_PASSWORD:?set SIVTRACKER_APP_DB_PASSWORD}"
psql -X -q -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" \
  -v app_password="$SIVTRACKER_APP_DB_PASSWORD" >/dev/null <<'SQL'
select 'create role sivtracker_app' where not exists (select from pg_roles where rolname = 'sivtracker_app') \gexec
alter role sivtracker_app login nosuperuser nocreaterole nocreatedb noreplication nobypassrls password :'app_password';
SQL
