SELECT cron.unschedule(@jobid::bigint);
