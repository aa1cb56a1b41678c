rollback to savepoint crmops_schema_snapshot;
