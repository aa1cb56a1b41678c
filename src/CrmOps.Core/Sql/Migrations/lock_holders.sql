-- Who holds locks on the relations a statement needed (asked from a second connection after a lock_timeout).
select l.relation::regclass::text as relation, l.mode, a.pid, coalesce(a.application_name, '') as application,
       coalesce(a.usename::text, '') as username, coalesce(a.state, '') as state,
       left(regexp_replace(coalesce(a.query, ''), '\s+', ' ', 'g'), 120) as query
from pg_locks l
join pg_stat_activity a on a.pid = l.pid
where l.locktype = 'relation' and l.granted and l.pid <> pg_backend_pid()
  and l.database = (select oid from pg_database where datname = current_database())
  and (cardinality($1::text[]) = 0 and l.mode in ('AccessExclusiveLock', 'ExclusiveLock', 'ShareRowExclusiveLock', 'ShareLock', 'RowExclusiveLock')
       and l.relation >= 16384
       or l.relation = any (select to_regclass(t) from unnest($1::text[]) t))
order by l.relation::regclass::text, a.pid
limit 10;
