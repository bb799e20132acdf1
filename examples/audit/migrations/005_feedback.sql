CREATE TABLE feedback.surveys (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   UUID NOT NULL REFERENCES core.tenants (id),
    title       TEXT NOT NULL,
    status      feedback.survey_status NOT NULL DEFAULT 'draft',
    created_by  UUID REFERENCES identity.users (id) ON DELETE SET NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at  TIMESTAMPTZ
);

CREATE INDEX surveys_tenant_id_status_idx ON feedback.surveys (tenant_id, status);

CREATE TABLE feedback.responses (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id     UUID NOT NULL REFERENCES core.tenants (id),
    survey_id     BIGINT NOT NULL REFERENCES feedback.surveys (id) ON DELETE CASCADE,
    lead_id       BIGINT REFERENCES lead.leads (id) ON DELETE SET NULL,
    rating        SMALLINT NOT NULL CHECK (rating BETWEEN 0 AND 10),
    comment       TEXT,
    submitted_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT responses_survey_id_lead_id_key UNIQUE (survey_id, lead_id)
);

CREATE TABLE feedback.response_tags (
    response_id  BIGINT NOT NULL REFERENCES feedback.responses (id) ON DELETE CASCADE,
    tag          TEXT NOT NULL CHECK (tag = lower(tag)),
    PRIMARY KEY (response_id, tag)
);
