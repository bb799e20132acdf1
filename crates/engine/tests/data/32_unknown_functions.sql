-- Calls of functions that do not exist (42883): the message lists the argument types as
-- format_type prints them (string literals and NULL are unknown).
CREATE TYPE uf_mood AS ENUM ('calm', 'busy');
-- ok
CREATE TABLE uf_users (id int PRIMARY KEY, name varchar(20), code char(3), seen timestamptz, mood uf_mood, score numeric(10,2), tags text[], active bool, doc jsonb);
-- ok
CREATE TABLE uf_orgs (id int PRIMARY KEY, title text);
-- ok
SELECT nosuch(1, 'a', NULL, 1.5, true, 3000000000, 99999999999999999999, B'101');
-- ERROR 42883: function nosuch(integer, unknown, unknown, numeric, boolean, bigint, numeric, bit) does not exist
SELECT nosuch(id, name, code, seen, mood, score, tags, active, doc) FROM uf_users;
-- ERROR 42883: function nosuch(integer, character varying, character, timestamp with time zone, uf_mood, numeric, text[], boolean, jsonb) does not exist
SELECT u.id FROM uf_users u JOIN uf_orgs o ON o.id = u.id WHERE nosuch(o.title, u.seen);
-- ERROR 42883: function nosuch(text, timestamp with time zone) does not exist
SELECT nosuch('x'::text, 1::bigint, 'calm'::uf_mood, NULL::date, id::text) FROM uf_users;
-- ERROR 42883: function nosuch(text, bigint, uf_mood, date, text) does not exist
SELECT nosuch(a => 1, b => 'x');
-- ERROR 42883: function nosuch(a => integer, b => unknown) does not exist
SELECT nosuch(*) FROM uf_users;
-- ERROR 42883: function nosuch() does not exist
SELECT nosuch(DISTINCT id) FROM uf_users;
-- ERROR 42883: function nosuch(integer) does not exist
SELECT nosuch(id ORDER BY id, name) FROM uf_users;
-- ERROR 42883: function nosuch(integer) does not exist
SELECT nosuch(id) OVER (ORDER BY id) FROM uf_users;
-- ERROR 42883: function nosuch(integer) does not exist
-- Nested calls: the arguments are analysed first.
SELECT upper(nosuch_inner(1));
-- ERROR 42883: function nosuch_inner(integer) does not exist
SELECT nosuch_outer(nosuch_inner('x'));
-- ERROR 42883: function nosuch_inner(unknown) does not exist
-- Qualified names: the name is printed as written; a missing schema is reported first.
SELECT public.nosuch(1);
-- ERROR 42883: function public.nosuch(integer) does not exist
SELECT pg_catalog.nosuch(1);
-- ERROR 42883: function pg_catalog.nosuch(integer) does not exist
SELECT nosch.nosuch(1);
-- ERROR 3F000: schema "nosch" does not exist
SELECT pg_catalog.lower('X'), public.uf_users.id FROM public.uf_users;
-- ok
-- Built-in functions, aggregates and window functions exist.
SELECT count(*), sum(score), max(name), string_agg(name, ',' ORDER BY id), row_number() OVER (ORDER BY id), now() FROM uf_users GROUP BY id;
-- ok
SELECT coalesce(nullif(trim(name), ''), 'x'), extract(year FROM seen), substring(name FROM 2), lower(name) FROM uf_users;
-- ok
-- User functions: found through search_path or their schema; their result type is known.
CREATE SCHEMA uf_app;
-- ok
CREATE FUNCTION uf_app.slug(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower(t) $$;
-- ok
CREATE FUNCTION uf_score(u uf_users) RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$;
-- ok
SELECT uf_app.slug(name) FROM uf_users;
-- ok
SELECT nosuch(uf_app.slug(title)) FROM uf_orgs;
-- ERROR 42883: function nosuch(text) does not exist
SELECT uf_score(u) FROM uf_users u;
-- ok
-- Column projection and casts in functional notation are no function calls.
SELECT name(u) FROM uf_users u;
-- ok
SELECT uf_mood('calm'), int4('1'), text(1);
-- ok
-- DML: values, SET, WHERE, RETURNING, ON CONFLICT, CTEs and subqueries.
INSERT INTO uf_orgs (id, title) VALUES (1, nosuch('x'));
-- ERROR 42883: function nosuch(unknown) does not exist
INSERT INTO uf_orgs (id, title) VALUES (1, 'a') ON CONFLICT (id) DO UPDATE SET title = nosuch(excluded.title, uf_orgs.id);
-- ERROR 42883: function nosuch(text, integer) does not exist
UPDATE uf_users SET name = nosuch_set(id) WHERE nosuch_where(score) RETURNING nosuch_returning(seen);
-- ERROR 42883: function nosuch_where(numeric) does not exist
UPDATE uf_users u SET name = o.title FROM uf_orgs o WHERE o.id = u.id RETURNING nosuch(o.title, u.code);
-- ERROR 42883: function nosuch(text, character) does not exist
DELETE FROM uf_users WHERE id IN (SELECT o.id FROM uf_orgs o WHERE nosuch(o.id));
-- ERROR 42883: function nosuch(integer) does not exist
WITH recent AS (SELECT id, nosuch_cte(seen) FROM uf_users) SELECT * FROM recent;
-- ERROR 42883: function nosuch_cte(timestamp with time zone) does not exist
SELECT * FROM nosuch_srf(1);
-- ERROR 42883: function nosuch_srf(integer) does not exist
UPDATE uf_users SET name = upper(name), seen = now() WHERE lower(name) = 'x' RETURNING length(name);
-- ok
-- Extensions whose functions schemasim knows: their functions exist in the extension's schema.
CREATE EXTENSION IF NOT EXISTS pgcrypto;
-- ok
SELECT gen_salt('md5'), digest('x'::text, 'sha256');
-- ok
SELECT gen_nosuch_salt('md5');
-- ERROR 42883: function gen_nosuch_salt(unknown) does not exist
-- A user aggregate (CREATE AGGREGATE is not simulated): calls to it are not judged.
CREATE AGGREGATE uf_sum(int) (sfunc = int4pl, stype = int);
-- ok
SELECT uf_sum(id) FROM uf_users;
-- ok
