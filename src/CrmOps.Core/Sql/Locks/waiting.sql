-- What backend @pid is waiting for right now, and who blocks it (no row when it waits for no lock). A row lock
-- shows as a wait on the holder's transaction; the tuple lock the waiter holds names its table. pg_blocking_pids()
-- is called only while the backend waits.
WITH waiting AS (
    SELECT l.locktype, l.mode,
           coalesce(l.relation, (SELECT t.relation FROM pg_catalog.pg_locks t
                                  WHERE t.pid = l.pid AND t.locktype = 'tuple' AND t.granted LIMIT 1)) AS rel
      FROM pg_catalog.pg_locks l
     WHERE l.pid = @pid AND NOT l.granted
     LIMIT 1
)
SELECT w.locktype,
       w.mode,
       w.rel::regclass::text                                                        AS relation,
       b.pid,
       coalesce(b.usename::text, '')                                                AS username,
       coalesce(b.application_name, '')                                             AS application,
       coalesce(b.state, '')                                                        AS state,
       extract(epoch FROM now() - coalesce(b.xact_start, b.backend_start))::bigint AS open_seconds,
       left(regexp_replace(coalesce(b.query, ''), '\s+', ' ', 'g'), 100)            AS query,
       (SELECT string_agg(DISTINCT h.mode, '+') FROM pg_catalog.pg_locks h
         WHERE h.pid = b.pid AND h.granted AND h.relation = w.rel)                  AS held_mode
  FROM waiting w
  LEFT JOIN LATERAL unnest(pg_catalog.pg_blocking_pids(@pid)) AS bp(pid) ON true
  LEFT JOIN pg_catalog.pg_stat_activity b ON b.pid = bp.pid
 ORDER BY b.pid;
