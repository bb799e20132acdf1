-- DROP ... RESTRICT fails with 2BP01 while something depends; CASCADE drops it with a NOTICE.
CREATE TABLE accounts (id int PRIMARY KEY, balance numeric);
-- ok
CREATE TABLE ledger (id int, account_id int REFERENCES accounts);
-- ok
CREATE VIEW balances AS SELECT id, balance FROM accounts;
-- ok
DROP TABLE accounts;
-- ERROR 2BP01: cannot drop table accounts because other objects depend on it
ALTER TABLE accounts DROP COLUMN balance;
-- ERROR 2BP01: cannot drop column balance of table accounts because other objects depend on it
ALTER TABLE accounts ALTER COLUMN balance TYPE bigint;
-- ERROR 0A000: cannot alter type of a column used by a view or rule
DROP VIEW balances;
-- ok
DROP TABLE accounts CASCADE;
-- NOTICE: drop cascades to constraint ledger_account_id_fkey on table ledger
-- ok
DROP TABLE accounts;
-- ERROR 42P01: table "accounts" does not exist
DROP TABLE IF EXISTS accounts;
-- NOTICE: table "accounts" does not exist, skipping
-- ok
CREATE TYPE mood AS ENUM ('sad', 'ok');
-- ok
CREATE TABLE person (m mood);
-- ok
DROP TYPE mood;
-- ERROR 2BP01: cannot drop type mood because other objects depend on it
CREATE FUNCTION current_person() RETURNS int LANGUAGE sql STABLE AS $$ SELECT 1 $$;
-- ok
CREATE TABLE docs (owner int);
-- ok
ALTER TABLE docs ENABLE ROW LEVEL SECURITY;
-- ok
CREATE POLICY own ON docs USING (owner = current_person());
-- ok
DROP FUNCTION current_person();
-- ERROR 2BP01: cannot drop function current_person() because other objects depend on it
DROP FUNCTION nothing_here();
-- ERROR 42883: function nothing_here() does not exist
