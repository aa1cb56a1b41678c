-- Recorded snapshots, newest first, without their content.
select id, taken_at, taken_by, source, version, direction, applied, server_version, objects, digest
  from {table}
 order by id desc
 limit $1;
