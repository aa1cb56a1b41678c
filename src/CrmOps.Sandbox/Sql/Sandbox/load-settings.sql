-- Session-local for the load transaction only: faster index builds, in-memory hash joins for the
-- foreign-key checks and the marketing export refresh.
set local maintenance_work_mem = '256MB';
set local work_mem = '128MB';
