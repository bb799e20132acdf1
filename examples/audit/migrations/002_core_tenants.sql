CREATE TABLE core.tenants (
    id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    slug        TEXT NOT NULL,
    name        TEXT NOT NULL,
    plan        core.plan_tier NOT NULL DEFAULT 'free',
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at  TIMESTAMPTZ,
    CONSTRAINT tenants_slug_format CHECK (slug ~ '^[a-z0-9-]{3,40}$')
);

-- A slug is free again once its tenant is soft-deleted.
CREATE UNIQUE INDEX tenants_slug_active_key ON core.tenants (slug) WHERE deleted_at IS NULL;

CREATE TABLE core.tenant_settings (
    tenant_id  UUID PRIMARY KEY REFERENCES core.tenants (id) ON DELETE CASCADE,
    timezone   TEXT NOT NULL DEFAULT 'UTC',
    locale     TEXT NOT NULL DEFAULT 'en',
    settings   JSONB NOT NULL DEFAULT '{}'::jsonb
);

-- Set per request by the API: SET LOCAL app.tenant_id = '<uuid>'.
CREATE FUNCTION core.current_tenant_id() RETURNS uuid
LANGUAGE sql STABLE
SET search_path = ''
AS $$
    SELECT nullif(pg_catalog.current_setting('app.tenant_id', true), '')::uuid
$$;
