-- Who holds a lock on the view (asked from a second connection after a refresh's lock_timeout).
select string_agg(format('pid %s (%s, %s, %s)', a.pid, coalesce(a.usename, '?'), l.mode, left(coalesce(a.query, ''), 60)), '; ')
  from pg_locks l
  join pg_stat_activity a on a.pid = l.pid
 where l.relation = @oid::oid and l.granted and a.pid <> pg_backend_pid();
