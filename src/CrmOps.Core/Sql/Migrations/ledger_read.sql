-- The ledger as the CLI reads it (history.go:23 SELECT_VERSION_TABLE: version, coalesce(name, ''), statements);
-- to_jsonb reads name and statements when an older ledger lacks the columns.
select m.version::text,
       coalesce(to_jsonb(m) ->> 'name', '') as name,
       case when jsonb_typeof(to_jsonb(m) -> 'statements') = 'array'
            then array(select jsonb_array_elements_text(to_jsonb(m) -> 'statements')) end as statements
from supabase_migrations.schema_migrations m
order by m.version;
