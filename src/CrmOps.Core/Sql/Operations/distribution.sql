-- The lead-score distribution: one row per segment, Hot first. Unscored profiles are not counted
-- in a segment.
WITH segments (segment, ord, min_score, max_score) AS (
    VALUES ('Hot', 1, 24, 30), ('Warm', 2, 18, 23), ('Cool', 3, 12, 17), ('Cold', 4, 6, 11)
), totals AS (
    SELECT count(*) AS scored FROM public.customer_profiles WHERE lead_score IS NOT NULL
)
SELECT s.segment, s.min_score, s.max_score,
       count(p.lead_score)                                          AS customers,
       CASE WHEN t.scored = 0 THEN 0
            ELSE round(100.0 * count(p.lead_score) / t.scored, 1) END AS percent,
       round(avg(p.lead_score), 2)                                  AS average_score,
       min(p.lead_score)                                            AS lowest,
       max(p.lead_score)                                            AS highest
  FROM segments s
 CROSS JOIN totals t
  LEFT JOIN public.customer_profiles p ON p.lead_score BETWEEN s.min_score AND s.max_score
 GROUP BY s.segment, s.ord, s.min_score, s.max_score, t.scored
 ORDER BY s.ord;
