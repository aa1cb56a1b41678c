SELECT count(*)                                                 AS customers,
       count(*) FILTER (WHERE lead_score >= 24)                 AS hot,
       count(*) FILTER (WHERE lead_score BETWEEN 18 AND 23)     AS warm,
       count(*) FILTER (WHERE lead_score BETWEEN 12 AND 17)     AS cool,
       count(*) FILTER (WHERE lead_score <= 11)                 AS cold,
       round(avg(lead_score), 2)                                AS average
  FROM public.customer_profiles;
