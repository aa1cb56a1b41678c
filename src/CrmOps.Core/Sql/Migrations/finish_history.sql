-- The end of a run without a transaction, written into its start row (one row per run): how it ended and how long it took.
update supabase_migrations.crmops_migration_history
   set success = $2, duration = $3, message = $4
 where id = $1;
