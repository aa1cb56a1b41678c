-- After a migration's own statements: every setting the file changed (search_path, lock_timeout, statement_timeout...)
-- back to the session's default, so that nothing outlives the migration on this connection (through a transaction-mode
-- pooler it would reach other clients). CrmOps' own settings are applied again right after.
reset all;
