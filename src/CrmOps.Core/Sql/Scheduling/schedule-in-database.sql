-- From pg_cron's own database (cron.database_name): a job that runs in another database.
SELECT cron.schedule_in_database(@name::text, @schedule::text, @command::text, @database::text);
