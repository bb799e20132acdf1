-- Stored expressions follow what they name: PostgreSQL keeps OIDs, so renaming an enum label,
-- a function or a sequence shows in defaults, checks, indexes and views.
CREATE TYPE mode AS ENUM ('closed', 'open');
-- ok
CREATE TABLE site (id serial PRIMARY KEY, mode mode NOT NULL DEFAULT 'open', kind text DEFAULT 'x', since timestamp DEFAULT '2020-01-01');
-- ok
CREATE INDEX site_open ON site (id) WHERE mode = 'open';
-- ok
ALTER TABLE site ADD CONSTRAINT site_mode_check CHECK (mode IN ('open', 'closed') OR mode = 'closed'::mode);
-- ok
CREATE VIEW open_sites AS SELECT id FROM site WHERE mode = 'open';
-- ok
ALTER TYPE mode RENAME VALUE 'open' TO 'Open';
-- ok
ALTER TYPE mode RENAME VALUE 'closed' TO 'Closed';
-- ok
-- A default is stored as a constant of the column's type: after ALTER TYPE it keeps that type.
ALTER TABLE site ALTER COLUMN since TYPE timestamptz;
-- ok
ALTER TABLE site ALTER COLUMN kind TYPE varchar(10);
-- ok
-- Functions and sequences renamed.
CREATE FUNCTION next_code() RETURNS text LANGUAGE sql AS $$ SELECT 'c' $$;
-- ok
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
-- ok
ALTER TABLE site ADD COLUMN code text DEFAULT next_code();
-- ok
CREATE TRIGGER site_touch BEFORE UPDATE OF code ON site FOR EACH ROW EXECUTE FUNCTION touch();
-- ok
ALTER FUNCTION next_code() RENAME TO new_code;
-- ok
ALTER FUNCTION touch() RENAME TO touch2;
-- ok
ALTER SEQUENCE site_id_seq RENAME TO site_seq;
-- ok
-- A trigger's UPDATE OF columns depend on them.
ALTER TABLE site DROP COLUMN code;
-- ERROR 2BP01: cannot drop column code of table site because other objects depend on it
ALTER TABLE site ALTER COLUMN code TYPE varchar(20);
-- ERROR 0A000: cannot alter type of a column used in a trigger definition
DROP TRIGGER site_touch ON site;
-- ok
ALTER TABLE site DROP COLUMN code;
-- ok
-- Constraint indexes: renamed with their constraint, dropped only with it.
ALTER TABLE site ADD CONSTRAINT site_kind_key UNIQUE (kind);
-- ok
DROP INDEX site_kind_key;
-- ERROR 2BP01: cannot drop index site_kind_key because constraint site_kind_key on table site requires it
ALTER TABLE site RENAME CONSTRAINT site_kind_key TO site_kind_uq;
-- ok
ALTER INDEX site_kind_uq RENAME TO site_kind_unique;
-- ok
ALTER TABLE site RENAME CONSTRAINT site_kind_unique TO site_kind_key2;
-- ok
ALTER TYPE site RENAME TO site2;
-- ERROR 42809: site is a table's row type
-- Column constraint attributes apply to the constraint before them.
CREATE TABLE ref (id int REFERENCES site DEFERRABLE INITIALLY DEFERRED, other int UNIQUE INITIALLY DEFERRED);
-- ok
CREATE TABLE bad1 (id int NOT NULL DEFERRABLE);
-- ERROR 42601: misplaced DEFERRABLE clause
CREATE TABLE bad2 (id int UNIQUE NOT DEFERRABLE INITIALLY DEFERRED);
-- ERROR 42601: constraint declared INITIALLY DEFERRED must be DEFERRABLE
-- Storage parameters keep their values (pg_dump quotes them).
CREATE TABLE opts (d date) WITH (fillfactor = 70, autovacuum_enabled = false);
-- ok
CREATE INDEX opts_d ON opts USING brin (d) WITH (pages_per_range = 1);
-- ok
ALTER TABLE opts SET (parallel_workers = 2);
-- ok
-- Casts to a renamed type follow it.
CREATE TYPE mode_tmp AS ENUM ('Closed', 'Open');
-- ok
DROP VIEW open_sites;
-- ok
DROP INDEX site_open;
-- ok
ALTER TABLE site DROP CONSTRAINT site_mode_check;
-- ok
ALTER TABLE site ALTER COLUMN mode DROP DEFAULT, ALTER COLUMN mode TYPE mode_tmp USING mode::text::mode_tmp, ALTER COLUMN mode SET DEFAULT 'Open';
-- ok
DROP TYPE mode;
-- ok
ALTER TYPE mode_tmp RENAME TO mode;
-- ok
