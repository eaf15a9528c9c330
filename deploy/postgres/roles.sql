-- The two roles and the database of a SivTracker server, as scripts/run.sh and deploy/cluster.sh make them; run as a
-- superuser with psql -v owner_password=... -v app_password=... -f deploy/postgres/roles.sql. Safe to run again: it
-- sets the passwords anew, and hands a database made before the two roles (owned by postgres) to the owner.
select 'create role sivtracker_owner' where not exists (select from pg_roles where rolname = 'sivtracker_owner') \gexec
select 'create role sivtracker_app' where not exists (select from pg_roles where rolname = 'sivtracker_app') \gexec
alter role sivtracker_owner login nosuperuser nocreaterole createdb noreplication nobypassrls password :'owner_password';
alter role sivtracker_app login nosuperuser nocreaterole nocreatedb noreplication nobypassrls password :'app_password';
select 'create database sivtracker owner sivtracker_owner' where not exists (select from pg_database where datname = 'sivtracker') \gexec
alter database sivtracker owner to sivtracker_owner;
\connect sivtracker
do $$
declare
    object record;
begin
    for object in
        select format('alter table %s owner to sivtracker_owner', c.oid::regclass) as statement
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S') and c.relowner <> 'sivtracker_owner'::regrole
            -- Sequences of identity and serial columns follow their table.
            and not exists (select from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype in ('a', 'i'))
        union all
        select format('alter function %s owner to sivtracker_owner', p.oid::regprocedure)
        from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = 'public' and p.proowner <> 'sivtracker_owner'::regrole
            and not exists (select from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
    loop
        execute object.statement;
    end loop;
end
$$;
