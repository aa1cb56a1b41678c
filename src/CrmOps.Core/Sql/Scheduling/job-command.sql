-- The SQL a CrmOps pg_cron job runs: crmops.run_step (built-in migration 20261126150030) until the task
-- is done, committing after each step (each scoring batch is its own short transaction), then raising
-- when a step failed, after its Failed log row is committed, so that cron.job_run_details shows the
-- failure. Task, schedule name and the first state (keep_days, when given) are quoted by format's %L.
SELECT format($template$DO $crmops$ DECLARE s jsonb := %L; BEGIN LOOP s := crmops.run_step(%L, %L, s); COMMIT; EXIT WHEN (s ->> 'done')::boolean; END LOOP; IF s ->> 'error' IS NOT NULL THEN RAISE EXCEPTION USING MESSAGE = s ->> 'error'; END IF; END $crmops$$template$,
              @state::text, @task::text, @name::text);
