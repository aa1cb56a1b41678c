-- Schemas whose objects the platform owns (Compare-CrmSchema leaves them out unless -IncludePlatform): the names
-- given ($1: Supabase's managed schemas and CrmOps' bookkeeping), schemas owned by supabase_admin and schemas an
-- extension created (as supabase/cli's pkg/migration/queries/list.sql leaves them out).
select n.nspname
  from pg_namespace n
 where n.nspname = any($1)
    or pg_get_userbyid(n.nspowner) = 'supabase_admin'
    or exists (select 1 from pg_depend d
                where d.classid = 'pg_namespace'::regclass and d.objid = n.oid and d.deptype = 'e');
