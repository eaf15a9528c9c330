-- What the application role (Database__AppRole) may do: connect, read and write the data, read and append to the audit
-- trail. It owns nothing, creates nothing and changes no table, so holding its connection string is not enough to
-- switch off the audit trigger or rewrite the trail.
--
-- Run by the owner, the role that runs migrations, in one transaction: by `migrate` after every migration (and at
-- startup when Database__MigrateAtStartup applies them), and by scripts/restore.sh after a restore. The role name
-- arrives as a literal, app_role, quoted by psql or by the app; it is used only through format with %I. Anything
-- wrong with the role stops the script with an error and changes nothing.
select set_config('sivtracker.app_role', :'app_role', true);

do $$
declare
    app constant text := current_setting('sivtracker.app_role');
    app_oid oid;
begin
    select oid into app_oid from pg_roles where rolname = app;
    if app_oid is null then
        raise exception 'The application role % does not exist. Create it first (a LOGIN role with no other attributes, see the README).', app;
    end if;
    if app = current_user then
        raise exception 'The application role % is running this script. Migrations run as the owner role (ConnectionStrings__Migrations).', app;
    end if;
    if exists (select from pg_roles where oid = app_oid and (rolsuper or rolcreaterole or rolcreatedb or rolreplication or rolbypassrls)) then
        raise exception 'The application role % must be a plain LOGIN role: ALTER ROLE % NOSUPERUSER NOCREATEROLE NOCREATEDB NOREPLICATION NOBYPASSRLS.', app, app;
    end if;
    -- Owning a table, the schema or the database, or being able to act as a role that does, is owning the audit trail.
    if pg_has_role(app_oid, (select datdba from pg_database where datname = current_database()), 'MEMBER')
        or pg_has_role(app_oid, (select nspowner from pg_namespace where nspname = 'public'), 'MEMBER')
        or exists (select from pg_class c join pg_namespace n on n.oid = c.relnamespace
                   where n.nspname = 'public' and pg_has_role(app_oid, c.relowner, 'MEMBER'))
        or exists (select from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                   where n.nspname = 'public' and pg_has_role(app_oid, p.proowner, 'MEMBER')) then
        raise exception 'The application role % owns this database, its schema or objects in it, or is a member of a role that does. Give them to the owner role (ALTER ... OWNER TO, REVOKE the membership).', app;
    end if;

    -- Start from nothing, so that privileges granted by hand or by an earlier version do not linger.
    execute format('revoke all on all tables in schema public from %I', app);
    execute format('revoke all on all sequences in schema public from %I', app);
    execute format('revoke all on schema public from %I', app);
    execute format('alter default privileges in schema public revoke all on tables from %I', app);
    execute format('alter default privileges in schema public revoke all on sequences from %I', app);

    -- TEMPORARY: the deadline sweep works through temporary tables dropped at commit.
    execute format('grant connect, temporary on database %I to %I', current_database(), app);
    execute format('grant usage on schema public to %I', app);
    execute format('grant select, insert, update, delete on all tables in schema public to %I', app);
    -- Identity columns draw from their sequences without these; granted so a sequence used directly works too.
    execute format('grant usage, select on all sequences in schema public to %I', app);
    -- The migration history is read (is the schema current?) and written only by migrations.
    execute format('revoke insert, update, delete on "__EFMigrationsHistory" from %I', app);
    -- The audit trail is read and appended to, never changed.
    execute format('revoke update, delete on audit_events from %I', app);
    -- Tables and sequences that later migrations create get the same, before this script runs again.
    execute format('alter default privileges in schema public grant select, insert, update, delete on tables to %I', app);
    execute format('alter default privileges in schema public grant usage, select on sequences to %I', app);
    -- Only the owner creates objects here: the default since PostgreSQL 15, not on clusters upgraded from older ones.
    revoke create on schema public from public;
    -- Functions (pg_trgm's word_similarity and the operators behind it) are executable by every role by default, so
    -- none is granted here.

    -- What the role can do in the end, memberships included (pg_write_all_data, say), not only what was granted here.
    if has_table_privilege(app_oid, 'audit_events', 'UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES')
        or exists (select from pg_class c join pg_namespace n on n.oid = c.relnamespace
                   where n.nspname = 'public' and c.relkind in ('r', 'p') and has_table_privilege(app_oid, c.oid, 'TRUNCATE, TRIGGER, REFERENCES'))
        or has_schema_privilege(app_oid, 'public', 'CREATE')
        or has_database_privilege(app_oid, current_database(), 'CREATE') then
        raise exception 'The application role % can still change the audit trail or the schema after the grants, through a role it is a member of or a privilege given to PUBLIC. Revoke that and migrate again.', app;
    end if;
end
$$;
