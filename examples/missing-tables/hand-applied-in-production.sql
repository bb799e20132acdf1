-- Typed into psql on the production database during the incident, so that the
-- admin API would stop failing.  Never committed as a migration; shown here
-- only because production.sql was produced from
--   migrations/001..005 + this file.
CREATE TABLE user_invitations (
    id              BIGSERIAL PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    email           TEXT NOT NULL,
    role            TEXT NOT NULL DEFAULT 'member',
    token           TEXT NOT NULL,
    invited_by      BIGINT REFERENCES users (id),
    expires_at      TIMESTAMPTZ NOT NULL,
    accepted_at     TIMESTAMPTZ,
    created_at      TIMESTAMPTZ DEFAULT now()
);

CREATE TABLE pending_signup_queue (
    id              BIGSERIAL PRIMARY KEY,
    organization_id BIGINT NOT NULL REFERENCES organizations (id),
    email           TEXT NOT NULL,
    full_name       TEXT,
    status          TEXT NOT NULL DEFAULT 'pending',
    requested_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    reviewed_by     BIGINT REFERENCES users (id),
    reviewed_at     TIMESTAMPTZ
);
