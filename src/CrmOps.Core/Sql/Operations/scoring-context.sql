-- What a scoring run checks its as-of instant against: the database's reference date (the setting
-- crmops.reference_date, which a sandbox records with ALTER DATABASE ... SET: the day its sample data describes) and
-- the newest order. The setting is read from the catalog, as stored now for this database (a role's own setting in
-- it first): a session that started before the setting was set or reset has an outdated copy.
SELECT (SELECT substr(cfg, length('crmops.reference_date=') + 1)
          FROM pg_catalog.pg_db_role_setting s, unnest(s.setconfig) AS cfg
         WHERE s.setdatabase = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
           AND s.setrole IN (0, (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = current_user))
           AND cfg LIKE 'crmops.reference\_date=%'
         ORDER BY s.setrole DESC
         LIMIT 1)                                                    AS reference_date,
       (SELECT max(last_order_at) FROM public.customer_engagement_metrics) AS newest_order;
