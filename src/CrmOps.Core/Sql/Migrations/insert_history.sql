insert into crmops.migration_history (version, name, checksum, direction, client, duration, success, transactional, mode, statements, message)
values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
returning id;
