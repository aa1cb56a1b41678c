-- Rows written before migration sets existed: a row whose version and name are those of a built-in migration file
-- ($1 versions, $2 names) belongs to the built-in set, every other row to the project's folder.
update supabase_migrations.crmops_migration_history h
   set migration_set = case when exists (select 1 from unnest($1::text[], $2::text[]) b(version, name)
                                         where b.version = h.version and b.name = h.name)
                            then 'builtin' else 'project' end
 where migration_set is null;
