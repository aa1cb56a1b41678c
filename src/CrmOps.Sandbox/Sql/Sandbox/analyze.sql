-- Fresh statistics for every table the sample CRM loaded (the planner needs them at once).
analyze customers, orders, customer_profiles, customer_emails, customer_engagement_metrics,
        orders_htx, orders_eventbrite, customer_marketing_export;
