CREATE TYPE user_role_old AS ENUM ('iso_agent', 'admin');

ALTER TABLE iso_agents ALTER COLUMN role DROP DEFAULT;

ALTER TABLE iso_agents
    ALTER COLUMN role TYPE user_role_old
    USING (CASE WHEN role = 'admin' THEN 'admin' ELSE 'iso_agent' END)::user_role_old;

ALTER TABLE iso_agents ALTER COLUMN role SET DEFAULT 'iso_agent';

DROP TYPE user_role;
ALTER TYPE user_role_old RENAME TO user_role;
