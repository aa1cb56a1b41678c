-- Where CrmOps' bookkeeping and Supabase's migration ledger are, and what the current role may do there. Read from
-- the catalogs (readable by every role), never through to_regclass, which raises "permission denied for schema"
-- when the role has no USAGE on it.
with sm as (select oid from pg_namespace where nspname = 'supabase_migrations'),
     legacy as (select oid from pg_namespace where nspname = 'crmops'),
     rel as (select n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
             where n.nspname in ('supabase_migrations', 'crmops') and c.relkind in ('r', 'p'))
select exists (select 1 from sm)                                                                  as schema_exists,
       coalesce((select has_schema_privilege(oid, 'USAGE') from sm), false)                       as schema_usage,
       coalesce((select has_schema_privilege(oid, 'CREATE') from sm), false)                      as schema_create,
       has_database_privilege(current_database(), 'CREATE')                                       as database_create,
       exists (select 1 from rel where nspname = 'supabase_migrations' and relname = 'crmops_migration_history') as history,
       exists (select 1 from rel where nspname = 'supabase_migrations' and relname = 'crmops_refresh_log')       as refresh_log,
       exists (select 1 from rel where nspname = 'supabase_migrations' and relname = 'crmops_scoring_runs')      as scoring_runs,
       exists (select 1 from rel where nspname = 'crmops' and relname = 'migration_history')                     as legacy_history,
       exists (select 1 from rel where nspname = 'crmops' and relname = 'refresh_log')                           as legacy_refresh_log,
       exists (select 1 from rel where nspname = 'crmops' and relname = 'scoring_runs')                          as legacy_scoring_runs,
       coalesce((select has_schema_privilege(oid, 'USAGE') from legacy), false)                   as legacy_usage,
       exists (select 1 from rel where nspname = 'supabase_migrations' and relname = 'schema_migrations')        as ledger,
       exists (select 1 from pg_attribute a join pg_class c on c.oid = a.attrelid join sm on sm.oid = c.relnamespace
               where c.relname = 'schema_migrations' and a.attname = 'name' and not a.attisdropped)                  as ledger_name,
       exists (select 1 from pg_attribute a join pg_class c on c.oid = a.attrelid join sm on sm.oid = c.relnamespace
               where c.relname = 'schema_migrations' and a.attname = 'statements' and not a.attisdropped)            as ledger_statements,
       current_user::text                                                                         as role_name,
       current_database()::text                                                                   as database_name,
       exists (select 1 from rel where nspname = 'supabase_migrations' and relname = 'crmops_score_changes')     as score_changes,
       exists (select 1 from rel where nspname = 'crmops' and relname = 'score_changes')                         as legacy_score_changes,
       -- The columns this version writes (ensure.sql adds them): the logs' trigger, the scoring runs' status.
       (select count(*) from pg_attribute a join pg_class c on c.oid = a.attrelid join sm on sm.oid = c.relnamespace
         where not a.attisdropped and ((c.relname = 'crmops_refresh_log' and a.attname = 'trigger')
                                    or (c.relname = 'crmops_scoring_runs' and a.attname in ('trigger', 'status')))) = 3 as log_columns;
