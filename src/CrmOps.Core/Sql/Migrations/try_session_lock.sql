-- Session-level advisory lock of a run without a transaction, on a dedicated connection, held across its statements.
-- The same key as try_lock.sql: transactional runs and runs without a transaction exclude each other.
select pg_try_advisory_lock(hashtext('crmops:migrations')::bigint);
