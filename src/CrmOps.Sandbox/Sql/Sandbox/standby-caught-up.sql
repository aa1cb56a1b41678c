-- On the standby: streaming from its primary, and replayed at least up to @target (the primary's position when it started).
SELECT coalesce((SELECT status = 'streaming' FROM pg_stat_wal_receiver), false)
       AND pg_last_wal_replay_lsn() >= @target::pg_lsn AS caught_up,
       (SELECT status FROM pg_stat_wal_receiver) AS receiver_status;
