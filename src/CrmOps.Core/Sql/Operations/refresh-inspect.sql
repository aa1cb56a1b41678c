-- What a refresh needs to know about a materialized view: does it exist, is it populated, and
-- does it have a unique index on plain columns (the condition for REFRESH ... CONCURRENTLY).
SELECT c.oid::bigint                       AS oid,
       n.nspname                           AS schema_name,
       c.relname                           AS view_name,
       c.relkind::text                     AS relkind,
       c.relispopulated                    AS populated,
       EXISTS (SELECT 1 FROM pg_index i
                WHERE i.indrelid = c.oid AND i.indisunique AND i.indisvalid
                  AND i.indpred IS NULL AND i.indexprs IS NULL) AS has_unique_index
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = @schema AND c.relname = @name;
