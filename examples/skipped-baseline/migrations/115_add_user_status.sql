-- 115: account approval workflow.
-- Written on a long-lived feature branch and merged after 200 had already been
-- deployed; the migration runner only applies versions above the highest one
-- recorded, so production never ran this file.
ALTER TABLE users
    ADD COLUMN status VARCHAR(20) DEFAULT 'active'
        CHECK (status IN ('active', 'pending_approval', 'suspended', 'rejected')),
    ADD COLUMN signup_date TIMESTAMPTZ DEFAULT now(),
    ADD COLUMN signup_metadata JSONB DEFAULT '{}';

CREATE INDEX idx_users_status ON users (status);
