-- REINDEX changes no schema, but PostgreSQL checks the relation kind, the transaction block
-- (CONCURRENTLY, partitioned relations, several tables) and system catalogs first.
CREATE TABLE t (a int PRIMARY KEY, b int);
-- ok
CREATE INDEX t_b ON t (b);
-- ok
CREATE VIEW v AS SELECT a FROM t;
-- ok
CREATE TABLE parted (a int) PARTITION BY LIST (a);
-- ok
CREATE INDEX parted_a ON parted (a);
-- ok
REINDEX INDEX t_b;
-- ok
REINDEX TABLE CONCURRENTLY t;
-- ok
REINDEX INDEX t;
-- ERROR 42809: "t" is not an index
REINDEX TABLE t_b;
-- ERROR 42809: "t_b" is not a table or materialized view
REINDEX TABLE v;
-- ERROR 42809: "v" is not a table or materialized view
REINDEX TABLE nope;
-- ERROR 42P01: relation "nope" does not exist
REINDEX TABLE CONCURRENTLY pg_class;
-- ERROR 0A000: cannot reindex system catalogs concurrently
REINDEX SYSTEM CONCURRENTLY;
-- ERROR 0A000: cannot reindex system catalogs concurrently
REINDEX SCHEMA nope;
-- ERROR 3F000: schema "nope" does not exist
BEGIN;
-- ok
REINDEX INDEX CONCURRENTLY t_b;
-- ERROR 25001: REINDEX CONCURRENTLY cannot run inside a transaction block
ROLLBACK;
-- ok
BEGIN;
-- ok
REINDEX TABLE parted;
-- ERROR 25001: REINDEX TABLE cannot run inside a transaction block
ROLLBACK;
-- ok
BEGIN;
-- ok
REINDEX INDEX parted_a;
-- ERROR 25001: REINDEX INDEX cannot run inside a transaction block
ROLLBACK;
-- ok
BEGIN;
-- ok
REINDEX SCHEMA public;
-- ERROR 25001: REINDEX SCHEMA cannot run inside a transaction block
ROLLBACK;
-- ok
BEGIN;
-- ok
REINDEX TABLE t;
-- ok
COMMIT;
-- ok
