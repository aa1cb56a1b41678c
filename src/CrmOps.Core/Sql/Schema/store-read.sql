-- One recorded snapshot (by id; the newest when $1 is null).
select id, taken_at, taken_by, source, version, direction, applied, server_version, objects, digest, snapshot
  from {table}
 where $1::bigint is null or id = $1
 order by id desc
 limit 1;
