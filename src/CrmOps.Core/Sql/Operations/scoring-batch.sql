-- One batch of a full recalculation: the customers stored on pages [@from_page, @to_page) of
-- customer_profiles (a TID range scan, PostgreSQL 14+), joined to their engagement rows by index
-- (= ANY of the batch's ids), scored as of @as_of by lead_score_components(). Writes only the rows
-- whose score or components change; updated_at is left alone, and this score-column-only UPDATE
-- does not fire the profile trigger. Profiles without an engagement row: scoring-no-metrics.sql.
UPDATE public.customer_profiles p
   SET lead_score = c.lead_score, rfm_recency = c.recency, rfm_frequency = c.frequency,
       rfm_monetary = c.monetary, last_scored_at = @as_of
  FROM public.customer_engagement_metrics m
 CROSS JOIN LATERAL public.lead_score_components(m.last_order_at, m.lifetime_orders, m.lifetime_net, @as_of) c
 WHERE m.customer_id = p.id
   AND m.customer_id = ANY (ARRAY(SELECT b.id FROM public.customer_profiles b
                                   WHERE b.ctid >= format('(%s,0)', @from_page)::tid
                                     AND b.ctid <  format('(%s,0)', @to_page)::tid))
   AND p.ctid >= format('(%s,0)', @from_page)::tid
   AND p.ctid <  format('(%s,0)', @to_page)::tid
   AND (p.lead_score, p.rfm_recency, p.rfm_frequency, p.rfm_monetary)
       IS DISTINCT FROM (c.lead_score, c.recency, c.frequency, c.monetary);
