-- Do CrmOps' operational log tables exist yet, with the columns this version writes (ops-schema.sql creates or completes them)?
select to_regclass('crmops.refresh_log') is not null and to_regclass('crmops.scoring_runs') is not null
   and to_regclass('crmops.score_changes') is not null
   and (select count(*) from pg_attribute
         where not attisdropped
           and ((attrelid = to_regclass('crmops.refresh_log') and attname = 'trigger')
             or (attrelid = to_regclass('crmops.scoring_runs') and attname in ('trigger', 'status')))) = 3;
