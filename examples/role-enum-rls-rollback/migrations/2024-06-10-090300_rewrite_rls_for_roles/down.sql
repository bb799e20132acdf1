CREATE FUNCTION get_current_iso_agent_id() RETURNS uuid
LANGUAGE sql STABLE AS $$
    SELECT nullif(current_setting('app.user_id', true), '')::uuid
$$;

DROP FUNCTION is_customer();
DROP FUNCTION is_sales_rep();
DROP FUNCTION get_current_user_role();
DROP FUNCTION get_current_user_id();

DROP POLICY agent_executions_visible ON agent_executions;
DROP POLICY workflow_states_owner ON workflow_states;
DROP POLICY quotes_visible ON quotes;
DROP POLICY requests_staff_read ON requests;
DROP POLICY requests_customer_read ON requests;
DROP POLICY requests_owner ON requests;
DROP POLICY client_profiles_staff_read ON client_profiles;
DROP POLICY client_profiles_sales_rep ON client_profiles;
DROP POLICY users_update_own ON users;
DROP POLICY users_select ON users;

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
CREATE POLICY agent_executions_agent_select ON agent_executions
    FOR SELECT USING (EXISTS (
        SELECT 1 FROM requests r
        WHERE r.id = agent_executions.request_id AND r.user_id = get_current_iso_agent_id()));
