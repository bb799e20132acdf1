-- 001: single-role ISO agents.
CREATE TYPE user_role AS ENUM ('iso_agent', 'admin');

CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

CREATE TABLE iso_agents (
    id            UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    email         TEXT NOT NULL,
    full_name     TEXT NOT NULL,
    role          user_role NOT NULL DEFAULT 'iso_agent',
    company_name  TEXT,
    is_active     BOOLEAN NOT NULL DEFAULT true,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX idx_iso_agents_email ON iso_agents (lower(email));
CREATE INDEX idx_iso_agents_role ON iso_agents (role);

CREATE TRIGGER iso_agents_set_updated_at
    BEFORE UPDATE ON iso_agents
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
