CREATE TABLE identity.users (
    id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id   UUID NOT NULL REFERENCES core.tenants (id),
    email       TEXT NOT NULL,
    full_name   TEXT,
    role        identity.user_role NOT NULL DEFAULT 'agent',
    status      TEXT NOT NULL DEFAULT 'active'
                CHECK (status IN ('invited', 'active', 'disabled')),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at  TIMESTAMPTZ
);

CREATE INDEX users_tenant_id_idx ON identity.users (tenant_id);
CREATE UNIQUE INDEX users_tenant_email_active_key
    ON identity.users (tenant_id, lower(email)) WHERE deleted_at IS NULL;

CREATE TABLE identity.api_keys (
    id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id   UUID NOT NULL REFERENCES core.tenants (id),
    user_id     UUID NOT NULL REFERENCES identity.users (id) ON DELETE CASCADE,
    key_prefix  TEXT NOT NULL CHECK (length(key_prefix) = 8),
    key_hash    TEXT NOT NULL UNIQUE,
    expires_at  TIMESTAMPTZ,
    revoked_at  TIMESTAMPTZ,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX api_keys_tenant_id_idx ON identity.api_keys (tenant_id);

CREATE TABLE identity.sessions (
    id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id   UUID NOT NULL REFERENCES core.tenants (id),
    user_id     UUID NOT NULL REFERENCES identity.users (id) ON DELETE CASCADE,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at  TIMESTAMPTZ NOT NULL,
    CONSTRAINT sessions_expiry_after_creation CHECK (expires_at > created_at)
);

CREATE INDEX sessions_user_id_idx ON identity.sessions (user_id);

-- Used by the login endpoint before any tenant is selected, so it has to see
-- every tenant's users: SECURITY DEFINER.
CREATE FUNCTION identity.find_user_for_login(p_tenant_slug text, p_email text)
RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER
AS $$
    SELECT u.id
    FROM identity.users u
    JOIN core.tenants t ON t.id = u.tenant_id
    WHERE t.slug = p_tenant_slug
      AND lower(u.email) = lower(p_email)
      AND u.deleted_at IS NULL
      AND t.deleted_at IS NULL
$$;
