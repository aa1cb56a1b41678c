-- Recorded snapshots, newest first, without their content.
select id, taken_at, taken_by, source, version, direction, applied, server_version, objects, digest
  from crmops.schema_snapshots
 order by id desc
 limit $1;
