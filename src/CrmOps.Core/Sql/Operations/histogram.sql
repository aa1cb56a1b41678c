-- How many customers have each score from 6 to 30 (the report's histogram).
SELECT s.score, count(p.lead_score)
  FROM generate_series(6, 30) AS s (score)
  LEFT JOIN public.customer_profiles p ON p.lead_score = s.score
 GROUP BY s.score
 ORDER BY s.score;
