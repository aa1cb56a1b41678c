-- Keeps the newest $1 snapshots.
delete from {table}
 where id <= (select id from {table} order by id desc offset $1 limit 1);
