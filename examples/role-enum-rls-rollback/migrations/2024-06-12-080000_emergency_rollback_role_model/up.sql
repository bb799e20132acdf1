-- 008: EMERGENCY ROLLBACK of 004-007 (incident 2024-06-12, sales reps locked out).
-- Written during the incident.  Undo in reverse order: helpers and policies
-- (007), table and column names (005), role values (004).  The profile
-- columns (006) are harmless and stay.

-- 007: old helper back, new helpers out
CREATE OR REPLACE FUNCTION get_current_iso_agent_id() RETURNS uuid
LANGUAGE sql STABLE AS $$
    SELECT nullif(current_setting('app.user_id', true), '')::uuid
$$;

DROP FUNCTION IF EXISTS get_current_user_id();
DROP FUNCTION IF EXISTS get_current_user_role();
DROP FUNCTION IF EXISTS is_sales_rep();
DROP FUNCTION IF EXISTS is_customer();

-- 007: new policies out, old policies back
DROP POLICY IF EXISTS users_select ON users;
DROP POLICY IF EXISTS users_update_own ON users;
DROP POLICY IF EXISTS client_profiles_sales_rep ON client_profiles;
DROP POLICY IF EXISTS client_profiles_staff_read ON client_profiles;
DROP POLICY IF EXISTS requests_owner ON requests;
DROP POLICY IF EXISTS requests_customer_read ON requests;
DROP POLICY IF EXISTS requests_staff_read ON requests;
DROP POLICY IF EXISTS quotes_visible ON quotes;
DROP POLICY IF EXISTS workflow_states_owner ON workflow_states;
DROP POLICY IF EXISTS agent_executions_visible ON agent_executions;

CREATE POLICY iso_agents_select_own ON users
    FOR SELECT USING (id = get_current_iso_agent_id());
CREATE POLICY iso_agents_update_own ON users
    FOR UPDATE USING (id = get_current_iso_agent_id());
CREATE POLICY client_profiles_agent_all ON client_profiles
    FOR ALL USING (user_id = get_current_iso_agent_id())
    WITH CHECK (user_id = get_current_iso_agent_id());
CREATE POLICY requests_agent_all ON requests
    FOR ALL USING (user_id = get_current_iso_agent_id())
    WITH CHECK (user_id = get_current_iso_agent_id());
CREATE POLICY quotes_agent_select ON quotes
    FOR SELECT USING (EXISTS (
        SELECT 1 FROM requests r
        WHERE r.id = quotes.request_id AND r.user_id = get_current_iso_agent_id()));
CREATE POLICY workflow_states_agent_all ON workflow_states
    FOR ALL USING (EXISTS (
        SELECT 1 FROM requests r
        WHERE r.id = workflow_states.request_id AND r.user_id = get_current_iso_agent_id()));

-- 005: names back
ALTER TABLE client_profiles RENAME COLUMN user_id TO iso_agent_id;
ALTER TABLE requests RENAME COLUMN user_id TO iso_agent_id;
ALTER TABLE users RENAME TO iso_agents;

-- 004: roles back.  Enum values cannot be dropped; the extra ones are unused.
UPDATE iso_agents SET role = 'iso_agent' WHERE role = 'sales_rep';
ALTER TABLE iso_agents ALTER COLUMN role SET DEFAULT 'iso_agent';
