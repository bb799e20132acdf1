-- Parse analysis at CREATE FUNCTION time and for queries: missing tables and columns fail.
CREATE TABLE t (a int, b text);
-- ok
CREATE TABLE u (a int);
-- ok
CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT c FROM t';
-- ERROR 42703: column "c" does not exist
CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT a FROM t LIMIT 1';
-- ok
CREATE FUNCTION g() RETURNS int LANGUAGE sql AS 'SELECT 1 FROM missing';
-- ERROR 42P01: relation "missing" does not exist
CREATE FUNCTION g() RETURNS int LANGUAGE sql AS 'SELECT 1 FROM nosuch.t';
-- ERROR 42P01: relation "nosuch.t" does not exist
SELECT c FROM t;
-- ERROR 42703: column "c" does not exist
SELECT a FROM t, u;
-- ERROR 42702: column reference "a" is ambiguous
SELECT t.a, u.a FROM t JOIN u USING (a);
-- ok
SELECT x.a FROM t;
-- ERROR 42P01: missing FROM-clause entry for table "x"
UPDATE t SET c = 1;
-- ERROR 42703: column "c" of relation "t" does not exist
INSERT INTO t (a, c) VALUES (1, 2);
-- ERROR 42703: column "c" of relation "t" does not exist
DELETE FROM nowhere;
-- ERROR 42P01: relation "nowhere" does not exist
-- TABLESAMPLE wraps its relation.
CREATE TABLE sampled (a int);
-- ok
SELECT * FROM sampled TABLESAMPLE BERNOULLI (50) REPEATABLE (0);
-- ok
SELECT * FROM nosuch TABLESAMPLE BERNOULLI (50);
-- ERROR 42P01: relation "nosuch" does not exist
