-- Customers in the chosen score range, best first (score, then lifetime net; the net compared as
-- whole cents, a bigint: the same order as numeric(12,2), and a sort about twice as fast).
SELECT p.id, p.canonical_full_name, e.email, p.lead_score, p.rfm_recency, p.rfm_frequency, p.rfm_monetary,
       coalesce(m.lifetime_orders, 0), coalesce(m.lifetime_net, 0), m.last_order_at, p.last_scored_at
  FROM public.customer_profiles p
  LEFT JOIN public.customer_emails e ON e.customer_id = p.id AND e.is_primary
  LEFT JOIN public.customer_engagement_metrics m ON m.customer_id = p.id
 WHERE p.lead_score IS NOT NULL
   AND p.lead_score = ANY (@scores)
 ORDER BY p.lead_score DESC, (m.lifetime_net * 100)::bigint DESC NULLS LAST, p.id
 LIMIT @top OFFSET @skip;
