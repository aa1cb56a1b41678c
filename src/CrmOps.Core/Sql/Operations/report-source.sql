-- Where the report's data comes from: the server's own view of the database (no credentials). {scoring_runs}: the table Bookkeeping.Locate finds.
SELECT current_database(), (SELECT max(r.as_of) FROM {scoring_runs} r WHERE coalesce(to_jsonb(r) ->> 'status', 'Succeeded') = 'Succeeded');
