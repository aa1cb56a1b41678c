-- Versions of one migration set ($1: 'builtin' or 'project') whose latest row is a run without a transaction that did
-- not finish: its start row (written before the first statement) or its failure row. Some of its statements may be
-- applied; Set-CrmMigrationState settles it. Rows of an older CrmOps carry no set: classified as history.sql does
-- ($2 versions, $3 names of the built-in files). {history} is the history table (Bookkeeping.Locate).
select version, direction, applied_at, applied_by, coalesce(message, '')
from (select distinct on (version) version, direction, applied_at, applied_by, message, success, transactional
      from (select h.id, h.version, h.direction, h.applied_at, h.applied_by, h.message, h.success, h.transactional,
                   coalesce(to_jsonb(h) ->> 'migration_set',
                            case when exists (select 1 from unnest($2::text[], $3::text[]) b(version, name)
                                              where b.version = h.version and b.name = h.name)
                                 then 'builtin' else 'project' end) as migration_set
            from {history} h) x
      where migration_set = $1
      order by version, id desc) latest
where not success and not transactional;
