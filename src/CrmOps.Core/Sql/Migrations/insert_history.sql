insert into supabase_migrations.crmops_migration_history
       (version, name, checksum, direction, client, duration, success, transactional, mode, statements, message, migration_set, adopted_as)
values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
returning id;
