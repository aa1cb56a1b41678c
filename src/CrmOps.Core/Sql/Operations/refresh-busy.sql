-- Is another session refreshing (EXCLUSIVE) or altering/refreshing in blocking mode (ACCESS
-- EXCLUSIVE) this materialized view, or waiting to? Readers (ACCESS SHARE) do not count.
SELECT EXISTS (
    SELECT 1 FROM pg_locks
     WHERE locktype = 'relation' AND relation = @oid::oid
       AND mode IN ('ExclusiveLock', 'AccessExclusiveLock', 'ShareRowExclusiveLock', 'ShareLock')
       AND pid <> pg_backend_pid());
