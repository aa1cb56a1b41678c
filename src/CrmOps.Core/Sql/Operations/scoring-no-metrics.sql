-- The last step of a full recalculation: profiles with no engagement row (never ordered) get the
-- rules' score for no orders, as of @as_of. Writes only rows whose score changes.
UPDATE public.customer_profiles p
   SET lead_score = c.lead_score, rfm_recency = c.recency, rfm_frequency = c.frequency,
       rfm_monetary = c.monetary, last_scored_at = @as_of
  FROM public.lead_score_components(NULL, NULL, NULL, @as_of) c
 WHERE NOT EXISTS (SELECT 1 FROM public.customer_engagement_metrics m WHERE m.customer_id = p.id)
   AND (p.lead_score, p.rfm_recency, p.rfm_frequency, p.rfm_monetary)
       IS DISTINCT FROM (c.lead_score, c.recency, c.frequency, c.monetary);
