-- Get-CrmDbObject: every object kind in one round trip, straight from pg_catalog (no locks taken).
-- @schema_res: anchored regexes for the schemas to read (~*); @pair_schema_res/@name_res: pairs
-- of (schema regex, name regex), an object is listed when it matches any pair (no pairs: all);
-- @kinds: wanted types ('Table','View',...; empty: all).
-- Sizes come from relpages (as of the last VACUUM/ANALYZE/CREATE INDEX): reading pg_catalog never
-- locks a table, unlike pg_total_relation_size, which would lock every table listed.
WITH ns AS (
    SELECT n.oid, n.nspname
    FROM pg_catalog.pg_namespace n
    WHERE n.nspname ~* ANY (@schema_res)
      AND n.nspname !~ '^pg_toast'
      -- system schemas only when named exactly, never through a wildcard (-Schema *)
      AND (n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' OR n.nspname = ANY (@exact_schemas))
),
rel AS (
    SELECT ns.nspname AS schema_name,
           c.relname::text AS object_name,
           CASE c.relkind WHEN 'r' THEN 'Table' WHEN 'p' THEN 'PartitionedTable' WHEN 'v' THEN 'View'
                          WHEN 'm' THEN 'MaterializedView' WHEN 'i' THEN 'Index' WHEN 'I' THEN 'Index'
                          WHEN 'S' THEN 'Sequence' WHEN 'f' THEN 'ForeignTable' END AS object_type,
           CASE WHEN c.relkind IN ('r', 'm', 'i', 'f') AND c.reltuples >= 0 THEN round(c.reltuples)::bigint
                WHEN c.relkind = 'p' THEN (SELECT CASE WHEN count(*) > 0 AND bool_and(k.reltuples >= 0) THEN round(sum(k.reltuples))::bigint END
                                           FROM pg_catalog.pg_inherits h JOIN pg_catalog.pg_class k ON k.oid = h.inhrelid
                                           WHERE h.inhparent = c.oid) END AS estimated_rows,
           CASE WHEN c.relkind IN ('r', 'm') AND c.reltuples < 0 AND c.relpages = 0 THEN NULL
                WHEN c.relkind IN ('r', 'm', 'i', 'I', 'S', 'f', 'p') THEN
                    (c.relpages::bigint
                     + coalesce((SELECT t.relpages FROM pg_catalog.pg_class t WHERE t.oid = c.reltoastrelid), 0)
                     + CASE WHEN c.relkind IN ('r', 'm') THEN coalesce((SELECT sum(x.relpages) FROM pg_catalog.pg_index ix
                                                                       JOIN pg_catalog.pg_class x ON x.oid = ix.indexrelid
                                                                       WHERE ix.indrelid = c.oid), 0) ELSE 0 END
                    )::bigint * current_setting('block_size')::bigint
           END AS size_bytes,
           pg_catalog.pg_get_userbyid(c.relowner)::text AS owner,
           d.description,
           CASE WHEN c.relkind IN ('i', 'I') THEN (SELECT t.relname::text FROM pg_catalog.pg_index ix JOIN pg_catalog.pg_class t ON t.oid = ix.indrelid WHERE ix.indexrelid = c.oid) END AS parent,
           NULL::text AS definition
    FROM pg_catalog.pg_class c
    JOIN ns ON ns.oid = c.relnamespace
    LEFT JOIN pg_catalog.pg_description d ON d.objoid = c.oid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'i', 'I', 'S', 'f')
      AND (cardinality(@name_res) = 0 OR EXISTS (SELECT 1 FROM unnest(@pair_schema_res, @name_res) AS q(s, r) WHERE ns.nspname ~* q.s AND c.relname ~* q.r))
),
fn AS (
    SELECT ns.nspname, p.proname::text,
           CASE p.prokind WHEN 'p' THEN 'Procedure' ELSE 'Function' END,
           NULL::bigint, NULL::bigint,
           pg_catalog.pg_get_userbyid(p.proowner)::text,
           d.description,
           pg_catalog.pg_get_function_identity_arguments(p.oid),
           NULL::text
    FROM pg_catalog.pg_proc p
    JOIN ns ON ns.oid = p.pronamespace
    LEFT JOIN pg_catalog.pg_description d ON d.objoid = p.oid AND d.classoid = 'pg_catalog.pg_proc'::regclass AND d.objsubid = 0
    WHERE p.prokind IN ('f', 'p')
      AND (cardinality(@kinds) = 0 OR 'Function' = ANY (@kinds) OR 'Procedure' = ANY (@kinds))
      AND (cardinality(@name_res) = 0 OR EXISTS (SELECT 1 FROM unnest(@pair_schema_res, @name_res) AS q(s, r) WHERE ns.nspname ~* q.s AND p.proname ~* q.r))
),
trg AS (
    SELECT ns.nspname, t.tgname::text, 'Trigger',
           NULL::bigint, NULL::bigint,
           pg_catalog.pg_get_userbyid(c.relowner)::text,
           d.description,
           c.relname::text,
           pg_catalog.pg_get_triggerdef(t.oid)
    FROM pg_catalog.pg_trigger t
    JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
    JOIN ns ON ns.oid = c.relnamespace
    LEFT JOIN pg_catalog.pg_description d ON d.objoid = t.oid AND d.classoid = 'pg_catalog.pg_trigger'::regclass AND d.objsubid = 0
    WHERE NOT t.tgisinternal
      AND (cardinality(@kinds) = 0 OR 'Trigger' = ANY (@kinds))
      AND (cardinality(@name_res) = 0 OR EXISTS (SELECT 1 FROM unnest(@pair_schema_res, @name_res) AS q(s, r) WHERE ns.nspname ~* q.s AND t.tgname ~* q.r))
)
SELECT * FROM (
    SELECT * FROM rel
    UNION ALL SELECT * FROM fn
    UNION ALL SELECT * FROM trg
) o
WHERE cardinality(@kinds) = 0 OR o.object_type = ANY (@kinds)
ORDER BY o.schema_name, o.object_name, o.object_type;
