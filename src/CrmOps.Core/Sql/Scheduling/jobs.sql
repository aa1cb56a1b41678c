-- CrmOps' pg_cron jobs for one database (their command calls crmops.run_step), each with its latest run.
-- pg_cron's row security shows a role its own jobs only (a superuser sees all).
SELECT j.jobid, j.jobname, j.schedule, j.command, j.active, j.database, j.username,
       d.start_time, d.end_time, d.status, d.return_message
  FROM cron.job j
  LEFT JOIN LATERAL (SELECT r.start_time, r.end_time, r.status, r.return_message
                       FROM cron.job_run_details r
                      WHERE r.jobid = j.jobid
                      ORDER BY r.runid DESC
                      LIMIT 1) d ON true
 WHERE j.database = @database
   AND j.command LIKE '%crmops.run\_step(%'
 ORDER BY j.jobname, j.jobid;
