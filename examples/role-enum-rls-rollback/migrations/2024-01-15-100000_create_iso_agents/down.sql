DROP TABLE iso_agents;
DROP FUNCTION set_updated_at();
DROP TYPE user_role;
