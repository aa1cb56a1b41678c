-- Back to the schema before the rehearsed migration (see savepoint.sql).
rollback to savepoint crmops_round_trip;
