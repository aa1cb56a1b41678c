-- This role's pg_cron job of that name, whatever it runs and wherever (pg_cron names are unique per role).
SELECT j.jobid, j.command, j.database FROM cron.job j WHERE j.jobname = @name AND j.username = current_user;
