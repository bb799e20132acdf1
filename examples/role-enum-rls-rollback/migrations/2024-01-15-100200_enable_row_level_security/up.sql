-- 003: row level security.  The API sets app.user_id per request
-- (SET LOCAL app.user_id = '<uuid>'); every policy goes through the helper.
CREATE FUNCTION get_current_iso_agent_id() RETURNS uuid
LANGUAGE sql STABLE AS $$
    SELECT nullif(current_setting('app.user_id', true), '')::uuid
$$;

ALTER TABLE iso_agents ENABLE ROW LEVEL SECURITY;
ALTER TABLE client_profiles ENABLE ROW LEVEL SECURITY;
ALTER TABLE requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE quotes ENABLE ROW LEVEL SECURITY;
ALTER TABLE workflow_states ENABLE ROW LEVEL SECURITY;
ALTER TABLE agent_executions ENABLE ROW LEVEL SECURITY;

CREATE POLICY iso_agents_select_own ON iso_agents
    FOR SELECT USING (id = get_current_iso_agent_id());
CREATE POLICY iso_agents_update_own ON iso_agents
    FOR UPDATE USING (id = get_current_iso_agent_id());

CREATE POLICY client_profiles_agent_all ON client_profiles
    FOR ALL USING (iso_agent_id = get_current_iso_agent_id())
    WITH CHECK (iso_agent_id = get_current_iso_agent_id());

CREATE POLICY requests_agent_all ON requests
    FOR ALL USING (iso_agent_id = get_current_iso_agent_id())
    WITH CHECK (iso_agent_id = get_current_iso_agent_id());

CREATE POLICY quotes_agent_select ON quotes
    FOR SELECT USING (EXISTS (
        SELECT 1 FROM requests r
        WHERE r.id = quotes.request_id AND r.iso_agent_id = get_current_iso_agent_id()));

CREATE POLICY workflow_states_agent_all ON workflow_states
    FOR ALL USING (EXISTS (
        SELECT 1 FROM requests r
        WHERE r.id = workflow_states.request_id AND r.iso_agent_id = get_current_iso_agent_id()));

CREATE POLICY agent_executions_agent_select ON agent_executions
    FOR SELECT USING (EXISTS (
        SELECT 1 FROM requests r
        WHERE r.id = agent_executions.request_id AND r.iso_agent_id = get_current_iso_agent_id()));
