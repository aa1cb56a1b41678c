-- Whether any history row still lacks its migration set (rows of an older CrmOps): only then does classify.sql run,
-- so a role that may insert history rows but not update them never needs to.
select exists (select 1 from supabase_migrations.crmops_migration_history where migration_set is null);
