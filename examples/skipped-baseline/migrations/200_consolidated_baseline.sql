-- 200: consolidated production baseline.
-- Squashes everything up to here so that a fresh environment can start from
-- this one file.  Written to be "safe to run anywhere": every statement is
-- IF NOT EXISTS.  On a database that already has these tables PostgreSQL skips
-- each CREATE TABLE as a whole (with a NOTICE) -- nothing below is compared
-- with, or added to, the existing table.
CREATE TABLE IF NOT EXISTS users (
    id               UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    email            VARCHAR(255) NOT NULL UNIQUE,
    password         VARCHAR(255) NOT NULL,
    name             VARCHAR(255),
    role             VARCHAR(20) NOT NULL DEFAULT 'customer'
                     CHECK (role IN ('customer', 'staff', 'admin')),
    phone            VARCHAR(32),
    status           VARCHAR(20) DEFAULT 'active'
                     CHECK (status IN ('active', 'pending_approval', 'suspended', 'rejected')),
    signup_date      TIMESTAMPTZ DEFAULT now(),
    signup_metadata  JSONB DEFAULT '{}',
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS idx_users_role ON users (role);

CREATE TABLE IF NOT EXISTS sessions (
    id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash  VARCHAR(128) NOT NULL UNIQUE,
    expires_at  TIMESTAMPTZ NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS idx_sessions_user_id ON sessions (user_id);

-- New in 200: the only object this file actually creates on an existing database.
CREATE TABLE IF NOT EXISTS admin_audit_log (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    admin_id    UUID NOT NULL REFERENCES users (id),
    action      VARCHAR(64) NOT NULL,
    target_id   UUID,
    details     JSONB NOT NULL DEFAULT '{}',
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
