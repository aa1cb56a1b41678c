-- Transaction-level advisory lock (works through PgBouncer in transaction mode): held until this transaction ends.
select pg_try_advisory_xact_lock(hashtext('crmops:migrations')::bigint);
