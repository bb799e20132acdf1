ALTER INDEX idx_requests_user_id RENAME TO idx_requests_iso_agent_id;
ALTER TABLE requests
    RENAME CONSTRAINT requests_user_id_fkey TO requests_iso_agent_id_fkey;
ALTER TABLE requests RENAME COLUMN user_id TO iso_agent_id;

ALTER INDEX idx_client_profiles_user_id RENAME TO idx_client_profiles_iso_agent_id;
ALTER TABLE client_profiles
    RENAME CONSTRAINT client_profiles_user_id_fkey TO client_profiles_iso_agent_id_fkey;
ALTER TABLE client_profiles RENAME COLUMN user_id TO iso_agent_id;

ALTER TRIGGER users_set_updated_at ON users RENAME TO iso_agents_set_updated_at;
ALTER INDEX idx_users_role RENAME TO idx_iso_agents_role;
ALTER INDEX idx_users_email RENAME TO idx_iso_agents_email;
ALTER INDEX users_pkey RENAME TO iso_agents_pkey;
ALTER TABLE users RENAME TO iso_agents;
