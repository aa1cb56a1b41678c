-- Schema fingerprint for Test-CrmMigration -RoundTrip: one row per object (kind, name, definition) in every
-- user schema (not the catalogs, not CrmOps' or Supabase's migration history).
with ns as (
    select oid, nspname from pg_namespace
    where nspname not in ('pg_catalog', 'information_schema', 'crmops', 'supabase_migrations')
      and nspname not like 'pg\_toast%' and nspname not like 'pg\_temp%'
)
select 'schema' as kind, nspname as name, '' as definition from ns
union all
select case c.relkind when 'r' then 'table' when 'p' then 'table' when 'v' then 'view' when 'm' then 'materialized view'
                      when 'S' then 'sequence' when 'f' then 'foreign table' when 'c' then 'type' end,
       ns.nspname || '.' || c.relname,
       case when c.relkind in ('v', 'm') then pg_get_viewdef(c.oid) else c.relkind::text end
from pg_class c join ns on ns.oid = c.relnamespace
where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f', 'c')
union all
select 'column', ns.nspname || '.' || c.relname || '.' || a.attname,
       format_type(a.atttypid, a.atttypmod)
       || case when a.attnotnull then ' not null' else '' end
       || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
       || case when a.attidentity <> '' then ' identity ' || a.attidentity::text else '' end
       || case when a.attgenerated <> '' then ' generated' else '' end
from pg_attribute a
join pg_class c on c.oid = a.attrelid
join ns on ns.oid = c.relnamespace
left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
where a.attnum > 0 and not a.attisdropped and c.relkind in ('r', 'p', 'v', 'm', 'f', 'c')
union all
select 'constraint', ns.nspname || '.' || coalesce(c.relname, t.typname) || '.' || con.conname, pg_get_constraintdef(con.oid)
from pg_constraint con
join ns on ns.oid = con.connamespace
left join pg_class c on c.oid = con.conrelid
left join pg_type t on t.oid = con.contypid
union all
select 'index', ns.nspname || '.' || ic.relname, pg_get_indexdef(i.indexrelid)
from pg_index i join pg_class ic on ic.oid = i.indexrelid join ns on ns.oid = ic.relnamespace
union all
select case p.prokind when 'p' then 'procedure' when 'a' then 'aggregate' when 'w' then 'window function' else 'function' end,
       ns.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
       case when p.prokind in ('a', 'w') then '' else pg_get_functiondef(p.oid) end
from pg_proc p join ns on ns.oid = p.pronamespace
union all
select 'trigger', ns.nspname || '.' || c.relname || '.' || t.tgname, pg_get_triggerdef(t.oid)
from pg_trigger t join pg_class c on c.oid = t.tgrelid join ns on ns.oid = c.relnamespace
where not t.tgisinternal
union all
select 'policy', ns.nspname || '.' || c.relname || '.' || pol.polname,
       pol.polcmd::text || ' ' || coalesce(pg_get_expr(pol.polqual, pol.polrelid), '') || ' / ' || coalesce(pg_get_expr(pol.polwithcheck, pol.polrelid), '')
from pg_policy pol join pg_class c on c.oid = pol.polrelid join ns on ns.oid = c.relnamespace
union all
select 'type', ns.nspname || '.' || t.typname,
       t.typtype::text || coalesce(' ' || (select string_agg(e.enumlabel, ',' order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid), '')
       || case when t.typtype = 'd' then ' ' || format_type(t.typbasetype, t.typtypmod) else '' end
from pg_type t join ns on ns.oid = t.typnamespace
where t.typtype in ('e', 'd', 'r')
union all
select 'comment', case when d.objsubid = 0 then 'on ' || ns.nspname || '.' || c.relname
                       else 'on column ' || ns.nspname || '.' || c.relname || '.' || a.attname end,
       d.description
from pg_description d
join pg_class c on d.classoid = 'pg_class'::regclass and d.objoid = c.oid
join ns on ns.oid = c.relnamespace
left join pg_attribute a on a.attrelid = c.oid and a.attnum = d.objsubid and d.objsubid > 0
union all
select 'comment', 'on function ' || ns.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', d.description
from pg_description d
join pg_proc p on d.classoid = 'pg_proc'::regclass and d.objoid = p.oid
join ns on ns.oid = p.pronamespace
union all
select 'comment', 'on schema ' || ns.nspname, d.description
from pg_description d join ns on d.classoid = 'pg_namespace'::regclass and d.objoid = ns.oid
order by 1, 2;
