-- Creates the named job, or updates the schedule and command of this role's job of that name.
SELECT cron.schedule(@name::text, @schedule::text, @command::text);
