-- The schema snapshot, one row per object: kind, schema, name (schema-qualified, unquoted), parent ('Kind:name' of the
-- object it belongs to), ord (creation order: the oid), ext (an extension's member), props (compared: key, value
-- pairs) and info (not compared: quoted names and facts the SQL generator needs). Run with search_path = '' so that
-- PostgreSQL's own definitions (pg_get_viewdef, pg_get_functiondef, pg_get_indexdef, pg_get_constraintdef,
-- pg_get_triggerdef, pg_get_expr, format_type) qualify every name the same way on every database. Comments are read
-- from pg_description by its index (obj_description() looks the catalog up by name on every call).
with ns as (
    select n.oid, n.nspname
      from pg_namespace n
     where n.nspname <> 'information_schema' and n.nspname !~ '^pg_'
),
rel as (
    select c.oid, c.relname, c.relkind, c.relowner, c.relacl, c.reloptions, c.relpersistence, c.relispartition,
           c.relpartbound, c.relrowsecurity, c.relforcerowsecurity, ns.nspname,
           ns.nspname || '.' || c.relname as dname,
           format('%I.%I', ns.nspname, c.relname) as qname,
           case c.relkind when 'v' then 'View' when 'm' then 'MaterializedView' when 'S' then 'Sequence' else 'Table' end as kind,
           exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e') as ext
      from pg_class c join ns on ns.oid = c.relnamespace
     where c.relkind in ('r', 'p', 'f', 'v', 'm', 'S')
)
-- Schemas.
select 'Schema'::text as kind, ns.nspname::text as schema, ns.nspname::text as name, null::text as parent, ns.oid::bigint as ord,
       exists (select 1 from pg_depend d where d.classid = 'pg_namespace'::regclass and d.objid = ns.oid and d.deptype = 'e') as ext,
       array['Comment', (select d.description from pg_description d where d.objoid = ns.oid and d.classoid = 'pg_namespace'::regclass and d.objsubid = 0)] as props,
       array['Q', quote_ident(ns.nspname)] as info
  from ns
union all
-- Extensions (their members are marked ext below).
select 'Extension', n.nspname, e.extname, null, e.oid::bigint, false,
       array['Version', e.extversion, 'Schema', n.nspname],
       array['Q', quote_ident(e.extname), 'QSchema', quote_ident(n.nspname)]
  from pg_extension e join pg_namespace n on n.oid = e.extnamespace
union all
-- Enums, domains, ranges and composite types (not the row and array types PostgreSQL makes itself).
select 'Type', ns.nspname, ns.nspname || '.' || t.typname, null, t.oid::bigint,
       exists (select 1 from pg_depend d where d.classid = 'pg_type'::regclass and d.objid = t.oid and d.deptype = 'e'),
       case t.typtype
           when 'e' then array['Kind', 'enum', 'Labels',
                               (select string_agg(quote_literal(e.enumlabel), ', ' order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid)]
           when 'd' then array['Kind', 'domain', 'BaseType', format_type(t.typbasetype, t.typtypmod),
                               'NotNull', case when t.typnotnull then 'NOT NULL' end,
                               'Default', pg_get_expr(t.typdefaultbin, 0),
                               'Collation', case when t.typcollation <> 0 and t.typcollation <> bt.typcollation
                                                 then (select format('%I.%I', cn.nspname, co.collname) from pg_collation co join pg_namespace cn on cn.oid = co.collnamespace where co.oid = t.typcollation) end]
           when 'r' then array['Kind', 'range', 'Subtype', (select format_type(r.rngsubtype, null) from pg_range r where r.rngtypid = t.oid)]
           else array['Kind', 'composite', 'Attributes',
                      (select string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod), ', ' order by a.attnum)
                         from pg_attribute a where a.attrelid = t.typrelid and a.attnum > 0 and not a.attisdropped)]
       end || array['Comment', (select d.description from pg_description d where d.objoid = t.oid and d.classoid = 'pg_type'::regclass and d.objsubid = 0)],
       array['Q', format('%I.%I', ns.nspname, t.typname)]
  from pg_type t
  join ns on ns.oid = t.typnamespace
  left join pg_type bt on bt.oid = t.typbasetype
  left join pg_class tc on tc.oid = t.typrelid
 where t.typtype in ('e', 'd', 'r') or (t.typtype = 'c' and tc.relkind = 'c')
union all
-- Sequences (identity columns' own sequences are part of their column).
select 'Sequence', r.nspname, r.dname,
       case when d.refobjid is not null then 'Table:' || tn.nspname || '.' || tc.relname end,
       r.oid::bigint, r.ext,
       array['DataType', format_type(s.seqtypid, null), 'Start', s.seqstart::text, 'Increment', s.seqincrement::text,
             'Minimum', s.seqmin::text, 'Maximum', s.seqmax::text, 'Cache', s.seqcache::text,
             'Cycle', case when s.seqcycle then 'CYCLE' end,
             'OwnedBy', case when d.refobjid is not null then tn.nspname || '.' || tc.relname || '.' || ta.attname end,
             'Comment', (select d.description from pg_description d where d.objoid = r.oid and d.classoid = 'pg_class'::regclass and d.objsubid = 0)],
       array['Q', r.qname, 'QOwnedBy', case when d.refobjid is not null then format('%I.%I.%I', tn.nspname, tc.relname, ta.attname) end]
  from rel r
  join pg_sequence s on s.seqrelid = r.oid
  left join pg_depend d on d.classid = 'pg_class'::regclass and d.objid = r.oid and d.refclassid = 'pg_class'::regclass and d.deptype in ('a', 'i')
  left join pg_class tc on tc.oid = d.refobjid
  left join pg_namespace tn on tn.oid = tc.relnamespace
  left join pg_attribute ta on ta.attrelid = d.refobjid and ta.attnum = d.refobjsubid
 where r.relkind = 'S' and coalesce(d.deptype, 'a') <> 'i'
union all
-- Tables, views and materialized views.
select r.kind, r.nspname, r.dname, null, r.oid::bigint, r.ext,
       case when r.relkind in ('v', 'm')
            then array['Definition', pg_get_viewdef(r.oid, true)]
            else array['Persistence', case r.relpersistence when 'u' then 'UNLOGGED' end,
                       'PartitionKey', case when r.relkind = 'p' then pg_get_partkeydef(r.oid) end,
                       'PartitionOf', case when r.relispartition then
                           (select format('%I.%I', pn.nspname, pc.relname) from pg_inherits h join pg_class pc on pc.oid = h.inhparent join pg_namespace pn on pn.oid = pc.relnamespace where h.inhrelid = r.oid)
                           || ' ' || pg_get_expr(r.relpartbound, r.oid) end,
                       'Inherits', case when not r.relispartition then
                           (select string_agg(format('%I.%I', pn.nspname, pc.relname), ', ' order by h.inhseqno) from pg_inherits h join pg_class pc on pc.oid = h.inhparent join pg_namespace pn on pn.oid = pc.relnamespace where h.inhrelid = r.oid) end,
                       'Foreign', case when r.relkind = 'f' then
                           (select 'SERVER ' || quote_ident(fs.srvname) || coalesce(' OPTIONS (' || array_to_string(ft.ftoptions, ', ') || ')', '') from pg_foreign_table ft join pg_foreign_server fs on fs.oid = ft.ftserver where ft.ftrelid = r.oid) end]
       end || array['Options', array_to_string(r.reloptions, ', '), 'Comment', (select d.description from pg_description d where d.objoid = r.oid and d.classoid = 'pg_class'::regclass and d.objsubid = 0)],
       array['Q', r.qname, 'Kind', r.relkind::text,
             'Columns', case when r.relkind in ('v', 'm') then
                 (select string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod), ', ' order by a.attnum)
                    from pg_attribute a where a.attrelid = r.oid and a.attnum > 0 and not a.attisdropped) end,
             'Dependents', case when r.relkind in ('v', 'm') then
                 (select string_agg(distinct dn.nspname || '.' || dc.relname, ', ')
                    from pg_depend d join pg_rewrite rw on rw.oid = d.objid join pg_class dc on dc.oid = rw.ev_class join pg_namespace dn on dn.oid = dc.relnamespace
                   where d.classid = 'pg_rewrite'::regclass and d.refclassid = 'pg_class'::regclass and d.refobjid = r.oid and dc.oid <> r.oid) end]
  from rel r
 where r.relkind <> 'S'
union all
-- Row level security (exists while enabled).
select 'RLS', r.nspname, r.dname, 'Table:' || r.dname, r.oid::bigint, r.ext,
       array['Forced', case when r.relforcerowsecurity then 'FORCE' end],
       array['Q', r.qname]
  from rel r
 where r.relrowsecurity and r.relkind in ('r', 'p')
union all
-- Columns of tables (not inherited ones: a partition's columns are its parent's).
select 'Column', r.nspname, r.dname || '.' || a.attname, 'Table:' || r.dname, r.oid::bigint * 2048 + a.attnum, r.ext,
       array['Type', format_type(a.atttypid, a.atttypmod),
             'NotNull', case when a.attnotnull then 'NOT NULL' end,
             'Default', case when a.attgenerated = '' then pg_get_expr(ad.adbin, ad.adrelid) end,
             'Generated', case when a.attgenerated = 's' then pg_get_expr(ad.adbin, ad.adrelid) end,
             'Identity', case a.attidentity when 'a' then 'ALWAYS' when 'd' then 'BY DEFAULT' end,
             'Collation', case when a.attcollation <> 0 and a.attcollation <> ty.typcollation
                               then (select format('%I.%I', cn.nspname, co.collname) from pg_collation co join pg_namespace cn on cn.oid = co.collnamespace where co.oid = a.attcollation) end,
             'Comment', (select d.description from pg_description d where d.objoid = r.oid and d.classoid = 'pg_class'::regclass and d.objsubid = a.attnum)],
       array['Q', quote_ident(a.attname), 'QTable', r.qname, 'Position', a.attnum::text]
  from rel r
  join pg_attribute a on a.attrelid = r.oid and a.attnum > 0 and not a.attisdropped
  join pg_type ty on ty.oid = a.atttypid
  left join pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
 where r.relkind in ('r', 'p', 'f') and (a.attislocal or a.attinhcount = 0)
union all
-- Constraints of tables and domains (not NOT NULL, which is a column's; not those inherited or cloned to partitions).
select 'Constraint', ns.nspname, ns.nspname || '.' || coalesce(c.relname, t.typname) || '.' || con.conname,
       case when c.oid is not null then 'Table:' || ns.nspname || '.' || c.relname else 'Type:' || ns.nspname || '.' || t.typname end,
       con.oid::bigint, false,
       array['Definition', pg_get_constraintdef(con.oid), 'Comment', (select d.description from pg_description d where d.objoid = con.oid and d.classoid = 'pg_constraint'::regclass and d.objsubid = 0)],
       array['Q', quote_ident(con.conname), 'QTable', format('%I.%I', ns.nspname, coalesce(c.relname, t.typname)),
             'ConstraintType', con.contype::text, 'OnDomain', case when t.oid is not null then 'true' end]
  from pg_constraint con
  join ns on ns.oid = con.connamespace
  left join pg_class c on c.oid = con.conrelid and con.conrelid <> 0
  left join pg_type t on t.oid = con.contypid and con.contypid <> 0
 where con.contype in ('p', 'u', 'f', 'c', 'x') and con.conparentid = 0 and (con.conislocal or con.coninhcount = 0)
   and (c.oid is not null or t.oid is not null)
union all
-- Indexes (not those that implement a constraint, which the constraint stands for; not partitions' attached ones).
select 'Index', ns.nspname, ns.nspname || '.' || ic.relname, r.kind || ':' || r.dname, ic.oid::bigint, r.ext,
       array['Definition', pg_get_indexdef(i.indexrelid), 'Status', case when not i.indisvalid then 'INVALID' end,
             'Comment', (select d.description from pg_description d where d.objoid = ic.oid and d.classoid = 'pg_class'::regclass and d.objsubid = 0)],
       array['Q', format('%I.%I', ns.nspname, ic.relname)]
  from pg_index i
  join pg_class ic on ic.oid = i.indexrelid
  join ns on ns.oid = ic.relnamespace
  join rel r on r.oid = i.indrelid
 where not exists (select 1 from pg_constraint con where con.conindid = i.indexrelid and con.conrelid = i.indrelid and con.contype in ('p', 'u', 'x'))
   and not exists (select 1 from pg_inherits h where h.inhrelid = i.indexrelid)
union all
-- Functions and procedures (PostgreSQL's own CREATE OR REPLACE text); aggregates by their parts.
select 'Function', ns.nspname, ns.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', null, p.oid::bigint,
       exists (select 1 from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e'),
       array['Definition', case when p.prokind = 'a'
                                then (select 'AGGREGATE ' || format('%I.%I', ns.nspname, p.proname) || '(' || pg_get_function_arguments(p.oid) || ') SFUNC '
                                             || ag.aggtransfn::regproc::text || ' STYPE ' || format_type(ag.aggtranstype, null)
                                             || coalesce(' FINALFUNC ' || nullif(ag.aggfinalfn, 0)::regproc::text, '')
                                             || coalesce(' INITCOND ' || quote_literal(ag.agginitval), '')
                                        from pg_aggregate ag where ag.aggfnoid = p.oid)
                                else pg_get_functiondef(p.oid) end,
             'Comment', (select d.description from pg_description d where d.objoid = p.oid and d.classoid = 'pg_proc'::regclass and d.objsubid = 0)],
       array['Q', format('%I.%I', ns.nspname, p.proname) || '(' || pg_get_function_identity_arguments(p.oid) || ')',
             'FunctionKind', p.prokind::text, 'Result', pg_get_function_result(p.oid)]
  from pg_proc p join ns on ns.oid = p.pronamespace
union all
-- Triggers (not internal ones, not partitions' clones).
select 'Trigger', r.nspname, r.dname || '.' || t.tgname, r.kind || ':' || r.dname, t.oid::bigint, r.ext,
       array['Definition', pg_get_triggerdef(t.oid),
             'Enabled', case t.tgenabled when 'D' then 'DISABLED' when 'R' then 'REPLICA' when 'A' then 'ALWAYS' end,
             'Comment', (select d.description from pg_description d where d.objoid = t.oid and d.classoid = 'pg_trigger'::regclass and d.objsubid = 0)],
       array['Q', quote_ident(t.tgname), 'QTable', r.qname]
  from pg_trigger t join rel r on r.oid = t.tgrelid
 where not t.tgisinternal and t.tgparentid = 0
union all
-- Row level security policies.
select 'Policy', r.nspname, r.dname || '.' || pol.polname, 'Table:' || r.dname, pol.oid::bigint, r.ext,
       array['Command', case pol.polcmd when 'r' then 'SELECT' when 'a' then 'INSERT' when 'w' then 'UPDATE' when 'd' then 'DELETE' else 'ALL' end,
             'Permissive', case when pol.polpermissive then 'PERMISSIVE' else 'RESTRICTIVE' end,
             'Roles', (select string_agg(g.name, ', ' order by g.name)
                         from (select case when u.r = 0 then 'public' else quote_ident(pg_get_userbyid(u.r)) end as name
                                 from unnest(pol.polroles) as u(r)) g),
             'Using', pg_get_expr(pol.polqual, pol.polrelid),
             'WithCheck', pg_get_expr(pol.polwithcheck, pol.polrelid),
             'Comment', (select d.description from pg_description d where d.objoid = pol.oid and d.classoid = 'pg_policy'::regclass and d.objsubid = 0)],
       array['Q', quote_ident(pol.polname), 'QTable', r.qname]
  from pg_policy pol join rel r on r.oid = pol.polrelid
union all
-- Grants: one object per (object, grantee) with the grantee's privileges, the owner's own left out (implied).
select 'Grant', g.nspname, g.dname || ' to ' || g.grantee_name, g.parent, g.ord, g.ext,
       array['Privileges', string_agg(g.privilege_type || case when g.is_grantable then ' WITH GRANT OPTION' else '' end, ', '
                                      order by g.privilege_type)],
       array['On', g.on_sql, 'Grantee', g.grantee_sql, 'Columns', g.col_sql]
  from (
      select a.nspname, a.dname, a.parent, a.ord, a.ext, a.on_sql, a.col_sql, x.privilege_type, x.is_grantable,
             case when x.grantee = 0 then 'PUBLIC' else pg_get_userbyid(x.grantee) end as grantee_name,
             case when x.grantee = 0 then 'PUBLIC' else quote_ident(pg_get_userbyid(x.grantee)) end as grantee_sql
        from (
            select r.nspname, r.dname, r.kind || ':' || r.dname as parent, r.oid::bigint as ord, r.ext,
                   case when r.relkind = 'S' then 'SEQUENCE ' else 'TABLE ' end || r.qname as on_sql, null::text as col_sql,
                   coalesce(r.relacl, acldefault(case when r.relkind = 'S' then 's'::"char" else 'r'::"char" end, r.relowner)) as acl,
                   r.relowner as owner
              from rel r
             where r.relkind <> 'S' or not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = r.oid and d.deptype = 'i')
            union all
            select r.nspname, r.dname || '.' || a.attname, 'Column:' || r.dname || '.' || a.attname, r.oid::bigint * 2048 + a.attnum, r.ext,
                   'TABLE ' || r.qname, quote_ident(a.attname), a.attacl, r.relowner
              from rel r join pg_attribute a on a.attrelid = r.oid and a.attnum > 0 and not a.attisdropped
             where a.attacl is not null
            union all
            select ns.nspname, ns.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
                   'Function:' || ns.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', p.oid::bigint,
                   exists (select 1 from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e'),
                   case when p.prokind = 'p' then 'PROCEDURE ' else 'FUNCTION ' end || format('%I.%I', ns.nspname, p.proname) || '(' || pg_get_function_identity_arguments(p.oid) || ')',
                   null, coalesce(p.proacl, acldefault('f', p.proowner)), p.proowner
              from pg_proc p join ns on ns.oid = p.pronamespace
            union all
            select ns.nspname, ns.nspname, 'Schema:' || ns.nspname, ns.oid::bigint, false,
                   'SCHEMA ' || quote_ident(ns.nspname), null, coalesce(n.nspacl, acldefault('n', n.nspowner)), n.nspowner
              from ns join pg_namespace n on n.oid = ns.oid
        ) a
        cross join lateral aclexplode(a.acl) x
       where x.grantee <> a.owner
  ) g
 group by g.nspname, g.dname, g.parent, g.ord, g.ext, g.on_sql, g.col_sql, g.grantee_name, g.grantee_sql;
