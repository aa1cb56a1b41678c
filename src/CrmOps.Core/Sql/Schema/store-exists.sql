select to_regclass('crmops.schema_snapshots') is not null;
