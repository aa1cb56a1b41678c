-- The state of each version of one migration set ($1: 'builtin' or 'project'): its latest successful row. Rows of an
-- older CrmOps carry no set yet: they are classified as Sql/Bookkeeping/classify.sql does ($2 versions, $3 names of
-- the built-in files). {history} is the history table (Bookkeeping.Locate: the current one, or crmops.migration_history
-- of an older CrmOps before its first write moves it); to_jsonb reads the columns an older table may lack.
select distinct on (version) version, name, checksum, direction, applied_at, applied_by, transactional, adopted_as
from (select h.id, h.version, h.name, h.checksum, h.direction, h.applied_at, h.applied_by, h.transactional,
             to_jsonb(h) ->> 'adopted_as' as adopted_as,
             coalesce(to_jsonb(h) ->> 'migration_set',
                      case when exists (select 1 from unnest($2::text[], $3::text[]) b(version, name)
                                        where b.version = h.version and b.name = h.name)
                           then 'builtin' else 'project' end) as migration_set
      from {history} h
      where h.success) x
where migration_set = $1
order by version, id desc;
