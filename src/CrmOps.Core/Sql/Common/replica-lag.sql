-- Where a read replica stands: in recovery at all (a promoted replica is not), how many seconds of the
-- primary's work it has not replayed, and whether replay is paused. Caught up when it has replayed everything
-- its WAL receiver got; otherwise (WAL waiting for replay, or no WAL receiver, so nothing says it is current) the
-- time since the last transaction it replayed: an upper bound, so a doubtful replica is never taken for a fresh one.
SELECT pg_is_in_recovery() AS in_recovery,
       CASE WHEN NOT pg_is_in_recovery() THEN 0::float8
            WHEN EXISTS (SELECT FROM pg_stat_wal_receiver) AND pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0::float8
            ELSE coalesce(extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp())::float8, 'Infinity'::float8)
       END AS lag_seconds,
       CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() ELSE false END AS replay_paused,
       EXISTS (SELECT FROM pg_stat_wal_receiver) AS receiving;
