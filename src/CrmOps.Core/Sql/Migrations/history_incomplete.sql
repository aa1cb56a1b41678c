-- Versions whose latest row is a run without a transaction that did not finish: its start row (written before the
-- first statement) or its failure row. Some of its statements may be applied; Set-CrmMigrationState settles it.
select version, direction, applied_at, applied_by, coalesce(message, '')
from (select distinct on (version) version, direction, applied_at, applied_by, message, success, transactional
      from crmops.migration_history
      order by version, id desc) latest
where not success and not transactional;
