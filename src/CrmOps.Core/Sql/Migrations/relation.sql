-- Resolves a (quoted) table name the way the migration would (search_path); relkind r/p/m/f are row sources.
select n.nspname, c.relname, c.relkind::text
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where c.oid = to_regclass($1);
