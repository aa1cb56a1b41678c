-- Test-CrmMigration -Lint (refresh-not-concurrent): a materialized view can be refreshed CONCURRENTLY when it has
-- a valid unique index on plain columns with no WHERE clause.
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_index i
                WHERE i.indrelid = $1::oid AND i.indisunique AND i.indisvalid
                  AND i.indpred IS NULL AND i.indexprs IS NULL);
