DROP POLICY agent_executions_agent_select ON agent_executions;
DROP POLICY workflow_states_agent_all ON workflow_states;
DROP POLICY quotes_agent_select ON quotes;
DROP POLICY requests_agent_all ON requests;
DROP POLICY client_profiles_agent_all ON client_profiles;
DROP POLICY iso_agents_update_own ON iso_agents;
DROP POLICY iso_agents_select_own ON iso_agents;

ALTER TABLE agent_executions DISABLE ROW LEVEL SECURITY;
ALTER TABLE workflow_states DISABLE ROW LEVEL SECURITY;
ALTER TABLE quotes DISABLE ROW LEVEL SECURITY;
ALTER TABLE requests DISABLE ROW LEVEL SECURITY;
ALTER TABLE client_profiles DISABLE ROW LEVEL SECURITY;
ALTER TABLE iso_agents DISABLE ROW LEVEL SECURITY;

DROP FUNCTION get_current_iso_agent_id();
