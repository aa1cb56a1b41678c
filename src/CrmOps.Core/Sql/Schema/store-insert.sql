insert into {table} (client, source, version, direction, applied, server_version, objects, digest, format, snapshot)
values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
returning id, taken_at, taken_by;
