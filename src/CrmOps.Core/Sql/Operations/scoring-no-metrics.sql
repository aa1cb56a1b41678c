-- The last step of a full recalculation: profiles with no engagement row (never ordered) get the
-- rules' score for no orders, as of @as_of. Writes only rows whose score changes, and records each
-- change in supabase_migrations.crmops_score_changes in the same statement (its row count is the rows changed).
WITH scored AS (
    SELECT b.ctid AS row_id, b.id, b.lead_score AS old_lead_score,
           c.recency, c.frequency, c.monetary, c.lead_score
      FROM public.customer_profiles b
     CROSS JOIN public.lead_score_components(NULL, NULL, NULL, @as_of) c
     WHERE NOT EXISTS (SELECT 1 FROM public.customer_engagement_metrics m WHERE m.customer_id = b.id)
       AND (b.lead_score, b.rfm_recency, b.rfm_frequency, b.rfm_monetary)
           IS DISTINCT FROM (c.lead_score, c.recency, c.frequency, c.monetary)
), changed AS (
    UPDATE public.customer_profiles p
       SET lead_score = s.lead_score, rfm_recency = s.recency, rfm_frequency = s.frequency,
           rfm_monetary = s.monetary, last_scored_at = @as_of
      FROM scored s
     WHERE p.ctid = s.row_id AND p.id = s.id
    RETURNING s.id, s.old_lead_score, s.lead_score AS new_lead_score
)
INSERT INTO supabase_migrations.crmops_score_changes (run_started, as_of, customer_id, old_score, new_score)
SELECT @run_started, @as_of, x.id, x.old_lead_score, x.new_lead_score FROM changed x;
