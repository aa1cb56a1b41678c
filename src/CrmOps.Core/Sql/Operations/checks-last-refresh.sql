SELECT max(started_at) FROM {refresh_log}
 WHERE view_name = 'public.customer_activity_timeline' AND status = 'Succeeded';
