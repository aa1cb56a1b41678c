-- CrmOps' own operational log, created on first use. PostgreSQL records neither when a
-- materialized view was refreshed nor how scores moved over time: these tables do.
CREATE SCHEMA IF NOT EXISTS crmops;

CREATE TABLE IF NOT EXISTS crmops.refresh_log (
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
CREATE INDEX IF NOT EXISTS refresh_log_view_started ON crmops.refresh_log (view_name, started_at DESC);

CREATE TABLE IF NOT EXISTS crmops.scoring_runs (
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
CREATE INDEX IF NOT EXISTS scoring_runs_started ON crmops.scoring_runs (started_at DESC);

-- Who ran each entry: Manual (a cmdlet, or the SQL functions called by hand) or Scheduled (a pg_cron
-- job of Register-CrmSchedule, named in schedule); scoring runs that failed are logged too. The
-- built-in migration 20261126150030 adds the same columns.
ALTER TABLE crmops.refresh_log
    ADD COLUMN IF NOT EXISTS trigger  text NOT NULL DEFAULT 'Manual',
    ADD COLUMN IF NOT EXISTS schedule text;
ALTER TABLE crmops.scoring_runs
    ADD COLUMN IF NOT EXISTS trigger  text NOT NULL DEFAULT 'Manual',
    ADD COLUMN IF NOT EXISTS schedule text,
    ADD COLUMN IF NOT EXISTS status   text NOT NULL DEFAULT 'Succeeded',
    ADD COLUMN IF NOT EXISTS message  text;
COMMENT ON TABLE crmops.refresh_log IS 'Every materialized view refresh made by Invoke-CrmTimelineRefresh or a Register-CrmSchedule job: mode, status, rows before and after, duration, trigger.';
COMMENT ON TABLE crmops.scoring_runs IS 'Every Update-CrmLeadScore or scheduled scoring run: as-of instant, customers per segment, rows changed, duration, trigger, status.';

-- One row per customer whose score a run changed, written by the scoring statement itself (the
-- built-in migration 20261126174000 creates the same table).
CREATE TABLE IF NOT EXISTS crmops.score_changes (
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
CREATE INDEX IF NOT EXISTS score_changes_run ON crmops.score_changes (as_of, run_started);
CREATE INDEX IF NOT EXISTS score_changes_recorded ON crmops.score_changes (run_started);
COMMENT ON TABLE crmops.score_changes IS 'One row per customer whose lead score a scoring run changed: the run (started, as of), old and new score and segment. Kept -KeepDays (default 400) days.';
