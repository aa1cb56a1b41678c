-- Keeps the newest $1 snapshots.
delete from crmops.schema_snapshots
 where id <= (select id from crmops.schema_snapshots order by id desc offset $1 limit 1);
