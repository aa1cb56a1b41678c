-- Scoring yields to the application: should a batch and an application transaction deadlock, the
-- batch (which notices first, after 50 ms instead of the server's deadlock_timeout) is the one
-- aborted, and it is retried. deadlock_timeout needs superuser rights; without them this is a no-op.
DO $$
BEGIN
    PERFORM set_config('deadlock_timeout', '50ms', true);
EXCEPTION WHEN insufficient_privilege THEN
    NULL;
END
$$;
