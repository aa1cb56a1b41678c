-- CrmOps sandbox: keys, indexes and foreign keys, created after the bulk load.
ALTER TABLE customers ADD CONSTRAINT customers_pkey PRIMARY KEY (id);
ALTER TABLE orders ADD CONSTRAINT orders_pkey PRIMARY KEY (id);
ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey
    FOREIGN KEY (customer_id) REFERENCES customers (id);

ALTER TABLE customer_profiles ADD CONSTRAINT customer_profiles_pkey PRIMARY KEY (id);
ALTER TABLE customer_emails ADD CONSTRAINT customer_emails_pkey PRIMARY KEY (id);
ALTER TABLE customer_engagement_metrics ADD CONSTRAINT customer_engagement_metrics_pkey PRIMARY KEY (customer_id);
ALTER TABLE orders_htx ADD CONSTRAINT orders_htx_pkey PRIMARY KEY (order_id);
ALTER TABLE orders_eventbrite ADD CONSTRAINT orders_eventbrite_pkey PRIMARY KEY (id);

CREATE UNIQUE INDEX customer_emails_email_lower_key ON customer_emails (lower(email));
CREATE UNIQUE INDEX customer_emails_one_primary_key ON customer_emails (customer_id) WHERE is_primary;
CREATE INDEX idx_customer_emails_customer_id ON customer_emails (customer_id);
CREATE INDEX idx_customer_engagement_metrics_last_order_at ON customer_engagement_metrics (last_order_at);

CREATE INDEX idx_orders_htx_email_norm ON orders_htx (lower(trim(email)));
CREATE INDEX idx_orders_htx_created_at ON orders_htx (created_at);
CREATE INDEX idx_orders_eventbrite_email_norm ON orders_eventbrite (lower(trim(email)));
CREATE INDEX idx_orders_eventbrite_created ON orders_eventbrite (created);

ALTER TABLE customer_emails ADD CONSTRAINT customer_emails_customer_id_fkey
    FOREIGN KEY (customer_id) REFERENCES customer_profiles (id) ON DELETE CASCADE;
ALTER TABLE customer_engagement_metrics ADD CONSTRAINT customer_engagement_metrics_customer_id_fkey
    FOREIGN KEY (customer_id) REFERENCES customer_profiles (id) ON DELETE CASCADE;

CREATE UNIQUE INDEX customer_marketing_export_customer_id_key ON customer_marketing_export (customer_id);
