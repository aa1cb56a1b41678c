-- The state of each version: its latest successful row.
select distinct on (version) version, name, checksum, direction, applied_at, applied_by, transactional
from crmops.migration_history
where success
order by version, id desc;
