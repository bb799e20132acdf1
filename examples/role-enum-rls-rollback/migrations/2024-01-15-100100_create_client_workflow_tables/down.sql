DROP TABLE agent_executions;
DROP TABLE workflow_states;
DROP TABLE quotes;
DROP TABLE requests;
DROP TABLE client_profiles;
