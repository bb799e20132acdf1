-- The incident report's rollback plan for migration 115.
ALTER TABLE users DROP COLUMN IF EXISTS status;
ALTER TABLE users DROP COLUMN IF EXISTS signup_date;
ALTER TABLE users DROP COLUMN IF EXISTS signup_metadata;
