-- Score changes are recorded: every scoring run (Update-CrmLeadScore, or a pg_cron job through the
-- function crmops.run_step) writes one row per customer whose score changed into
-- supabase_migrations.crmops_score_changes (the run's start and as-of instants, the customer, old and new score and segment), by the same statement that
-- updates the score: one more data-modifying CTE, no second pass over customer_profiles. A run that
-- changes nothing writes nothing. The log tables' retention is part of the run: crmops.run_step prunes
-- changes recorded more than "keep_days" (default 400) days ago, as Update-CrmLeadScore -KeepDays does.
--
-- The scoring functions of 20261126150030 take the run's start instant as a new last parameter (so
-- they are dropped and created again; run_step passes it). Applied migrations are never edited.

CREATE SCHEMA IF NOT EXISTS crmops;
CREATE SCHEMA IF NOT EXISTS supabase_migrations;

-- As CrmOps creates it on first use, beside its other bookkeeping (Sql/Bookkeeping/ensure.sql).
CREATE TABLE IF NOT EXISTS supabase_migrations.crmops_score_changes (
    run_started timestamptz NOT NULL,
    as_of       timestamptz NOT NULL,
    customer_id uuid        NOT NULL,
    old_score   integer,
    new_score   integer,
    old_segment text GENERATED ALWAYS AS (CASE WHEN old_score >= 24 THEN 'Hot' WHEN old_score >= 18 THEN 'Warm'
                                               WHEN old_score >= 12 THEN 'Cool' WHEN old_score IS NOT NULL THEN 'Cold' END) STORED,
    new_segment text GENERATED ALWAYS AS (CASE WHEN new_score >= 24 THEN 'Hot' WHEN new_score >= 18 THEN 'Warm'
                                               WHEN new_score >= 12 THEN 'Cool' WHEN new_score IS NOT NULL THEN 'Cold' END) STORED
);
CREATE INDEX IF NOT EXISTS crmops_score_changes_run ON supabase_migrations.crmops_score_changes (as_of, run_started);
CREATE INDEX IF NOT EXISTS crmops_score_changes_recorded ON supabase_migrations.crmops_score_changes (run_started);
COMMENT ON TABLE supabase_migrations.crmops_score_changes IS 'One row per customer whose lead score a scoring run changed: the run (started, as of), old and new score and segment. Kept -KeepDays (default 400) days.';

DROP FUNCTION crmops.score_pages(timestamptz, bigint, bigint);
DROP FUNCTION crmops.score_without_metrics(timestamptz);
DROP FUNCTION crmops.score_targeted(timestamptz, timestamptz, timestamptz, uuid[]);

-- Changes recorded more than p_keep_days days ago go; returns how many.
CREATE FUNCTION crmops.prune_score_changes(p_keep_days integer DEFAULT 400)
RETURNS bigint
LANGUAGE plpgsql
SET search_path = ''
AS $function$
DECLARE
    v_n bigint;
BEGIN
    IF p_keep_days IS NULL OR p_keep_days NOT BETWEEN 1 AND 36500 THEN
        RAISE EXCEPTION 'keep_days must be from 1 to 36500, not %', coalesce(p_keep_days::text, 'NULL') USING ERRCODE = 'invalid_parameter_value';
    END IF;
    DELETE FROM supabase_migrations.crmops_score_changes WHERE run_started < pg_catalog.now() - pg_catalog.make_interval(days => p_keep_days);
    GET DIAGNOSTICS v_n = ROW_COUNT;
    RETURN v_n;
END;
$function$;

-- One batch of a full recalculation: the customers stored on pages [p_from_page, p_to_page) of
-- customer_profiles, scored as of p_as_of by lead_score_components(); writes only rows whose score or
-- components change, leaves updated_at alone (and, writing score columns only, fires no profile
-- trigger). A row another session rescored since this statement's snapshot is left to that session.
-- Deadlocks and serialization failures with a concurrent writer are retried. Returns the rows changed.
CREATE FUNCTION crmops.score_pages(p_as_of timestamptz, p_from_page bigint, p_to_page bigint, p_run_started timestamptz DEFAULT NULL)
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
            ), logged AS (
                INSERT INTO supabase_migrations.crmops_score_changes (run_started, as_of, customer_id, old_score, new_score)
                SELECT coalesce(p_run_started, pg_catalog.now()), p_as_of, x.id, x.old_lead_score, x.new_lead_score FROM changed x
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
CREATE FUNCTION crmops.score_without_metrics(p_as_of timestamptz, p_run_started timestamptz DEFAULT NULL)
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
            ), logged AS (
                INSERT INTO supabase_migrations.crmops_score_changes (run_started, as_of, customer_id, old_score, new_score)
                SELECT coalesce(p_run_started, pg_catalog.now()), p_as_of, x.id, x.old_lead_score, x.new_lead_score FROM changed x
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
CREATE FUNCTION crmops.score_targeted(p_as_of timestamptz, p_prev_as_of timestamptz, p_prev_started timestamptz, p_ids uuid[] DEFAULT NULL, p_run_started timestamptz DEFAULT NULL)
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
            ), logged AS (
                INSERT INTO supabase_migrations.crmops_score_changes (run_started, as_of, customer_id, old_score, new_score)
                SELECT coalesce(p_run_started, pg_catalog.now()), p_as_of, x.id, x.old_lead_score, x.new_lead_score FROM updated x
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

-- One unit of a task (Refresh, Score, RefreshAndScore) for a caller that commits between units: the
-- refresh; the scoring plan; one scoring batch (a targeted run is one); the profiles without orders;
-- the log. p_state is what the previous call returned ('{}' to start; a start state may carry
-- "as_of"); the result has "done": true after the last unit and "error" when a step failed (logged
-- as Failed; a failed refresh does not stop the scoring, which does not read the timeline).
CREATE OR REPLACE FUNCTION crmops.run_step(p_task text, p_schedule text, p_state jsonb, p_trigger text DEFAULT 'Scheduled')
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
                  FROM crmops.score_targeted(v_as_of, (s ->> 'prev_as_of')::timestamptz, (s ->> 'prev_started')::timestamptz, NULL, (s ->> 'started')::timestamptz) t;
                s := s || pg_catalog.jsonb_build_object('examined', v_seen, 'changed', v_n, 'next', 'log');
            ELSIF v_step = 'batch' THEN
                v_batch := (s ->> 'batch')::integer;
                v_ppb := (s ->> 'pages_per_batch')::bigint;
                v_n := crmops.score_pages(v_as_of, v_batch * v_ppb, least((s ->> 'pages')::bigint, (v_batch + 1) * v_ppb), (s ->> 'started')::timestamptz);
                s := s || pg_catalog.jsonb_build_object('changed', (s ->> 'changed')::bigint + v_n, 'batch', v_batch + 1,
                                                        'next', CASE WHEN v_batch + 1 >= (s ->> 'batches')::integer THEN 'no_metrics' ELSE 'batch' END);
            ELSE
                v_n := crmops.score_without_metrics(v_as_of, (s ->> 'started')::timestamptz);
                s := s || pg_catalog.jsonb_build_object('changed', (s ->> 'changed')::bigint + v_n, 'next', 'log');
            END IF;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_msg = MESSAGE_TEXT, v_state = RETURNED_SQLSTATE;
            s := s || pg_catalog.jsonb_build_object('failed', pg_catalog.format('%s (SQLSTATE %s)', v_msg, v_state), 'next', 'log');
        END;
    ELSIF v_step = 'log' THEN
        -- Retention of the change log is part of the run: changes recorded more than keep_days ago go.
        PERFORM crmops.prune_score_changes(coalesce((s ->> 'keep_days')::integer, 400));
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


REVOKE EXECUTE ON FUNCTION
    crmops.score_pages(timestamptz, bigint, bigint, timestamptz),
    crmops.score_without_metrics(timestamptz, timestamptz),
    crmops.score_targeted(timestamptz, timestamptz, timestamptz, uuid[], timestamptz),
    crmops.prune_score_changes(integer)
  FROM PUBLIC;

DO $revoke$
DECLARE
    v_role text;
BEGIN
    FOREACH v_role IN ARRAY ARRAY['anon', 'authenticated'] LOOP
        IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = v_role) THEN
            EXECUTE pg_catalog.format('REVOKE ALL ON supabase_migrations.crmops_score_changes FROM %I', v_role);
            EXECUTE pg_catalog.format('REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA crmops FROM %I', v_role);
        END IF;
    END LOOP;
END
$revoke$;
