-- Score only the customers that can have changed since the previous run (as of @prev_as_of,
-- started @prev_started): those whose last order crossed a 30/60/90/180-day boundary between the
-- two instants, those whose engagement row changed since, those never scored, and (when given)
-- the customers in @ids. Writes only rows whose score or components change, and records each change
-- (old and new score) in supabase_migrations.crmops_score_changes in the same statement.
WITH candidates AS MATERIALIZED (
    SELECT customer_id AS id FROM public.customer_engagement_metrics
     WHERE @targeted
       AND (   (last_order_at >= @prev_as_of - interval '30 days'  AND last_order_at < @as_of - interval '30 days')
            OR (last_order_at >= @prev_as_of - interval '60 days'  AND last_order_at < @as_of - interval '60 days')
            OR (last_order_at >= @prev_as_of - interval '90 days'  AND last_order_at < @as_of - interval '90 days')
            OR (last_order_at >= @prev_as_of - interval '180 days' AND last_order_at < @as_of - interval '180 days')
            OR updated_at >= @prev_started)
    UNION
    SELECT id FROM public.customer_profiles WHERE @targeted AND lead_score IS NULL
    UNION
    SELECT unnest(@ids::uuid[])
), scored AS (
    SELECT p.ctid AS row_id, p.id, p.lead_score AS old_lead_score, c.recency, c.frequency, c.monetary, c.lead_score
      FROM public.customer_profiles p
      LEFT JOIN public.customer_engagement_metrics m ON m.customer_id = p.id
     CROSS JOIN LATERAL public.lead_score_components(m.last_order_at, m.lifetime_orders, m.lifetime_net, @as_of) c
     -- An array, so the profiles and their engagement rows are fetched by index, a few at a time.
     WHERE p.id = ANY (ARRAY(SELECT id FROM candidates))
), changed AS (
    UPDATE public.customer_profiles p
       SET lead_score = s.lead_score, rfm_recency = s.recency, rfm_frequency = s.frequency,
           rfm_monetary = s.monetary, last_scored_at = @as_of
      FROM scored s
     WHERE p.ctid = s.row_id AND p.id = s.id
       AND (p.lead_score, p.rfm_recency, p.rfm_frequency, p.rfm_monetary)
           IS DISTINCT FROM (s.lead_score, s.recency, s.frequency, s.monetary)
    RETURNING s.id, s.old_lead_score, s.lead_score AS new_lead_score
), logged AS (
    INSERT INTO supabase_migrations.crmops_score_changes (run_started, as_of, customer_id, old_score, new_score)
    SELECT @run_started, @as_of, x.id, x.old_lead_score, x.new_lead_score FROM changed x
)
SELECT (SELECT count(*) FROM scored) AS seen, (SELECT count(*) FROM changed) AS changed;
