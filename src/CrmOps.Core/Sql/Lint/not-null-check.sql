-- Test-CrmMigration -Lint (setting-not-null): a validated CHECK (column IS NOT NULL) on the table lets
-- SET NOT NULL skip its full scan (PostgreSQL 12+).
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint
                WHERE conrelid = $1::oid AND contype = 'c' AND convalidated
                  AND pg_catalog.pg_get_constraintdef(oid) = pg_catalog.format('CHECK ((%s IS NOT NULL))', pg_catalog.quote_ident($2)));
