-- One batch of a full recalculation: the customers with @from <= id < @to (@to null: no upper
-- bound), scored as of @as_of by lead_score_components(). Writes only the rows whose score or
-- components change; updated_at is left alone, and this score-column-only UPDATE does not fire the
-- profile trigger. Profiles with and without an engagement row are disjoint: two UPDATEs, one pass.
WITH with_metrics AS (
    UPDATE public.customer_profiles p
       SET lead_score = c.lead_score, rfm_recency = c.recency, rfm_frequency = c.frequency,
           rfm_monetary = c.monetary, last_scored_at = @as_of
      FROM public.customer_engagement_metrics m
     CROSS JOIN LATERAL public.lead_score_components(m.last_order_at, m.lifetime_orders, m.lifetime_net, @as_of) c
     WHERE m.customer_id = p.id
       AND p.id >= @from AND (@to::uuid IS NULL OR p.id < @to)
       AND m.customer_id >= @from AND (@to::uuid IS NULL OR m.customer_id < @to)
       AND (p.lead_score, p.rfm_recency, p.rfm_frequency, p.rfm_monetary)
           IS DISTINCT FROM (c.lead_score, c.recency, c.frequency, c.monetary)
    RETURNING 1
), without_metrics AS (
    UPDATE public.customer_profiles p
       SET lead_score = c.lead_score, rfm_recency = c.recency, rfm_frequency = c.frequency,
           rfm_monetary = c.monetary, last_scored_at = @as_of
      FROM public.lead_score_components(NULL, NULL, NULL, @as_of) c
     WHERE p.id >= @from AND (@to::uuid IS NULL OR p.id < @to)
       AND NOT EXISTS (SELECT 1 FROM public.customer_engagement_metrics m WHERE m.customer_id = p.id)
       AND (p.lead_score, p.rfm_recency, p.rfm_frequency, p.rfm_monetary)
           IS DISTINCT FROM (c.lead_score, c.recency, c.frequency, c.monetary)
    RETURNING 1
)
SELECT (SELECT count(*) FROM with_metrics) + (SELECT count(*) FROM without_metrics);
