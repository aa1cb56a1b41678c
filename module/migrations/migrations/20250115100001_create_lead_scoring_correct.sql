-- crmops:require-rows customer_profiles >= 10
-- crmops:require-rows customer_engagement_metrics >= 10
--
-- RFM lead scoring on customer_profiles (the seed's corrected migration 2), with the scoring
-- rules in ONE function, lead_score_components(), that the triggers and Update-CrmLeadScore both
-- call. lead_score = 3 x recency + 2 x frequency + 1 x monetary (6..30); Hot 24-30, Warm 18-23,
-- Cool 12-17, Cold 6-11. Scores are filled by Update-CrmLeadScore (set-based, as of an instant),
-- not here: an UPDATE of every customer inside this migration would hold the table's lock for
-- its whole duration.

ALTER TABLE public.customer_profiles
    ADD COLUMN lead_score     integer CONSTRAINT customer_profiles_lead_score_range CHECK (lead_score BETWEEN 6 AND 30),
    ADD COLUMN rfm_recency    integer CONSTRAINT customer_profiles_rfm_recency_range CHECK (rfm_recency BETWEEN 1 AND 5),
    ADD COLUMN rfm_frequency  integer CONSTRAINT customer_profiles_rfm_frequency_range CHECK (rfm_frequency BETWEEN 1 AND 5),
    ADD COLUMN rfm_monetary   integer CONSTRAINT customer_profiles_rfm_monetary_range CHECK (rfm_monetary BETWEEN 1 AND 5),
    ADD COLUMN last_scored_at timestamptz;

COMMENT ON COLUMN public.customer_profiles.lead_score IS 'RFM lead score 6..30 = 3*rfm_recency + 2*rfm_frequency + rfm_monetary.';
COMMENT ON COLUMN public.customer_profiles.last_scored_at IS 'The as-of instant of the scoring that last changed this row''s score.';

-- The scoring rules, once. "<= 30 days" means last_order_at >= as_of - interval '30 days'.
CREATE FUNCTION public.lead_score_components(
    p_last_order_at   timestamptz,
    p_lifetime_orders integer,
    p_lifetime_net    numeric,
    p_as_of           timestamptz)
RETURNS TABLE (recency integer, frequency integer, monetary integer, lead_score integer)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT r, f, m, 3 * r + 2 * f + m
      FROM (SELECT CASE WHEN p_last_order_at IS NULL                            THEN 1
                        WHEN p_last_order_at >= p_as_of - interval '30 days'    THEN 5
                        WHEN p_last_order_at >= p_as_of - interval '60 days'    THEN 4
                        WHEN p_last_order_at >= p_as_of - interval '90 days'    THEN 3
                        WHEN p_last_order_at >= p_as_of - interval '180 days'   THEN 2
                        ELSE 1 END AS r,
                   CASE WHEN coalesce(p_lifetime_orders, 0) >= 10 THEN 5
                        WHEN coalesce(p_lifetime_orders, 0) >= 5  THEN 4
                        WHEN coalesce(p_lifetime_orders, 0) >= 3  THEN 3
                        WHEN coalesce(p_lifetime_orders, 0) >= 1  THEN 2
                        ELSE 1 END AS f,
                   CASE WHEN coalesce(p_lifetime_net, 0) >= 1000 THEN 5
                        WHEN coalesce(p_lifetime_net, 0) >= 500  THEN 4
                        WHEN coalesce(p_lifetime_net, 0) >= 200  THEN 3
                        WHEN coalesce(p_lifetime_net, 0) >= 50   THEN 2
                        ELSE 1 END AS m) s
$$;

COMMENT ON FUNCTION public.lead_score_components(timestamptz, integer, numeric, timestamptz) IS
    'RFM rules (recency, frequency, monetary, lead_score) as of an instant. The single definition used by the triggers and Update-CrmLeadScore.';

-- A profile inserted or edited is scored as of now. The column list leaves out the score columns,
-- so Update-CrmLeadScore's writes (as of its own instant) do not fire it.
CREATE FUNCTION public.calculate_lead_score_for_customer_profiles()
RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    s record;
BEGIN
    SELECT c.recency, c.frequency, c.monetary, c.lead_score INTO s
      FROM (SELECT 1) one
      LEFT JOIN public.customer_engagement_metrics m ON m.customer_id = NEW.id
     CROSS JOIN LATERAL public.lead_score_components(m.last_order_at, m.lifetime_orders, m.lifetime_net, now()) c;
    NEW.rfm_recency    := s.recency;
    NEW.rfm_frequency  := s.frequency;
    NEW.rfm_monetary   := s.monetary;
    NEW.lead_score     := s.lead_score;
    NEW.last_scored_at := now();
    RETURN NEW;
END;
$$;

CREATE TRIGGER calculate_customer_profile_lead_score
    BEFORE INSERT OR UPDATE OF id, canonical_full_name, first_name, last_name, phone, created_at, updated_at
    ON public.customer_profiles
    FOR EACH ROW EXECUTE FUNCTION public.calculate_lead_score_for_customer_profiles();

-- An engagement row inserted or changed by the order sync rescores its customer as of now.
CREATE FUNCTION public.recalculate_customer_profile_lead_score()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    UPDATE public.customer_profiles p
       SET rfm_recency = c.recency, rfm_frequency = c.frequency, rfm_monetary = c.monetary,
           lead_score = c.lead_score, last_scored_at = now()
      FROM public.lead_score_components(NEW.last_order_at, NEW.lifetime_orders, NEW.lifetime_net, now()) c
     WHERE p.id = NEW.customer_id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER recalculate_lead_score_on_engagement_change
    AFTER INSERT OR UPDATE ON public.customer_engagement_metrics
    FOR EACH ROW EXECUTE FUNCTION public.recalculate_customer_profile_lead_score();

CREATE INDEX idx_customer_profiles_lead_score ON public.customer_profiles (lead_score DESC);
CREATE INDEX idx_customer_profiles_rfm_scores ON public.customer_profiles (rfm_recency, rfm_frequency, rfm_monetary);
-- Let a daily Update-CrmLeadScore find the few customers whose recency band changed, or whose
-- engagement row changed, since the previous run, instead of scanning everyone.
CREATE INDEX idx_customer_engagement_metrics_scoring_last_order ON public.customer_engagement_metrics (last_order_at);
CREATE INDEX idx_customer_engagement_metrics_scoring_updated ON public.customer_engagement_metrics (updated_at);
