-- Can the relation be read? A materialized view that was never refreshed (WITH NO DATA) cannot.
SELECT c.relispopulated
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = @schema AND c.relname = @name;
