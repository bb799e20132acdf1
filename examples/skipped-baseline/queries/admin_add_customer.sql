-- POST /admin/customers  (the admin "add customer" endpoint)
-- The ORM model was updated together with migration 115, so the INSERT names
-- the three columns 115 adds.
INSERT INTO users (id, email, password, name, role, phone, status, signup_date, signup_metadata)
VALUES (
    gen_random_uuid(),
    'new.customer@example.com',
    '$2b$12$e0MYzXyjpJS7Pd0RVvHwHeFX4lEKY.YBUGR7gZ9jP2Jf6yW3VxMcu',
    'New Customer',
    'customer',
    '+1-555-0100',
    'pending_approval',
    now(),
    '{"source": "admin_panel"}'
)
RETURNING id;
