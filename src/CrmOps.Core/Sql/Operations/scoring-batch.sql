-- One keyset batch of a full recalculation: score up to @batch_size customers after @after (by
-- id) as of @as_of, and write only the rows whose score or components change. updated_at is
-- left alone, and the score-column-only UPDATE does not fire the profile trigger.
WITH batch AS (
    SELECT id FROM public.customer_profiles
     WHERE id > @after
     ORDER BY id
     LIMIT @batch_size
), scored AS (
    SELECT b.id, c.recency, c.frequency, c.monetary, c.lead_score
      FROM batch b
      LEFT JOIN public.customer_engagement_metrics m ON m.customer_id = b.id
     CROSS JOIN LATERAL public.lead_score_components(m.last_order_at, m.lifetime_orders, m.lifetime_net, @as_of) c
), changed AS (
    UPDATE public.customer_profiles p
       SET lead_score = s.lead_score, rfm_recency = s.recency, rfm_frequency = s.frequency,
           rfm_monetary = s.monetary, last_scored_at = @as_of
      FROM scored s
     WHERE p.id = s.id
       AND (p.lead_score, p.rfm_recency, p.rfm_frequency, p.rfm_monetary)
           IS DISTINCT FROM (s.lead_score, s.recency, s.frequency, s.monetary)
    RETURNING 1
)
SELECT (SELECT id FROM batch ORDER BY id DESC LIMIT 1) AS last_id,
       (SELECT count(*) FROM batch)                    AS seen,
       (SELECT count(*) FROM changed)                  AS changed;
