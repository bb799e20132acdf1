-- 006: profile fields for every kind of user.
ALTER TABLE users
    ADD COLUMN avatar_url     TEXT,
    ADD COLUMN phone          VARCHAR(32),
    ADD COLUMN timezone       TEXT NOT NULL DEFAULT 'UTC',
    ADD COLUMN preferences    JSONB NOT NULL DEFAULT '{}'::jsonb,
    ADD COLUMN last_login_at  TIMESTAMPTZ;

-- Customers sign up with an email address only.
ALTER TABLE users ALTER COLUMN full_name DROP NOT NULL;

CREATE INDEX idx_users_last_login_at ON users (last_login_at DESC);
CREATE INDEX idx_users_active_role ON users (role) WHERE is_active;
