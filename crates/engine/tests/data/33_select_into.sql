-- SELECT ... INTO is CREATE TABLE AS (transformOptionalSelectInto): it creates the table with
-- the query's output columns, named and typed as CREATE TABLE AS names and types them.
CREATE TABLE si_src (id bigint PRIMARY KEY, name varchar(20) NOT NULL, price numeric(10,2), tags text[]);
-- ok
SELECT id, name AS label, price * 2 AS doubled, tags INTO si_copy FROM si_src WHERE id > 0;
-- ok
CREATE INDEX ON si_copy (label);
-- ok
SELECT label, doubled FROM si_copy;
-- ok
SELECT * INTO TABLE si_all FROM si_src;
-- ok
CREATE UNIQUE INDEX si_all_id ON si_all (id, name);
-- ok
SELECT * INTO UNLOGGED si_unlogged FROM si_src;
-- ok
SELECT id INTO TEMP si_temp FROM si_src;
-- ok
SELECT 1 AS a, 'x' AS b, 1.5 AS d, count(*) INTO si_literals FROM si_src;
-- ok
ALTER TABLE si_literals ADD CONSTRAINT si_literals_a_check CHECK (a > 0 AND d > 0 AND count >= 0);
-- ok
SELECT id INTO public.si_qualified FROM si_src;
-- ok
WITH w AS (SELECT id, name FROM si_src) SELECT name INTO si_from_cte FROM w;
-- ok
SELECT id INTO si_union FROM si_src UNION SELECT id FROM si_all;
-- ok
CREATE INDEX ON si_union (id);
-- ok
-- The table must not exist; the query is analysed before that is checked.
SELECT * INTO si_copy FROM si_src;
-- ERROR 42P07: relation "si_copy" already exists
SELECT id INTO public.si_qualified FROM si_src;
-- ERROR 42P07: relation "si_qualified" already exists
SELECT nope INTO si_copy FROM si_src;
-- ERROR 42703: column "nope" does not exist
SELECT id INTO si_missing FROM si_nowhere;
-- ERROR 42P01: relation "si_nowhere" does not exist
CREATE TABLE si_copy AS SELECT nope FROM si_src;
-- ERROR 42703: column "nope" does not exist
CREATE TABLE IF NOT EXISTS si_copy AS SELECT id FROM si_src;
-- NOTICE: relation "si_copy" already exists, skipping
-- ok
SELECT id INTO nosuch.si_t FROM si_src;
-- ERROR 3F000: schema "nosuch" does not exist
SELECT id, id INTO si_dup FROM si_src;
-- ERROR 42701: column "id" specified more than once
-- A failed SELECT INTO created nothing.
CREATE INDEX ON si_missing (id);
-- ERROR 42P01: relation "si_missing" does not exist
CREATE INDEX ON si_dup (id);
-- ERROR 42P01: relation "si_dup" does not exist
-- INTO belongs to the top-level SELECT (the first one of a UNION).
SELECT id FROM si_src UNION SELECT id INTO si_second FROM si_src;
-- ERROR 42601: INTO is only allowed on first SELECT of UNION/INTERSECT/EXCEPT
SELECT * FROM (SELECT 1 AS x INTO si_sub) s;
-- ERROR 42601: SELECT ... INTO is not allowed here
CREATE TABLE si_ctas AS SELECT 1 AS x UNION SELECT 2 INTO si_other;
-- ERROR 42601: INTO is only allowed on first SELECT of UNION/INTERSECT/EXCEPT
