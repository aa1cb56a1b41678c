-- Test-CrmMigration -Lint: whether a type converts to another without any function (pg_cast castmethod 'b',
-- "binary coercible"): ALTER COLUMN ... TYPE then keeps the table's files (no rewrite) unless a typmod shrinks.
SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_cast
                WHERE castsource = $1::oid AND casttarget = $2::oid AND castmethod = 'b');
