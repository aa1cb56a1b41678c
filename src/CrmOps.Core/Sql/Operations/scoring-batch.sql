-- One batch of a full recalculation: the customers stored on pages [@from_page, @to_page) of
-- customer_profiles (a TID range scan, PostgreSQL 14+), joined to their engagement rows by index
-- (= ANY of the batch's ids), scored as of @as_of by lead_score_components(). Writes only the rows
-- whose score or components change; updated_at is left alone, and this score-column-only UPDATE
-- does not fire the profile trigger. Each changed customer's old and new score go to
-- supabase_migrations.crmops_score_changes in the same statement (the run is @run_started, @as_of); the statement's row
-- count is the rows changed. Profiles without an engagement row: scoring-no-metrics.sql.
WITH scored AS (
    SELECT b.ctid AS row_id, b.id, b.lead_score AS old_lead_score,
           c.recency, c.frequency, c.monetary, c.lead_score
      FROM public.customer_profiles b
      JOIN public.customer_engagement_metrics m ON m.customer_id = b.id
     CROSS JOIN LATERAL public.lead_score_components(m.last_order_at, m.lifetime_orders, m.lifetime_net, @as_of) c
     WHERE m.customer_id = ANY (ARRAY(SELECT i.id FROM public.customer_profiles i
                                       WHERE i.ctid >= format('(%s,0)', @from_page)::tid
                                         AND i.ctid <  format('(%s,0)', @to_page)::tid))
       AND b.ctid >= format('(%s,0)', @from_page)::tid
       AND b.ctid <  format('(%s,0)', @to_page)::tid
       AND (b.lead_score, b.rfm_recency, b.rfm_frequency, b.rfm_monetary)
           IS DISTINCT FROM (c.lead_score, c.recency, c.frequency, c.monetary)
), changed AS (
    UPDATE public.customer_profiles p
       SET lead_score = s.lead_score, rfm_recency = s.recency, rfm_frequency = s.frequency,
           rfm_monetary = s.monetary, last_scored_at = @as_of
      FROM scored s
     WHERE p.ctid = s.row_id AND p.id = s.id
       AND p.ctid >= format('(%s,0)', @from_page)::tid
       AND p.ctid <  format('(%s,0)', @to_page)::tid
    RETURNING s.id, s.old_lead_score, s.lead_score AS new_lead_score
)
INSERT INTO supabase_migrations.crmops_score_changes (run_started, as_of, customer_id, old_score, new_score)
SELECT @run_started, @as_of, x.id, x.old_lead_score, x.new_lead_score FROM changed x;
