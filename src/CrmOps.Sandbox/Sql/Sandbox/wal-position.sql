-- The primary's current WAL position: what a new standby must have replayed before it counts as caught up.
SELECT pg_current_wal_lsn()::text;
