-- 005: iso_agents -> users, with its indexes and trigger; the owning columns
-- on client_profiles and requests become user_id.  Existing policies keep
-- working: they reference the table and columns by OID/number, not by name.
ALTER TABLE iso_agents RENAME TO users;
ALTER INDEX iso_agents_pkey RENAME TO users_pkey;
ALTER INDEX idx_iso_agents_email RENAME TO idx_users_email;
ALTER INDEX idx_iso_agents_role RENAME TO idx_users_role;
ALTER TRIGGER iso_agents_set_updated_at ON users RENAME TO users_set_updated_at;

ALTER TABLE client_profiles RENAME COLUMN iso_agent_id TO user_id;
ALTER TABLE client_profiles
    RENAME CONSTRAINT client_profiles_iso_agent_id_fkey TO client_profiles_user_id_fkey;
ALTER INDEX idx_client_profiles_iso_agent_id RENAME TO idx_client_profiles_user_id;

ALTER TABLE requests RENAME COLUMN iso_agent_id TO user_id;
ALTER TABLE requests
    RENAME CONSTRAINT requests_iso_agent_id_fkey TO requests_user_id_fkey;
ALTER INDEX idx_requests_iso_agent_id RENAME TO idx_requests_user_id;
