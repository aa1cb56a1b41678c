-- Leads for a CSV export (COPY ... TO STDOUT, so no bind parameters: {scores} and {limit} are
-- replaced by integers computed in code). Column names match CrmLead's properties; dates are
-- ISO 8601 in UTC.
COPY (
SELECT p.id AS "CustomerId", p.canonical_full_name AS "FullName", e.email AS "Email", p.lead_score AS "LeadScore",
       CASE WHEN p.lead_score >= 24 THEN 'Hot' WHEN p.lead_score >= 18 THEN 'Warm'
            WHEN p.lead_score >= 12 THEN 'Cool' ELSE 'Cold' END AS "Segment",
       p.rfm_recency AS "Recency", p.rfm_frequency AS "Frequency", p.rfm_monetary AS "Monetary",
       coalesce(m.lifetime_orders, 0) AS "LifetimeOrders", coalesce(m.lifetime_net, 0) AS "LifetimeNet",
       to_char(m.last_order_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "LastOrderAt",
       to_char(p.last_scored_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "LastScoredAt"
  FROM public.customer_profiles p
  LEFT JOIN public.customer_emails e ON e.customer_id = p.id AND e.is_primary
  LEFT JOIN public.customer_engagement_metrics m ON m.customer_id = p.id
 WHERE p.lead_score IS NOT NULL
   AND p.lead_score = ANY ({scores})
 ORDER BY p.lead_score DESC, (m.lifetime_net * 100)::bigint DESC NULLS LAST, p.id{limit}
) TO STDOUT WITH (FORMAT csv, HEADER true)
