-- After each statement of a migration: the engine's lock_timeout again, for this transaction, whatever the statement set
-- (reset all, SET lock_timeout = 0, pg_dump's header).
select set_config('lock_timeout', $1, true);
