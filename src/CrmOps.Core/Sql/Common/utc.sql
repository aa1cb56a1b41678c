-- Dates as ISO 8601 in UTC for the rest of this transaction (CSV exports).
set local timezone = 'UTC';
