-- lock_timeout for the current transaction only (@timeout as text, e.g. 5000ms): never queue the workload behind us.
select set_config('lock_timeout', @timeout, true);
