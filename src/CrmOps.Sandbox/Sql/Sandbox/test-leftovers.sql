-- The three test rows the seed's first migrations were wrongly applied to; orders stays empty.
INSERT INTO customers (id, full_name, email, created_at, updated_at) VALUES
    ('00000000-0000-4000-8000-000000000001', 'Test User',     'test@example.com',      '2025-01-14 22:05:00+00', '2025-01-14 22:05:00+00'),
    ('00000000-0000-4000-8000-000000000002', 'Jane Test',     'jane.test@example.com', '2025-01-14 22:06:10+00', '2025-01-14 22:06:10+00'),
    ('00000000-0000-4000-8000-000000000003', 'Demo Customer', 'demo@example.com',      '2025-01-14 22:07:45+00', '2025-01-14 22:07:45+00');
