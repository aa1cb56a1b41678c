-- What a recalculation as of @as_of would do, nothing written: how many customers it would change, and the segment
-- counts the table would have afterwards (the customers in scope with their new scores, the others as they are).
-- Scope: @ids, or everyone.
WITH scope AS (
    SELECT c.lead_score AS score,
           (p.lead_score, p.rfm_recency, p.rfm_frequency, p.rfm_monetary)
               IS DISTINCT FROM (c.lead_score, c.recency, c.frequency, c.monetary) AS changes
      FROM public.customer_profiles p
      LEFT JOIN public.customer_engagement_metrics m ON m.customer_id = p.id
     CROSS JOIN LATERAL public.lead_score_components(m.last_order_at, m.lifetime_orders, m.lifetime_net, @as_of) c
     WHERE @ids::uuid[] IS NULL OR p.id = ANY (@ids::uuid[])
), projected AS (
    SELECT score FROM scope
    UNION ALL
    SELECT p.lead_score FROM public.customer_profiles p
     WHERE @ids::uuid[] IS NOT NULL AND NOT (p.id = ANY (@ids::uuid[]))
)
SELECT (SELECT count(*) FILTER (WHERE changes) FROM scope)  AS changed,
       (SELECT count(*) FROM scope)                         AS customers,
       count(*) FILTER (WHERE score >= 24)                  AS hot,
       count(*) FILTER (WHERE score BETWEEN 18 AND 23)      AS warm,
       count(*) FILTER (WHERE score BETWEEN 12 AND 17)      AS cool,
       count(*) FILTER (WHERE score <= 11)                  AS cold
  FROM projected;
