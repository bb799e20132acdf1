-- Enum values, SQL function bodies validated at CREATE time, CONCURRENTLY outside blocks.
CREATE TYPE status AS ENUM ('active', 'pending');
-- ok
ALTER TYPE status ADD VALUE 'suspended' BEFORE 'pending';
-- ok
ALTER TYPE status ADD VALUE 'active';
-- ERROR 42710: enum label "active" already exists
ALTER TYPE status ADD VALUE IF NOT EXISTS 'active';
-- NOTICE: enum label "active" already exists, skipping
-- ok
ALTER TYPE status RENAME VALUE 'pending' TO 'waiting';
-- ok
CREATE TYPE status AS ENUM ('x');
-- ERROR 42710: type "status" already exists
CREATE FUNCTION count_users() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM users';
-- ERROR 42P01: relation "users" does not exist
CREATE TABLE users (id int, s status DEFAULT 'active');
-- ok
CREATE FUNCTION count_users() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM users';
-- ok
CREATE FUNCTION count_users() RETURNS bigint LANGUAGE sql AS 'SELECT 1';
-- ERROR 42723: function "count_users" already exists with same argument types
CREATE OR REPLACE FUNCTION count_users() RETURNS int LANGUAGE sql AS 'SELECT 1';
-- ERROR 42P13: cannot change return type of existing function
CREATE INDEX CONCURRENTLY users_id_idx ON users (id);
-- ok
CREATE INDEX ON users (id);
-- ok
CREATE UNIQUE INDEX ON users (lower(s::text));
-- ERROR 42P17: functions in index expression must be marked IMMUTABLE
CREATE INDEX ON users (id) WHERE s = 'active';
-- ok
CREATE INDEX ON users (id) WHERE id > extract(epoch FROM now());
-- ERROR 42P17: functions in index predicate must be marked IMMUTABLE
BEGIN;
-- ok
CREATE INDEX CONCURRENTLY later_idx ON users (s);
-- ERROR 25001: CREATE INDEX CONCURRENTLY cannot run inside a transaction block
CREATE TABLE after_error (a int);
-- ERROR 25P02: current transaction is aborted, commands ignored until end of transaction block
ROLLBACK;
-- ok
CREATE TABLE broken (a int,);
-- ERROR 42601: syntax error at or near ")"
INSERT INTO users (id, status) VALUES (1, 'active');
-- ERROR 42703: column "status" of relation "users" does not exist
INSERT INTO user_invitations (id) VALUES (1);
-- ERROR 42P01: relation "user_invitations" does not exist
BEGIN;
-- ok
ALTER TYPE status ADD VALUE 'archived';
-- ok
UPDATE users SET s = 'archived';
-- ERROR 55P04: unsafe use of new value "archived" of enum type status
ROLLBACK;
-- ok
ALTER TYPE status ADD VALUE 'archived';
-- ok
UPDATE users SET s = 'archived';
-- ok
DELETE FROM ghosts;
-- ERROR 42P01: relation "ghosts" does not exist
