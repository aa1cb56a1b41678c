-- Get-CrmColumn: the columns of one table, view or materialized view, in one round trip.
-- Types as PostgreSQL prints them (format_type), defaults as written (pg_get_expr), primary key
-- membership, and the foreign-key target of each column (schema.table(column)).
SELECT n.nspname::text AS schema_name,
       c.relname::text AS table_name,
       a.attname::text AS column_name,
       a.attnum::int AS position,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS data_type,
       NOT a.attnotnull AS is_nullable,
       pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) AS default_expr,
       EXISTS (SELECT 1 FROM pg_catalog.pg_constraint pk
               WHERE pk.conrelid = c.oid AND pk.contype = 'p' AND a.attnum = ANY (pk.conkey)) AS is_primary_key,
       (SELECT string_agg(format('%s.%s(%s)', fn.nspname, ft.relname, fa.attname), ', ' ORDER BY fk.conname)
        FROM pg_catalog.pg_constraint fk
        JOIN pg_catalog.pg_class ft ON ft.oid = fk.confrelid
        JOIN pg_catalog.pg_namespace fn ON fn.oid = ft.relnamespace
        JOIN pg_catalog.pg_attribute fa ON fa.attrelid = fk.confrelid
                                       AND fa.attnum = fk.confkey[array_position(fk.conkey, a.attnum)]
        WHERE fk.conrelid = c.oid AND fk.contype = 'f' AND a.attnum = ANY (fk.conkey)) AS references_target,
       d.description,
       a.attidentity <> '' AS is_identity,
       a.attidentity::text AS identity_kind,
       a.attgenerated::text AS generated_kind
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum
LEFT JOIN pg_catalog.pg_description d ON d.objoid = c.oid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = a.attnum
WHERE n.nspname = @schema
  AND c.relname = @name
  AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
ORDER BY a.attnum;
