-- Rows of the marketing export (Test-CrmDatabase MarketingExportFresh).
select count(*) from public.customer_marketing_export;
