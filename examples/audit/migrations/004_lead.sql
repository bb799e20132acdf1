CREATE TABLE lead.sources (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id  UUID NOT NULL REFERENCES core.tenants (id),
    name       TEXT NOT NULL,
    CONSTRAINT sources_tenant_id_name_key UNIQUE (tenant_id, name)
);

CREATE TABLE lead.leads (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   UUID NOT NULL REFERENCES core.tenants (id),
    source_id   BIGINT REFERENCES lead.sources (id),
    owner_id    UUID REFERENCES identity.users (id) ON DELETE SET NULL,
    status      lead.lead_status NOT NULL DEFAULT 'new',
    email       TEXT,
    company     TEXT,
    score       SMALLINT NOT NULL DEFAULT 0 CHECK (score BETWEEN 0 AND 100),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at  TIMESTAMPTZ
);

CREATE INDEX leads_tenant_status_idx ON lead.leads (tenant_id, status) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX leads_tenant_email_key
    ON lead.leads (tenant_id, lower(email)) WHERE deleted_at IS NULL AND email IS NOT NULL;

CREATE TABLE lead.lead_notes (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   UUID NOT NULL REFERENCES core.tenants (id),
    lead_id     BIGINT NOT NULL REFERENCES lead.leads (id) ON DELETE CASCADE,
    author_id   UUID REFERENCES identity.users (id) ON DELETE SET NULL,
    body        TEXT NOT NULL CHECK (length(body) > 0),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at  TIMESTAMPTZ
);

CREATE INDEX lead_notes_lead_id_idx ON lead.lead_notes (lead_id);

CREATE TABLE lead.lead_activities (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id    UUID NOT NULL REFERENCES core.tenants (id),
    lead_id      BIGINT NOT NULL REFERENCES lead.leads (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('call', 'email', 'meeting')),
    occurred_at  TIMESTAMPTZ NOT NULL,
    payload      JSONB NOT NULL DEFAULT '{}'::jsonb
);

CREATE INDEX lead_activities_lead_id_occurred_at_idx
    ON lead.lead_activities (lead_id, occurred_at DESC);
