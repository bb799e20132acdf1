-- 002: the agents' clients, their requests, quotes and the AI workflow tables.
CREATE TABLE client_profiles (
    id             UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    iso_agent_id   UUID NOT NULL REFERENCES iso_agents (id) ON DELETE CASCADE,
    business_name  TEXT NOT NULL,
    contact_email  TEXT,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_client_profiles_iso_agent_id ON client_profiles (iso_agent_id);

CREATE TABLE requests (
    id                 UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    client_profile_id  UUID NOT NULL REFERENCES client_profiles (id) ON DELETE CASCADE,
    iso_agent_id       UUID NOT NULL REFERENCES iso_agents (id),
    status             TEXT NOT NULL DEFAULT 'draft'
                       CHECK (status IN ('draft', 'submitted', 'quoted', 'closed')),
    amount_requested   NUMERIC(12, 2),
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_requests_iso_agent_id ON requests (iso_agent_id);
CREATE INDEX idx_requests_client_profile_id ON requests (client_profile_id);

CREATE TABLE quotes (
    id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    request_id  UUID NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    lender      TEXT NOT NULL,
    amount      NUMERIC(12, 2) NOT NULL,
    rate_bps    INTEGER NOT NULL CHECK (rate_bps > 0),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_quotes_request_id ON quotes (request_id);

CREATE TABLE workflow_states (
    id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    request_id  UUID NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    state       TEXT NOT NULL,
    data        JSONB NOT NULL DEFAULT '{}'::jsonb,
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX idx_workflow_states_request_id ON workflow_states (request_id);

CREATE TABLE agent_executions (
    id           UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    request_id   UUID NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    agent_name   TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'running'
                 CHECK (status IN ('running', 'succeeded', 'failed')),
    started_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at  TIMESTAMPTZ
);
CREATE INDEX idx_agent_executions_request_id ON agent_executions (request_id);
