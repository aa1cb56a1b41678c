-- Records the day the sample data describes as the database's setting crmops.reference_date ({date}: yyyy-MM-dd,
-- computed in code from SampleDataDefaults.AsOf): Update-CrmLeadScore without -AsOf scores as of it, so that a fresh
-- sandbox's natural flow (migrate, refresh, score, export Hot) gives the seed's segments, not "everyone is Cold".
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET crmops.reference_date = %L', current_database(), '{date}');
END
$$;
