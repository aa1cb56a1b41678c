-- The versions applied now, whatever their migration set: those whose latest successful row in CrmOps' history
-- ({history}, Bookkeeping.Locate) is 'up', and, when {ledger} is set, those in Supabase's ledger too.
select version from (select distinct on (version) version, direction from {history} where success order by version, id desc) h
where direction = 'up'
{ledger}
