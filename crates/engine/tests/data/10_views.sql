-- Views: name resolution, `*` expansion and the column dependencies of a view's query.
CREATE TABLE users (id int PRIMARY KEY, name text, icon bytea);
-- ok
CREATE TABLE posts (id int PRIMARY KEY, user_id int REFERENCES users, title text);
-- ok
-- A scalar subquery's FROM items are not in scope of the outer `*`: the view reads
-- users.id and users.name only.
CREATE VIEW post_view AS SELECT *, (SELECT name FROM users u WHERE u.id = p.user_id) AS user_name FROM posts p;
-- ok
ALTER TABLE users RENAME COLUMN icon TO avatar;
-- ok
ALTER TABLE users ALTER COLUMN avatar TYPE text;
-- ok
ALTER TABLE users ALTER COLUMN name TYPE varchar(100);
-- ERROR 0A000: cannot alter type of a column used by a view or rule
-- `*` stands for the columns the table had when the view was created.
ALTER TABLE posts ADD COLUMN body text;
-- ok
ALTER TABLE posts DROP COLUMN body;
-- ok
ALTER TABLE posts DROP COLUMN title;
-- ERROR 2BP01: cannot drop column title of table posts because other objects depend on it
-- Renaming a column or a table rewrites the view's query where it reads them.
ALTER TABLE posts RENAME COLUMN user_id TO author_id;
-- ok
ALTER TABLE users RENAME TO people;
-- ok
CREATE VIEW people_view AS SELECT people.id, people.name FROM people WHERE people.avatar IS NOT NULL;
-- ok
ALTER TABLE people RENAME TO persons;
-- ok
-- Joins: USING merges its columns; an unqualified name must be unique in scope.
CREATE TABLE a (id int, x int, note text);
-- ok
CREATE TABLE b (id int, y int, note text);
-- ok
CREATE VIEW ab AS SELECT * FROM a JOIN b USING (id, note);
-- ok
CREATE VIEW bad1 AS SELECT note FROM a JOIN b ON a.id = b.id;
-- ERROR 42702: column reference "note" is ambiguous
CREATE VIEW bad2 AS SELECT a.nope FROM a;
-- ERROR 42703: column a.nope does not exist
CREATE VIEW bad3 AS SELECT c.x FROM a;
-- ERROR 42P01: missing FROM-clause entry for table "c"
CREATE VIEW bad4 AS SELECT nope FROM a;
-- ERROR 42703: column "nope" does not exist
CREATE VIEW bad5 AS SELECT a.id, b.id FROM a, b;
-- ERROR 42701: column "id" specified more than once
CREATE VIEW bad6 AS SELECT * FROM a JOIN b USING (x);
-- ERROR 42703: column "x" specified in USING clause does not exist in right table
-- LATERAL sees the items before it; a plain subquery in FROM does not.
CREATE VIEW lat AS SELECT a.id, s.total FROM a CROSS JOIN LATERAL (SELECT count(*) AS total FROM b WHERE b.id = a.id) s;
-- ok
CREATE VIEW notlat AS SELECT a.id, s.total FROM a CROSS JOIN (SELECT count(*) AS total FROM b WHERE b.id = a.id) s;
-- ERROR 42P01: invalid reference to FROM-clause entry for table "a"
-- CTEs and set operations: output names come from the first arm.
CREATE VIEW cte AS WITH t AS (SELECT id, x AS val FROM a) SELECT t.*, 1 FROM t UNION ALL SELECT id, y, 2 FROM b;
-- ok
ALTER TABLE a DROP COLUMN x;
-- ERROR 2BP01: cannot drop column x of table a because other objects depend on it
ALTER TABLE b ALTER COLUMN y TYPE bigint;
-- ERROR 0A000: cannot alter type of a column used by a view or rule
ALTER TABLE b DROP COLUMN note;
-- ERROR 2BP01: cannot drop column note of table b because other objects depend on it
DROP VIEW ab;
-- ok
ALTER TABLE b DROP COLUMN note;
-- ok
-- CREATE TABLE AS takes the types of what it selects.
CREATE TABLE copy AS SELECT p.id, p.name, NULL::int AS n, count(*) AS c, now() AS at FROM persons p GROUP BY p.id;
-- ok
-- An enum label compared with an enum column must exist.
CREATE TYPE mood AS ENUM ('happy', 'sad');
-- ok
CREATE TABLE feelings (id int, mood mood);
-- ok
CREATE VIEW happy AS SELECT id FROM feelings WHERE mood = 'happy' OR mood IN ('sad', 'happy');
-- ok
CREATE VIEW angry AS SELECT id FROM feelings WHERE mood = 'angry';
-- ERROR 22P02: invalid input value for enum mood: "angry"
CREATE VIEW angry2 AS SELECT id FROM feelings WHERE mood IN ('sad', 'angry');
-- ERROR 22P02: invalid input value for enum mood: "angry"
