-- Segment sizes over time from the scoring log: per interval (@interval: day, week or month, UTC) the
-- last succeeded run of the interval by as-of instant, from @since on; one row per segment, with the
-- change since the previous point. (status through to_jsonb: an older CrmOps' log has no such column.) {scoring_runs}: the table Bookkeeping.Locate finds.
WITH runs AS (
    SELECT DISTINCT ON (date_trunc(@interval, as_of AT TIME ZONE 'UTC'))
           date_trunc(@interval, as_of AT TIME ZONE 'UTC') AS bucket, as_of, hot, warm, cool, cold
      FROM {scoring_runs} r
     WHERE coalesce(to_jsonb(r) ->> 'status', 'Succeeded') = 'Succeeded' AND as_of >= @since
     ORDER BY date_trunc(@interval, as_of AT TIME ZONE 'UTC'), as_of DESC, started_at DESC, id DESC
), points AS (
    SELECT r.bucket, r.as_of, s.segment, s.ord, s.customers
      FROM runs r
     CROSS JOIN LATERAL (VALUES ('Hot', 1, r.hot), ('Warm', 2, r.warm), ('Cool', 3, r.cool), ('Cold', 4, r.cold)) s (segment, ord, customers)
)
SELECT bucket, as_of, segment, customers,
       customers - lag(customers) OVER (PARTITION BY segment ORDER BY bucket) AS change
  FROM points
 ORDER BY bucket, ord;
