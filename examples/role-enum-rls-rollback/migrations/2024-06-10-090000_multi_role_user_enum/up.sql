-- 004: one role per agent -> several kinds of user.
-- Enum values cannot be removed or reordered, so build the new type, convert
-- the column (every existing iso_agent becomes a sales_rep), and swap names.
CREATE TYPE user_role_new AS ENUM ('sales_rep', 'admin', 'customer', 'operator', 'iso_agent');

-- The old default ('iso_agent'::user_role) cannot be cast automatically.
ALTER TABLE iso_agents ALTER COLUMN role DROP DEFAULT;

ALTER TABLE iso_agents
    ALTER COLUMN role TYPE user_role_new
    USING (CASE role WHEN 'iso_agent' THEN 'sales_rep' ELSE role::text END)::user_role_new;

ALTER TABLE iso_agents ALTER COLUMN role SET DEFAULT 'sales_rep';

DROP TYPE user_role;
ALTER TYPE user_role_new RENAME TO user_role;
