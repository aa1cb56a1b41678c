-- Where the report's data comes from: the server's own view of the database (no credentials).
SELECT current_database(), (SELECT max(as_of) FROM crmops.scoring_runs WHERE status = 'Succeeded');
