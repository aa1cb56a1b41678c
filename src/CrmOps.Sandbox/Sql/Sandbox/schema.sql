-- CrmOps sandbox: the CRM database as it stands before the two corrected migrations
-- (see spec/crm-database.md). Tables and views only; primary keys, secondary indexes and
-- foreign keys are added by schema-post-load.sql so that a bulk load (binary COPY) into the
-- bare heaps stays fast. For an empty sandbox run both files back to back.

-- Test leftovers: the trap the seed fell into (3 test rows in customers, orders empty).
CREATE TABLE customers (
    id          uuid        NOT NULL DEFAULT gen_random_uuid(),
    full_name   text,
    email       text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE orders (
    id          uuid        NOT NULL DEFAULT gen_random_uuid(),
    customer_id uuid,
    amount      numeric(12,2),
    status      text,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- The real customer data.
CREATE TABLE customer_profiles (
    id                  uuid        NOT NULL DEFAULT gen_random_uuid(),
    canonical_full_name text        NOT NULL,
    first_name          text,
    last_name           text,
    phone               text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE customer_emails (
    id          bigint      GENERATED ALWAYS AS IDENTITY,
    customer_id uuid        NOT NULL,
    email       text        NOT NULL,
    is_primary  boolean     NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE customer_engagement_metrics (
    customer_id     uuid          NOT NULL,
    lifetime_orders integer       NOT NULL DEFAULT 0,
    lifetime_gross  numeric(12,2) NOT NULL DEFAULT 0,
    lifetime_net    numeric(12,2) NOT NULL DEFAULT 0,
    first_order_at  timestamptz,
    last_order_at   timestamptz,
    updated_at      timestamptz   NOT NULL DEFAULT now()
);

-- Raw platform orders, as synced.
CREATE TABLE orders_htx (
    order_id     text          NOT NULL,
    event_id     text          NOT NULL,
    event_name   text          NOT NULL,
    email        text,
    first_name   text,
    last_name    text,
    total_amount numeric(12,2) NOT NULL,
    net_amount   numeric(12,2),
    currency     text          NOT NULL DEFAULT 'AUD',
    status       text          NOT NULL,
    created_at   timestamptz   NOT NULL,
    raw          jsonb
);

CREATE TABLE orders_eventbrite (
    id         text          NOT NULL,
    event_id   text          NOT NULL,
    event_name text          NOT NULL,
    email      text,
    name       text,
    gross      numeric(12,2) NOT NULL,
    net        numeric(12,2),
    currency   text          NOT NULL DEFAULT 'AUD',
    status     text          NOT NULL,
    created    timestamptz   NOT NULL,
    raw        jsonb
);

COMMENT ON TABLE customers IS 'Test leftovers (3 rows). Not the customer master: see customer_profiles.';
COMMENT ON TABLE orders IS 'Test leftovers (empty). Real orders are in orders_htx and orders_eventbrite.';
COMMENT ON TABLE customer_profiles IS 'Master customer records, one per person.';
COMMENT ON TABLE customer_emails IS 'Email addresses per customer (lower-case, trimmed); links platform orders to customers.';
COMMENT ON TABLE customer_engagement_metrics IS 'Lifetime order stats per customer, maintained by the order sync: completed orders across all of the customer''s emails.';
COMMENT ON TABLE orders_htx IS 'Humanitix orders (raw sync). Status: completed, cancelled, refunded.';
COMMENT ON TABLE orders_eventbrite IS 'Eventbrite orders (raw sync). Status: placed, refunded, deleted.';

-- Both platforms unified, one row per raw order.
CREATE VIEW customer_orders_v AS
SELECT 'humanitix'::text                                  AS source,
       h.order_id                                         AS order_id,
       lower(trim(h.email))                               AS email,
       nullif(concat_ws(' ', h.first_name, h.last_name), '') AS purchaser_name,
       h.event_id                                         AS event_id,
       h.event_name                                       AS event_name,
       h.total_amount::numeric(12,2)                      AS amount,
       h.net_amount::numeric(12,2)                        AS net_amount,
       h.currency                                         AS currency,
       h.status                                           AS status,
       h.created_at                                       AS created_at
  FROM orders_htx h
UNION ALL
SELECT 'eventbrite'::text,
       e.id,
       lower(trim(e.email)),
       e.name,
       e.event_id,
       e.event_name,
       e.gross::numeric(12,2),
       e.net::numeric(12,2),
       e.currency,
       CASE e.status WHEN 'placed'   THEN 'completed'
                     WHEN 'refunded' THEN 'refunded'
                     WHEN 'deleted'  THEN 'cancelled'
                     ELSE e.status END,
       e.created
  FROM orders_eventbrite e;

COMMENT ON VIEW customer_orders_v IS 'Humanitix and Eventbrite orders unified; email is lower(trim(email)).';

CREATE VIEW customers_flat_v AS
SELECT p.id                               AS customer_id,
       p.canonical_full_name              AS canonical_full_name,
       e.email                            AS primary_email,
       coalesce(m.lifetime_orders, 0)     AS lifetime_orders,
       coalesce(m.lifetime_net, 0)::numeric(12,2) AS lifetime_net,
       m.first_order_at                   AS first_order_at,
       m.last_order_at                    AS last_order_at,
       p.created_at                       AS created_at
  FROM customer_profiles p
  LEFT JOIN customer_emails e ON e.customer_id = p.id AND e.is_primary
  LEFT JOIN customer_engagement_metrics m ON m.customer_id = p.id;

COMMENT ON VIEW customers_flat_v IS 'One row per customer profile with primary email and lifetime stats.';

CREATE MATERIALIZED VIEW customer_marketing_export AS
SELECT p.id                           AS customer_id,
       p.canonical_full_name          AS full_name,
       e.email                        AS email,
       coalesce(m.lifetime_orders, 0) AS lifetime_orders,
       coalesce(m.lifetime_net, 0)::numeric(12,2) AS lifetime_net,
       m.last_order_at                AS last_order_at
  FROM customer_profiles p
  LEFT JOIN customer_emails e ON e.customer_id = p.id AND e.is_primary
  LEFT JOIN customer_engagement_metrics m ON m.customer_id = p.id
WITH NO DATA;

COMMENT ON MATERIALIZED VIEW customer_marketing_export IS 'Marketing-ready export: one row per customer with primary email.';
