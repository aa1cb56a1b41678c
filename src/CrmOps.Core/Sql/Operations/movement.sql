-- Customers whose segment now differs from their segment after the baseline run (@base_as_of,
-- @base_started; NULL: before every recorded run). A customer's segment after the baseline is the old
-- score of their first recorded change after it (runs ordered by as-of, then start); now is the
-- profile's score. Filters: @from and @to (segment names, NULL for any). Best news first: by the
-- segment now, then score, then lifetime net. {score_changes}: the change log Bookkeeping.Locate finds.
WITH after AS (
    SELECT c.customer_id, c.as_of, c.run_started, c.old_score
      FROM {score_changes} c
     WHERE @base_as_of::timestamptz IS NULL OR (c.as_of, c.run_started) > (@base_as_of, @base_started)
), first AS (
    SELECT DISTINCT ON (customer_id) customer_id, old_score
      FROM after
     ORDER BY customer_id, as_of, run_started
), last AS (
    SELECT customer_id, max(as_of) AS changed_as_of FROM after GROUP BY customer_id
), moved AS (
    SELECT f.customer_id, f.old_score, l.changed_as_of,
           CASE WHEN f.old_score >= 24 THEN 'Hot' WHEN f.old_score >= 18 THEN 'Warm'
                WHEN f.old_score >= 12 THEN 'Cool' WHEN f.old_score IS NOT NULL THEN 'Cold' END AS from_segment,
           p.lead_score AS new_score,
           CASE WHEN p.lead_score >= 24 THEN 'Hot' WHEN p.lead_score >= 18 THEN 'Warm'
                WHEN p.lead_score >= 12 THEN 'Cool' ELSE 'Cold' END AS to_segment,
           p.canonical_full_name, p.id
      FROM first f
      JOIN last l USING (customer_id)
      JOIN public.customer_profiles p ON p.id = f.customer_id
     WHERE p.lead_score IS NOT NULL
)
SELECT mv.id, mv.canonical_full_name, e.email, mv.from_segment, mv.old_score, mv.to_segment, mv.new_score, mv.changed_as_of,
       coalesce(m.lifetime_net, 0), m.last_order_at
  FROM moved mv
  LEFT JOIN public.customer_emails e ON e.customer_id = mv.id AND e.is_primary
  LEFT JOIN public.customer_engagement_metrics m ON m.customer_id = mv.id
 WHERE mv.from_segment IS DISTINCT FROM mv.to_segment
   AND (@from::text[] IS NULL OR mv.from_segment = ANY (@from))
   AND (@to::text[] IS NULL OR mv.to_segment = ANY (@to))
 ORDER BY mv.new_score DESC, m.lifetime_net DESC NULLS LAST, mv.id;
