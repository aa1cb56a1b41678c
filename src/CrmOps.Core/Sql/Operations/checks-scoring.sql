-- Scores against a recomputation as of the last run's instant: how many disagree.
SELECT count(*) FILTER (WHERE (p.lead_score, p.rfm_recency, p.rfm_frequency, p.rfm_monetary)
                              IS DISTINCT FROM (c.lead_score, c.recency, c.frequency, c.monetary)) AS disagreeing
  FROM public.customer_profiles p
  LEFT JOIN public.customer_engagement_metrics m ON m.customer_id = p.id
 CROSS JOIN LATERAL public.lead_score_components(m.last_order_at, m.lifetime_orders, m.lifetime_net, @as_of) c;
