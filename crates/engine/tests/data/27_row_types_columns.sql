-- Typed tables follow their composite type only with CASCADE; a table whose row type another
-- table stores cannot be rewritten; ALTER TABLE OF matches columns to attributes.
CREATE TYPE tt AS (a int, b text);
-- ok
CREATE TABLE typed OF tt;
-- ok
ALTER TYPE tt ADD ATTRIBUTE c text;
-- ERROR 2BP01: cannot alter type "tt" because it is the type of a typed table
ALTER TYPE tt ADD ATTRIBUTE c text CASCADE;
-- ok
ALTER TYPE tt DROP ATTRIBUTE b;
-- ERROR 2BP01: cannot alter type "tt" because it is the type of a typed table
ALTER TYPE tt DROP ATTRIBUTE b CASCADE;
-- ok
ALTER TYPE tt RENAME ATTRIBUTE a TO aa;
-- ERROR 2BP01: cannot alter type "tt" because it is the type of a typed table
ALTER TYPE tt RENAME ATTRIBUTE a TO aa CASCADE;
-- ok
CREATE TABLE t0 (aa int, c text);
-- ok
CREATE TABLE t1 (aa int, c varchar);
-- ok
ALTER TABLE t1 OF tt;
-- ERROR 42804: table "t1" has different type for column "c"
CREATE TABLE t2 (c text, aa int);
-- ok
ALTER TABLE t2 OF tt;
-- ERROR 42804: table has column "c" where type requires "aa"
CREATE TABLE t3 (aa int);
-- ok
ALTER TABLE t3 OF tt;
-- ERROR 42804: table is missing column "c"
CREATE TABLE t4 (aa int, c text, z int);
-- ok
ALTER TABLE t4 OF tt;
-- ERROR 42804: table has extra column "z"
ALTER TABLE t0 OF tt;
-- ok
ALTER TABLE t0 NOT OF;
-- ok
CREATE TABLE holder (r t0);
-- ok
ALTER TABLE t0 ALTER COLUMN aa TYPE bigint;
-- ERROR 0A000: cannot alter table "t0" because column "holder.r" uses its row type
-- System column names, COPY and ANALYZE column lists.
ALTER TABLE t3 ADD COLUMN xmin int;
-- ERROR 42701: column name "xmin" conflicts with a system column name
CREATE TABLE g (a int, b int GENERATED ALWAYS AS (a * 2) STORED);
-- ok
COPY g (a, b) TO stdout;
-- ERROR 42P10: column "b" is a generated column
COPY g (a, nope) TO stdout;
-- ERROR 42703: column "nope" of relation "g" does not exist
ANALYZE g (nope);
-- ERROR 42703: column "nope" of relation "g" does not exist
ANALYZE g (a);
-- ok
-- Generated columns in hierarchies and partition keys.
CREATE TABLE gchild () INHERITS (g);
-- ok
ALTER TABLE ONLY g ALTER COLUMN b DROP EXPRESSION;
-- ERROR 0A000: ALTER TABLE / DROP EXPRESSION must be applied to child tables too
ALTER TABLE gchild ALTER COLUMN b DROP EXPRESSION;
-- ERROR 42P16: cannot drop generation expression from inherited column
ALTER TABLE g ALTER COLUMN b DROP EXPRESSION;
-- ok
CREATE TABLE gp (a int, b int GENERATED ALWAYS AS (a * 2) STORED) PARTITION BY RANGE (b);
-- ERROR 42P17: cannot use generated column in partition key
CREATE TABLE pk (a int, b int) PARTITION BY LIST (b);
-- ok
ALTER TABLE pk DROP COLUMN b;
-- ERROR 42P16: cannot drop column "b" because it is part of the partition key of relation "pk"
-- Storage parameters and temporary relations.
CREATE TABLE pp (a int) PARTITION BY LIST (a) WITH (fillfactor = 100);
-- ERROR 42809: cannot specify storage parameters for a partitioned table
ALTER TABLE pk SET (fillfactor = 100);
-- ERROR 42809: cannot specify storage parameters for a partitioned table
CREATE TEMP TABLE public.temp_to_perm (a int);
-- ERROR 42P16: cannot create temporary relation in non-temporary schema
-- An index on a function-style cast of a column to its new type is rebuilt on the column.
CREATE TABLE vd (d timestamp);
-- ok
CREATE INDEX vd_date ON vd (date(d));
-- ok
ALTER TABLE vd ALTER COLUMN d TYPE date;
-- ok
ALTER TABLE vd ALTER COLUMN d TYPE timestamp;
-- ok
-- A typed table's columns change only through its type.
ALTER TABLE typed ADD COLUMN z int;
-- ERROR 42809: cannot add column to typed table
ALTER TABLE typed DROP COLUMN c;
-- ERROR 42809: cannot drop column from typed table
ALTER TABLE typed RENAME COLUMN c TO cc;
-- ERROR 42809: cannot rename column of typed table
ALTER TABLE typed ALTER COLUMN c TYPE varchar;
-- ERROR 42809: cannot alter column type of typed table
