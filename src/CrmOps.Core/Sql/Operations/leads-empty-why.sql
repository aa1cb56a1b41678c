-- Why a lead query found nobody: the as-of instant of the last whole scoring run (none: never scored by CrmOps)
-- and the newest order.
SELECT CASE WHEN to_regclass('crmops.scoring_runs') IS NOT NULL
            THEN (SELECT as_of FROM crmops.scoring_runs WHERE mode IN ('Full', 'Targeted') ORDER BY started_at DESC, id DESC LIMIT 1) END AS as_of,
       (SELECT max(last_order_at) FROM public.customer_engagement_metrics) AS newest_order;
