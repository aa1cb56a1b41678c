-- The refresh and the scoring of CrmOps as SQL functions in schema crmops, so that a pg_cron job
-- (Register-CrmSchedule) runs the same work as Invoke-CrmTimelineRefresh and Update-CrmLeadScore and
-- writes the same logs: supabase_migrations.crmops_refresh_log and supabase_migrations.crmops_scoring_runs, with Trigger 'Scheduled'.
--
-- The functions (all in schema crmops):
--   refresh_view(...)     one refresh: skipped when another refresh runs, logged either way
--   score_plan(...)       Full (first run, or p_full) or Targeted (after a whole run), as the cmdlet decides
--   score_pages(...)      one page range of a full recalculation
--   score_without_metrics(...), score_targeted(...), log_scoring_run(...)
--   run_step(...)         one unit of a task (refresh, plan, one batch, log); the caller commits between units
--   run_task(...)         a whole task in the caller's transaction
--
-- A pg_cron job runs a DO block that calls crmops.run_step until it says done and COMMITs after each
-- unit, so each scoring batch is its own short transaction (as the cmdlet's batches are), and raises
-- at the end when a step failed, after its Failed log row is committed: cron.job_run_details shows the
-- failure, the log says what failed. (A procedure could COMMIT too, but PostgreSQL forbids
-- transaction control in a procedure with SET search_path, and every function here has a fixed one.)
--
-- Every function: SECURITY INVOKER (the job runs as the role that scheduled it), search_path '' (every
-- name is schema-qualified), EXECUTE revoked from PUBLIC and from Supabase's API roles, so nothing here
-- is reachable through the project's public API. The scoring statements return each changed customer's
-- old and new score, so a change log can be one more data-modifying CTE of the same statement.

CREATE SCHEMA IF NOT EXISTS crmops;

-- The log tables, as CrmOps creates them on first use in schema supabase_migrations, beside its migration history
-- (Sql/Bookkeeping/ensure.sql, which also moves an older installation's crmops.* tables there before any migration
-- runs), plus who ran each entry: Trigger (Manual, Scheduled) and the schedule's name; scoring runs get a status and
-- a message.
CREATE SCHEMA IF NOT EXISTS supabase_migrations;
CREATE TABLE IF NOT EXISTS supabase_migrations.crmops_refresh_log (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    view_name   text        NOT NULL,
    mode        text        NOT NULL,
    status      text        NOT NULL,
    rows_before bigint,
    rows_after  bigint,
    started_at  timestamptz NOT NULL,
    duration_ms bigint      NOT NULL,
    message     text,
    run_by      text        NOT NULL DEFAULT current_user
);
CREATE INDEX IF NOT EXISTS crmops_refresh_log_view_started ON supabase_migrations.crmops_refresh_log (view_name, started_at DESC);

CREATE TABLE IF NOT EXISTS supabase_migrations.crmops_scoring_runs (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    as_of       timestamptz NOT NULL,
    started_at  timestamptz NOT NULL,
    duration_ms bigint      NOT NULL,
    mode        text        NOT NULL,
    customers   bigint      NOT NULL,
    changed     bigint      NOT NULL,
    hot         bigint      NOT NULL,
    warm        bigint      NOT NULL,
    cool        bigint      NOT NULL,
    cold        bigint      NOT NULL,
    average     numeric(6,2),
    run_by      text        NOT NULL DEFAULT current_user
);
CREATE INDEX IF NOT EXISTS crmops_scoring_runs_started ON supabase_migrations.crmops_scoring_runs (started_at DESC);

ALTER TABLE supabase_migrations.crmops_refresh_log
    ADD COLUMN IF NOT EXISTS trigger  text NOT NULL DEFAULT 'Manual',
    ADD COLUMN IF NOT EXISTS schedule text;
ALTER TABLE supabase_migrations.crmops_scoring_runs
    ADD COLUMN IF NOT EXISTS trigger  text NOT NULL DEFAULT 'Manual',
    ADD COLUMN IF NOT EXISTS schedule text,
    ADD COLUMN IF NOT EXISTS status   text NOT NULL DEFAULT 'Succeeded',
    ADD COLUMN IF NOT EXISTS message  text;

-- One refresh of a materialized view, as Invoke-CrmTimelineRefresh does it: concurrently when a unique
-- index allows (or as p_concurrently says), skipped when another CrmOps refresh of the view runs (the
-- same advisory lock: namespace 'CRMR', the view's oid) or another session refreshes or alters it,
-- waiting at most p_lock_timeout for its lock. A failure leaves the view as it was and is logged, not
-- raised: the returned log row says what happened. Bad arguments raise and log nothing.
CREATE FUNCTION crmops.refresh_view(
    p_view         text     DEFAULT 'public.customer_activity_timeline',
    p_trigger      text     DEFAULT 'Manual',
    p_schedule     text     DEFAULT NULL,
    p_lock_timeout interval DEFAULT interval '5 seconds',
    p_concurrently boolean  DEFAULT NULL)
RETURNS supabase_migrations.crmops_refresh_log
LANGUAGE plpgsql
SET search_path = ''
AS $function$
DECLARE
    v_started      timestamptz := pg_catalog.clock_timestamp();
    v_parts        text[];
    v_schema       text;
    v_name         text;
    v_display      text;
    v_oid          oid;
    v_relkind      "char";
    v_populated    boolean;
    v_unique       boolean;
    v_concurrently boolean;
    v_mode         text;
    v_status       text := 'Succeeded';
    v_before       bigint;
    v_after        bigint;
    v_message      text;
    v_sqlstate     text;
    v_blockers     text;
    v_lock_timeout text := pg_catalog.current_setting('lock_timeout');
    v_row          supabase_migrations.crmops_refresh_log;
BEGIN
    IF p_trigger IS NULL OR p_trigger NOT IN ('Manual', 'Scheduled') THEN
        RAISE EXCEPTION 'p_trigger must be Manual or Scheduled, not %', coalesce(p_trigger, 'NULL') USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_lock_timeout IS NULL OR p_lock_timeout <= interval '0' OR p_lock_timeout > interval '1 hour' THEN
        RAISE EXCEPTION 'The lock timeout must be more than 0 and at most 1 hour, not %', coalesce(p_lock_timeout::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    v_parts := pg_catalog.parse_ident(p_view);
    IF pg_catalog.array_length(v_parts, 1) = 1 THEN
        v_schema := 'public'; v_name := v_parts[1];
    ELSIF pg_catalog.array_length(v_parts, 1) = 2 THEN
        v_schema := v_parts[1]; v_name := v_parts[2];
    ELSE
        RAISE EXCEPTION 'Name a materialized view as view or schema.view, not %', p_view USING ERRCODE = 'invalid_parameter_value';
    END IF;
    v_display := v_schema || '.' || v_name;

    SELECT c.oid, c.relkind, c.relispopulated,
           EXISTS (SELECT 1 FROM pg_catalog.pg_index i
                    WHERE i.indrelid = c.oid AND i.indisunique AND i.indisvalid
                      AND i.indpred IS NULL AND i.indexprs IS NULL)
      INTO v_oid, v_relkind, v_populated, v_unique
      FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = v_schema AND c.relname = v_name;
    IF v_oid IS NULL THEN
        RAISE EXCEPTION 'Materialized view % does not exist', v_display USING ERRCODE = 'undefined_table';
    ELSIF v_relkind <> 'm' THEN
        RAISE EXCEPTION '% is not a materialized view (only materialized views can be refreshed)', v_display USING ERRCODE = 'wrong_object_type';
    ELSIF p_concurrently AND NOT (v_populated AND v_unique) THEN
        RAISE EXCEPTION '% cannot be refreshed concurrently: %', v_display,
            CASE WHEN NOT v_populated THEN 'it has never been populated (refresh it once with p_concurrently => false)'
                 ELSE 'it has no unique index on plain columns (no expression, no WHERE)' END
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    v_concurrently := coalesce(p_concurrently, v_populated AND v_unique);
    v_mode := CASE WHEN v_concurrently THEN 'Concurrent' ELSE 'Blocking' END;

    IF NOT pg_catalog.pg_try_advisory_xact_lock(1129467218, v_oid::integer) THEN
        v_status := 'Skipped';
        v_message := 'Skipped: another CrmOps refresh of this view is running.';
    ELSIF EXISTS (SELECT 1 FROM pg_catalog.pg_locks l
                   WHERE l.locktype = 'relation' AND l.relation = v_oid
                     AND l.mode IN ('ExclusiveLock', 'AccessExclusiveLock', 'ShareRowExclusiveLock', 'ShareLock')
                     AND l.pid <> pg_catalog.pg_backend_pid()) THEN
        v_status := 'Skipped';
        v_message := 'Skipped: another session is refreshing or altering this view.';
    ELSE
        PERFORM pg_catalog.set_config('lock_timeout', (extract(epoch FROM p_lock_timeout) * 1000)::bigint::text || 'ms', true);
        BEGIN
            IF v_populated THEN
                EXECUTE pg_catalog.format('SELECT count(*) FROM %I.%I', v_schema, v_name) INTO v_before;
            END IF;
            EXECUTE pg_catalog.format('REFRESH MATERIALIZED VIEW %s %I.%I', CASE WHEN v_concurrently THEN 'CONCURRENTLY' ELSE '' END, v_schema, v_name);
            EXECUTE pg_catalog.format('SELECT count(*) FROM %I.%I', v_schema, v_name) INTO v_after;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_message = MESSAGE_TEXT, v_sqlstate = RETURNED_SQLSTATE;
            v_status := 'Failed';
            v_after := NULL;
            IF v_sqlstate = '55P03' THEN
                SELECT pg_catalog.string_agg(pg_catalog.format('pid %s (%s, %s, %s)', a.pid, coalesce(a.usename::text, '?'), l.mode,
                                                               pg_catalog.left(coalesce(a.query, ''), 60)), '; ')
                  INTO v_blockers
                  FROM pg_catalog.pg_locks l
                  JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
                 WHERE l.relation = v_oid AND l.granted AND a.pid <> pg_catalog.pg_backend_pid();
                v_message := pg_catalog.format('Refreshing %s gave up after waiting %s s for the lock on %s: %s', v_display,
                    pg_catalog.trim_scale(pg_catalog.round(extract(epoch FROM p_lock_timeout), 1)), v_display,
                    coalesce('held by ' || v_blockers, 'the holder has finished since.'));
            ELSE
                v_message := pg_catalog.format('Refreshing %s failed: %s (SQLSTATE %s).', v_display, v_message, v_sqlstate);
            END IF;
        END;
        PERFORM pg_catalog.set_config('lock_timeout', v_lock_timeout, true);
    END IF;

    INSERT INTO supabase_migrations.crmops_refresh_log (view_name, mode, status, rows_before, rows_after, started_at, duration_ms, message, trigger, schedule)
    VALUES (v_display, v_mode, v_status, v_before, v_after, v_started,
            (extract(epoch FROM pg_catalog.clock_timestamp() - v_started) * 1000)::bigint, v_message, p_trigger, p_schedule)
    RETURNING * INTO v_row;
    RETURN v_row;
END;
$function$;

-- How a scoring run as of p_as_of goes, decided as Update-CrmLeadScore decides it: Targeted when a
-- whole run (Full or Targeted) succeeded before, as of no later than p_as_of, else Full in page-range
-- batches of about p_batch_size customers.
CREATE FUNCTION crmops.score_plan(p_as_of timestamptz, p_full boolean DEFAULT false, p_batch_size integer DEFAULT 100000)
RETURNS TABLE (mode text, prev_as_of timestamptz, prev_started timestamptz, pages bigint, pages_per_batch bigint, batches integer)
LANGUAGE plpgsql
SET search_path = ''
AS $function$
DECLARE
    v_rows bigint;
BEGIN
    IF p_as_of IS NULL OR p_as_of < timestamptz '1990-01-01 00:00:00+00' OR p_as_of >= timestamptz '2201-01-01 00:00:00+00' THEN
        RAISE EXCEPTION 'The as-of instant must be from 1990 to 2200, not %', coalesce(p_as_of::text, 'NULL') USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_batch_size IS NULL OR p_batch_size NOT BETWEEN 100 AND 10000000 THEN
        RAISE EXCEPTION 'The batch size must be from 100 to 10,000,000' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT coalesce(p_full, false) THEN
        SELECT r.as_of, r.started_at INTO prev_as_of, prev_started
          FROM supabase_migrations.crmops_scoring_runs r
         WHERE r.mode IN ('Full', 'Targeted') AND r.status = 'Succeeded'
         ORDER BY r.started_at DESC, r.id DESC
         LIMIT 1;
    END IF;
    IF prev_as_of IS NOT NULL AND prev_as_of <= p_as_of THEN
        mode := 'Targeted'; pages := 0; pages_per_batch := 0; batches := 1;
        RETURN NEXT;
        RETURN;
    END IF;
    prev_as_of := NULL; prev_started := NULL;
    mode := 'Full';
    SELECT (pg_catalog.pg_relation_size('public.customer_profiles'::regclass) / pg_catalog.current_setting('block_size')::integer)::bigint,
           greatest(c.reltuples, 0)::bigint
      INTO pages, v_rows
      FROM pg_catalog.pg_class c
     WHERE c.oid = 'public.customer_profiles'::regclass;
    pages_per_batch := greatest(1, CASE WHEN v_rows = 0 THEN pages
                                                   ELSE pg_catalog.ceil(pages::float8 * p_batch_size / v_rows)::bigint END);
    batches := greatest(1, pg_catalog.ceil(pages::float8 / pages_per_batch)::integer);
    RETURN NEXT;
END;
$function$;

-- One batch of a full recalculation: the customers stored on pages [p_from_page, p_to_page) of
-- customer_profiles, scored as of p_as_of by lead_score_components(); writes only rows whose score or
-- components change, leaves updated_at alone (and, writing score columns only, fires no profile
-- trigger). A row another session rescored since this statement's snapshot is left to that session.
-- Deadlocks and serialization failures with a concurrent writer are retried. Returns the rows changed.
CREATE FUNCTION crmops.score_pages(p_as_of timestamptz, p_from_page bigint, p_to_page bigint)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = ''
AS $function$
DECLARE
    v_changed bigint;
BEGIN
    FOR v_attempt IN 1..10 LOOP
        BEGIN
            WITH scored AS (
                SELECT b.ctid AS row_id, b.id,
                       b.lead_score AS old_lead_score, b.rfm_recency AS old_recency, b.rfm_frequency AS old_frequency,
                       b.rfm_monetary AS old_monetary, b.last_scored_at AS old_scored_at,
                       c.recency, c.frequency, c.monetary, c.lead_score
                  FROM public.customer_profiles b
                  JOIN public.customer_engagement_metrics m ON m.customer_id = b.id
                 CROSS JOIN LATERAL public.lead_score_components(m.last_order_at, m.lifetime_orders, m.lifetime_net, p_as_of) c
                 WHERE b.ctid >= pg_catalog.format('(%s,0)', p_from_page)::tid
                   AND b.ctid <  pg_catalog.format('(%s,0)', p_to_page)::tid
                   AND (b.lead_score, b.rfm_recency, b.rfm_frequency, b.rfm_monetary)
                       IS DISTINCT FROM (c.lead_score, c.recency, c.frequency, c.monetary)
            ), changed AS (
                UPDATE public.customer_profiles p
                   SET lead_score = s.lead_score, rfm_recency = s.recency, rfm_frequency = s.frequency,
                       rfm_monetary = s.monetary, last_scored_at = p_as_of
                  FROM scored s
                 WHERE p.ctid = s.row_id AND p.id = s.id
                   AND p.ctid >= pg_catalog.format('(%s,0)', p_from_page)::tid
                   AND p.ctid <  pg_catalog.format('(%s,0)', p_to_page)::tid
                   AND (p.lead_score, p.rfm_recency, p.rfm_frequency, p.rfm_monetary, p.last_scored_at)
                       IS NOT DISTINCT FROM (s.old_lead_score, s.old_recency, s.old_frequency, s.old_monetary, s.old_scored_at)
                RETURNING s.id, s.old_lead_score, s.lead_score AS new_lead_score
            )
            SELECT pg_catalog.count(*) INTO v_changed FROM changed;
            RETURN v_changed;
        EXCEPTION WHEN deadlock_detected OR serialization_failure THEN
            IF v_attempt = 10 THEN RAISE; END IF;
            PERFORM pg_catalog.pg_sleep(0.02 * v_attempt);
        END;
    END LOOP;
    RETURN 0;
END;
$function$;

-- The last step of a full recalculation: profiles with no engagement row (never ordered) get the
-- rules' score for no orders, as of p_as_of. Writes only rows whose score changes; returns how many.
CREATE FUNCTION crmops.score_without_metrics(p_as_of timestamptz)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = ''
AS $function$
DECLARE
    v_changed bigint;
BEGIN
    FOR v_attempt IN 1..10 LOOP
        BEGIN
            WITH scored AS (
                SELECT b.ctid AS row_id, b.id,
                       b.lead_score AS old_lead_score, b.rfm_recency AS old_recency, b.rfm_frequency AS old_frequency,
                       b.rfm_monetary AS old_monetary, b.last_scored_at AS old_scored_at,
                       c.recency, c.frequency, c.monetary, c.lead_score
                  FROM public.customer_profiles b
                 CROSS JOIN public.lead_score_components(NULL, NULL, NULL, p_as_of) c
                 WHERE NOT EXISTS (SELECT 1 FROM public.customer_engagement_metrics m WHERE m.customer_id = b.id)
                   AND (b.lead_score, b.rfm_recency, b.rfm_frequency, b.rfm_monetary)
                       IS DISTINCT FROM (c.lead_score, c.recency, c.frequency, c.monetary)
            ), changed AS (
                UPDATE public.customer_profiles p
                   SET lead_score = s.lead_score, rfm_recency = s.recency, rfm_frequency = s.frequency,
                       rfm_monetary = s.monetary, last_scored_at = p_as_of
                  FROM scored s
                 WHERE p.ctid = s.row_id AND p.id = s.id
                   AND (p.lead_score, p.rfm_recency, p.rfm_frequency, p.rfm_monetary, p.last_scored_at)
                       IS NOT DISTINCT FROM (s.old_lead_score, s.old_recency, s.old_frequency, s.old_monetary, s.old_scored_at)
                RETURNING s.id, s.old_lead_score, s.lead_score AS new_lead_score
            )
            SELECT pg_catalog.count(*) INTO v_changed FROM changed;
            RETURN v_changed;
        EXCEPTION WHEN deadlock_detected OR serialization_failure THEN
            IF v_attempt = 10 THEN RAISE; END IF;
            PERFORM pg_catalog.pg_sleep(0.02 * v_attempt);
        END;
    END LOOP;
    RETURN 0;
END;
$function$;

-- Scores only the customers that can have changed since the previous whole run (as of p_prev_as_of,
-- started p_prev_started): last order crossed a 30/60/90/180-day boundary between the two instants,
-- engagement row changed since, never scored; plus the customers in p_ids. With p_prev_as_of NULL,
-- only p_ids. Returns the customers examined and the rows changed.
CREATE FUNCTION crmops.score_targeted(p_as_of timestamptz, p_prev_as_of timestamptz, p_prev_started timestamptz, p_ids uuid[] DEFAULT NULL)
RETURNS TABLE (seen bigint, changed bigint)
LANGUAGE plpgsql
SET search_path = ''
AS $function$
DECLARE
    v_targeted boolean := p_prev_as_of IS NOT NULL;
BEGIN
    FOR v_attempt IN 1..10 LOOP
        BEGIN
            WITH candidates AS MATERIALIZED (
                SELECT m.customer_id AS id FROM public.customer_engagement_metrics m
                 WHERE v_targeted
                   AND (   (m.last_order_at >= p_prev_as_of - interval '30 days'  AND m.last_order_at < p_as_of - interval '30 days')
                        OR (m.last_order_at >= p_prev_as_of - interval '60 days'  AND m.last_order_at < p_as_of - interval '60 days')
                        OR (m.last_order_at >= p_prev_as_of - interval '90 days'  AND m.last_order_at < p_as_of - interval '90 days')
                        OR (m.last_order_at >= p_prev_as_of - interval '180 days' AND m.last_order_at < p_as_of - interval '180 days')
                        OR m.updated_at >= p_prev_started)
                UNION
                SELECT p.id FROM public.customer_profiles p WHERE v_targeted AND p.lead_score IS NULL
                UNION
                SELECT pg_catalog.unnest(p_ids)
            ), scored AS (
                SELECT p.ctid AS row_id, p.id,
                       p.lead_score AS old_lead_score, p.rfm_recency AS old_recency, p.rfm_frequency AS old_frequency,
                       p.rfm_monetary AS old_monetary, p.last_scored_at AS old_scored_at,
                       c.recency, c.frequency, c.monetary, c.lead_score
                  FROM public.customer_profiles p
                  LEFT JOIN public.customer_engagement_metrics m ON m.customer_id = p.id
                 CROSS JOIN LATERAL public.lead_score_components(m.last_order_at, m.lifetime_orders, m.lifetime_net, p_as_of) c
                 -- An array, so the profiles and their engagement rows are fetched by index, a few at a time.
                 WHERE p.id = ANY (ARRAY(SELECT k.id FROM candidates k))
            ), updated AS (
                UPDATE public.customer_profiles p
                   SET lead_score = s.lead_score, rfm_recency = s.recency, rfm_frequency = s.frequency,
                       rfm_monetary = s.monetary, last_scored_at = p_as_of
                  FROM scored s
                 WHERE p.ctid = s.row_id AND p.id = s.id
                   AND (s.old_lead_score, s.old_recency, s.old_frequency, s.old_monetary)
                       IS DISTINCT FROM (s.lead_score, s.recency, s.frequency, s.monetary)
                   AND (p.lead_score, p.rfm_recency, p.rfm_frequency, p.rfm_monetary, p.last_scored_at)
                       IS NOT DISTINCT FROM (s.old_lead_score, s.old_recency, s.old_frequency, s.old_monetary, s.old_scored_at)
                RETURNING s.id, s.old_lead_score, s.lead_score AS new_lead_score
            )
            SELECT (SELECT pg_catalog.count(*) FROM scored), (SELECT pg_catalog.count(*) FROM updated) INTO seen, changed;
            RETURN NEXT;
            RETURN;
        EXCEPTION WHEN deadlock_detected OR serialization_failure THEN
            IF v_attempt = 10 THEN RAISE; END IF;
            PERFORM pg_catalog.pg_sleep(0.02 * v_attempt);
        END;
    END LOOP;
END;
$function$;

-- Records a scoring run in supabase_migrations.crmops_scoring_runs with the segment sizes after it, as Update-CrmLeadScore
-- does: customers is everyone for a whole run, the customers examined for a run of given ids.
CREATE FUNCTION crmops.log_scoring_run(
    p_as_of    timestamptz,
    p_started  timestamptz,
    p_mode     text,
    p_examined bigint,
    p_changed  bigint,
    p_trigger  text DEFAULT 'Manual',
    p_schedule text DEFAULT NULL,
    p_status   text DEFAULT 'Succeeded',
    p_message  text DEFAULT NULL)
RETURNS supabase_migrations.crmops_scoring_runs
LANGUAGE plpgsql
SET search_path = ''
AS $function$
DECLARE
    v_row supabase_migrations.crmops_scoring_runs;
BEGIN
    INSERT INTO supabase_migrations.crmops_scoring_runs (as_of, started_at, duration_ms, mode, customers, changed, hot, warm, cool, cold, average,
                                     trigger, schedule, status, message)
    SELECT p_as_of, p_started, (extract(epoch FROM pg_catalog.clock_timestamp() - p_started) * 1000)::bigint, p_mode,
           CASE WHEN p_mode = 'Customers' THEN p_examined ELSE pg_catalog.count(*) END, p_changed,
           pg_catalog.count(*) FILTER (WHERE cp.lead_score >= 24),
           pg_catalog.count(*) FILTER (WHERE cp.lead_score BETWEEN 18 AND 23),
           pg_catalog.count(*) FILTER (WHERE cp.lead_score BETWEEN 12 AND 17),
           pg_catalog.count(*) FILTER (WHERE cp.lead_score <= 11),
           pg_catalog.round(pg_catalog.avg(cp.lead_score), 2),
           p_trigger, p_schedule, p_status, p_message
      FROM public.customer_profiles cp
    RETURNING * INTO v_row;
    RETURN v_row;
END;
$function$;

-- One unit of a task (Refresh, Score, RefreshAndScore) for a caller that commits between units: the
-- refresh; the scoring plan; one scoring batch (a targeted run is one); the profiles without orders;
-- the log. p_state is what the previous call returned ('{}' to start; a start state may carry
-- "as_of"); the result has "done": true after the last unit and "error" when a step failed (logged
-- as Failed; a failed refresh does not stop the scoring, which does not read the timeline).
CREATE FUNCTION crmops.run_step(p_task text, p_schedule text, p_state jsonb, p_trigger text DEFAULT 'Scheduled')
RETURNS jsonb
LANGUAGE plpgsql
SET search_path = ''
AS $function$
DECLARE
    s        jsonb := coalesce(p_state, '{}'::jsonb);
    v_step   text;
    v_as_of  timestamptz;
    v_batch  integer;
    v_ppb    bigint;
    v_n      bigint;
    v_seen   bigint;
    v_msg    text;
    v_state  text;
    r        supabase_migrations.crmops_refresh_log;
    p        record;
BEGIN
    IF p_task IS NULL OR p_task NOT IN ('Refresh', 'Score', 'RefreshAndScore') THEN
        RAISE EXCEPTION 'The task must be Refresh, Score or RefreshAndScore, not %', coalesce(p_task, 'NULL') USING ERRCODE = 'invalid_parameter_value';
    END IF;
    v_step := coalesce(s ->> 'next', CASE WHEN p_task = 'Score' THEN 'plan' ELSE 'refresh' END);

    IF v_step = 'refresh' THEN
        r := crmops.refresh_view('public.customer_activity_timeline', p_trigger, p_schedule);
        s := s || pg_catalog.jsonb_build_object('refresh', r.status,
                                                'next', CASE WHEN p_task = 'Refresh' THEN 'done' ELSE 'plan' END);
        IF r.status = 'Failed' THEN s := s || pg_catalog.jsonb_build_object('error', r.message); END IF;
    ELSIF v_step = 'plan' THEN
        v_as_of := coalesce((s ->> 'as_of')::timestamptz, pg_catalog.now());
        s := s || pg_catalog.jsonb_build_object('as_of', v_as_of, 'started', pg_catalog.clock_timestamp(), 'changed', 0, 'examined', 0, 'batch', 0);
        BEGIN
            SELECT * INTO p FROM crmops.score_plan(v_as_of, coalesce((s ->> 'full')::boolean, false));
            s := s || pg_catalog.jsonb_build_object('mode', p.mode, 'prev_as_of', p.prev_as_of, 'prev_started', p.prev_started,
                                                    'pages', p.pages, 'pages_per_batch', p.pages_per_batch, 'batches', p.batches,
                                                    'next', CASE WHEN p.mode = 'Targeted' THEN 'targeted' ELSE 'batch' END);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_msg = MESSAGE_TEXT, v_state = RETURNED_SQLSTATE;
            s := s || pg_catalog.jsonb_build_object('mode', 'Full', 'failed', pg_catalog.format('%s (SQLSTATE %s)', v_msg, v_state), 'next', 'log');
        END;
    ELSIF v_step IN ('batch', 'targeted', 'no_metrics') THEN
        v_as_of := (s ->> 'as_of')::timestamptz;
        BEGIN
            IF v_step = 'targeted' THEN
                SELECT t.seen, t.changed INTO v_seen, v_n
                  FROM crmops.score_targeted(v_as_of, (s ->> 'prev_as_of')::timestamptz, (s ->> 'prev_started')::timestamptz, NULL) t;
                s := s || pg_catalog.jsonb_build_object('examined', v_seen, 'changed', v_n, 'next', 'log');
            ELSIF v_step = 'batch' THEN
                v_batch := (s ->> 'batch')::integer;
                v_ppb := (s ->> 'pages_per_batch')::bigint;
                v_n := crmops.score_pages(v_as_of, v_batch * v_ppb, least((s ->> 'pages')::bigint, (v_batch + 1) * v_ppb));
                s := s || pg_catalog.jsonb_build_object('changed', (s ->> 'changed')::bigint + v_n, 'batch', v_batch + 1,
                                                        'next', CASE WHEN v_batch + 1 >= (s ->> 'batches')::integer THEN 'no_metrics' ELSE 'batch' END);
            ELSE
                v_n := crmops.score_without_metrics(v_as_of);
                s := s || pg_catalog.jsonb_build_object('changed', (s ->> 'changed')::bigint + v_n, 'next', 'log');
            END IF;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_msg = MESSAGE_TEXT, v_state = RETURNED_SQLSTATE;
            s := s || pg_catalog.jsonb_build_object('failed', pg_catalog.format('%s (SQLSTATE %s)', v_msg, v_state), 'next', 'log');
        END;
    ELSIF v_step = 'log' THEN
        v_msg := CASE WHEN s ->> 'failed' IS NOT NULL THEN
                     'Scoring failed: ' || (s ->> 'failed') ||
                     CASE WHEN (s ->> 'changed')::bigint > 0
                          THEN pg_catalog.format(' %s scores changed by the batches committed before keep their new values; run it again to finish.', s ->> 'changed')
                          ELSE ' No score changed.' END
                 END;
        PERFORM crmops.log_scoring_run((s ->> 'as_of')::timestamptz, (s ->> 'started')::timestamptz, s ->> 'mode',
                                       (s ->> 'examined')::bigint, (s ->> 'changed')::bigint, p_trigger, p_schedule,
                                       CASE WHEN s ->> 'failed' IS NOT NULL THEN 'Failed' ELSE 'Succeeded' END, v_msg);
        s := s || pg_catalog.jsonb_build_object('next', 'done');
        IF v_msg IS NOT NULL THEN
            s := s || pg_catalog.jsonb_build_object('error', coalesce((s ->> 'error') || ' ', '') || v_msg);
        END IF;
    ELSIF v_step <> 'done' THEN
        RAISE EXCEPTION 'Unknown step % in the state of a CrmOps task', v_step USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN s || pg_catalog.jsonb_build_object('done', (s ->> 'next') = 'done');
END;
$function$;

-- A whole task in the caller's transaction (SELECT crmops.run_task('RefreshAndScore')): for a caller
-- that cannot commit between steps. Returns the final state: "refresh", "mode", "changed", "error".
CREATE FUNCTION crmops.run_task(p_task text, p_trigger text DEFAULT 'Manual', p_schedule text DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql
SET search_path = ''
AS $function$
DECLARE
    s jsonb := '{}'::jsonb;
BEGIN
    LOOP
        s := crmops.run_step(p_task, p_schedule, s, p_trigger);
        EXIT WHEN (s ->> 'done')::boolean;
    END LOOP;
    RETURN s;
END;
$function$;

COMMENT ON FUNCTION crmops.refresh_view(text, text, text, interval, boolean) IS
    'One refresh of a materialized view as Invoke-CrmTimelineRefresh does it (skip when another refresh runs, logged in supabase_migrations.crmops_refresh_log).';
COMMENT ON FUNCTION crmops.run_step(text, text, jsonb, text) IS
    'One unit of a CrmOps task (Refresh, Score, RefreshAndScore); the pg_cron job of Register-CrmSchedule commits between units.';
COMMENT ON FUNCTION crmops.run_task(text, text, text) IS
    'A whole CrmOps task (Refresh, Score, RefreshAndScore) in the caller''s transaction; returns its final state.';

-- Not callable by PUBLIC, nor by Supabase's API roles where they exist (the owner keeps EXECUTE).
REVOKE EXECUTE ON FUNCTION
    crmops.refresh_view(text, text, text, interval, boolean),
    crmops.score_plan(timestamptz, boolean, integer),
    crmops.score_pages(timestamptz, bigint, bigint),
    crmops.score_without_metrics(timestamptz),
    crmops.score_targeted(timestamptz, timestamptz, timestamptz, uuid[]),
    crmops.log_scoring_run(timestamptz, timestamptz, text, bigint, bigint, text, text, text, text),
    crmops.run_step(text, text, jsonb, text),
    crmops.run_task(text, text, text)
  FROM PUBLIC;

DO $revoke$
DECLARE
    v_role text;
BEGIN
    FOREACH v_role IN ARRAY ARRAY['anon', 'authenticated'] LOOP
        IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = v_role) THEN
            EXECUTE pg_catalog.format('REVOKE ALL ON SCHEMA crmops FROM %I', v_role);
            EXECUTE pg_catalog.format('REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA crmops FROM %I', v_role);
        END IF;
    END LOOP;
END
$revoke$;
