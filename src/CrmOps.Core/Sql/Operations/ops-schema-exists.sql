-- Do CrmOps' operational log tables exist yet (ops-schema.sql creates them)?
select to_regclass('crmops.refresh_log') is not null and to_regclass('crmops.scoring_runs') is not null;
