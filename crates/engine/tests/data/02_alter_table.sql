-- ALTER TABLE forms and their errors.
CREATE TABLE users (id int PRIMARY KEY, email text);
-- ok
ALTER TABLE users ADD COLUMN status varchar(20) DEFAULT 'active' CHECK (status IN ('active', 'pending_approval', 'suspended', 'rejected'));
-- ok
ALTER TABLE users ADD COLUMN status text;
-- ERROR 42701: column "status" of relation "users" already exists
ALTER TABLE users ADD COLUMN IF NOT EXISTS status text;
-- NOTICE: column "status" of relation "users" already exists, skipping
-- ok
ALTER TABLE users DROP COLUMN missing;
-- ERROR 42703: column "missing" of relation "users" does not exist
ALTER TABLE users DROP COLUMN IF EXISTS missing;
-- NOTICE: column "missing" of relation "users" does not exist, skipping
-- ok
ALTER TABLE users ALTER COLUMN email SET NOT NULL, ALTER COLUMN email SET DEFAULT 'x@example.com';
-- ok
ALTER TABLE users ALTER COLUMN id DROP NOT NULL;
-- ERROR 42P16: column "id" is in a primary key
ALTER TABLE users DROP CONSTRAINT nope;
-- ERROR 42704: constraint "nope" of relation "users" does not exist
ALTER TABLE users DROP CONSTRAINT IF EXISTS nope;
-- NOTICE: constraint "nope" of relation "users" does not exist, skipping
-- ok
ALTER TABLE IF EXISTS ghosts ADD COLUMN a int;
-- NOTICE: relation "ghosts" does not exist, skipping
-- ok
ALTER TABLE ghosts ADD COLUMN a int;
-- ERROR 42P01: relation "ghosts" does not exist
ALTER TABLE users RENAME COLUMN email TO email_address;
-- ok
ALTER TABLE users ALTER COLUMN status TYPE integer;
-- ERROR 42804: column "status" cannot be cast automatically to type integer
ALTER TABLE users ALTER COLUMN status TYPE text;
-- ok
ALTER TABLE users RENAME TO accounts;
-- ok
