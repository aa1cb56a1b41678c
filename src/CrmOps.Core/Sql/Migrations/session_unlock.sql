-- Releases try_session_lock.sql's lock when the run without a transaction has finished.
select pg_advisory_unlock(hashtext('crmops:migrations')::bigint);
