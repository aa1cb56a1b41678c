-- Only one CrmOps refresh of a view at a time: a transaction-level advisory lock in namespace @ns (CRMR), keyed by the view's oid.
select pg_try_advisory_xact_lock(@ns, @oid::int);
