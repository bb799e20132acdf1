-- 002: roles for the admin panel.
ALTER TABLE users
    ADD COLUMN role VARCHAR(20) NOT NULL DEFAULT 'customer'
        CONSTRAINT users_role_check CHECK (role IN ('customer', 'staff', 'admin'));

CREATE INDEX idx_users_role ON users (role);
