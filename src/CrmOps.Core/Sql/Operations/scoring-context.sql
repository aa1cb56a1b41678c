-- What a scoring run checks its as-of instant against: the database's reference date (the setting
-- crmops.reference_date, which a sandbox records: the day its sample data describes) and the newest order. The
-- setting is read from the session, else from the database's stored settings (a session that started before
-- ALTER DATABASE ... SET does not have it).
SELECT coalesce(nullif(current_setting('crmops.reference_date', true), ''),
                (SELECT substr(cfg, length('crmops.reference_date=') + 1)
                   FROM pg_catalog.pg_db_role_setting s, unnest(s.setconfig) AS cfg
                  WHERE s.setrole = 0
                    AND s.setdatabase = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
                    AND cfg LIKE 'crmops.reference\_date=%'
                  LIMIT 1))                                            AS reference_date,
       (SELECT max(last_order_at) FROM public.customer_engagement_metrics) AS newest_order;
