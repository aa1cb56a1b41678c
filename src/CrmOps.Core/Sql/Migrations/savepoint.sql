-- A savepoint that Test-CrmMigration -RoundTrip returns to after each rehearsed migration.
savepoint crmops_round_trip;
