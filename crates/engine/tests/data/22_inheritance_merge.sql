-- CREATE TABLE ... INHERITS merges a column that several parents have, and a local column
-- definition with the inherited one (MergeInheritedAttribute / MergeChildAttribute): types,
-- collations and generatedness must agree; a local default replaces the inherited one.
CREATE TABLE p1 (a int, b numeric(10,4), c text, g int GENERATED ALWAYS AS (a * 2) STORED, d int DEFAULT 1);
-- ok
CREATE TABLE p2 (a int NOT NULL, b numeric(10,4));
-- ok
CREATE TABLE p3 (a bigint);
-- ok
CREATE TABLE c1 () INHERITS (p1, p2);
-- NOTICE: merging multiple inherited definitions of column "a"
-- NOTICE: merging multiple inherited definitions of column "b"
-- ok
CREATE TABLE c2 () INHERITS (p1, p3);
-- NOTICE: merging multiple inherited definitions of column "a"
-- ERROR 42804: inherited column "a" has a type conflict
CREATE TABLE c3 (a real) INHERITS (p1);
-- NOTICE: merging column "a" with inherited definition
-- ERROR 42804: column "a" has a type conflict
CREATE TABLE c3 (b numeric(10,7)) INHERITS (p1);
-- NOTICE: moving and merging column "b" with inherited definition
-- ERROR 42804: column "b" has a type conflict
CREATE TABLE c3 (c text COLLATE "POSIX") INHERITS (p1);
-- NOTICE: moving and merging column "c" with inherited definition
-- ERROR 42P21: column "c" has a collation conflict
CREATE TABLE c3 (g int DEFAULT 5) INHERITS (p1);
-- NOTICE: moving and merging column "g" with inherited definition
-- ERROR 42611: column "g" inherits from generated column but specifies default
CREATE TABLE c3 (a int GENERATED ALWAYS AS (2) STORED) INHERITS (p1);
-- NOTICE: merging column "a" with inherited definition
-- ERROR 42611: child column "a" specifies generation expression
CREATE TABLE c3 (a int, d int DEFAULT 7, g int GENERATED ALWAYS AS (a * 3) STORED) INHERITS (p1);
-- NOTICE: merging column "a" with inherited definition
-- NOTICE: moving and merging column "d" with inherited definition
-- NOTICE: moving and merging column "g" with inherited definition
-- ok
-- A partition's column options may replace the parent's default.
CREATE TABLE parted (a int, b int DEFAULT 1) PARTITION BY LIST (a);
-- ok
CREATE TABLE part1 PARTITION OF parted (b WITH OPTIONS NOT NULL DEFAULT 0) FOR VALUES IN (1);
-- ok

-- A foreign key needs an equality operator between the two column types: a cross-type
-- member of the referenced column's btree operator family, or an implicit cast to its type.
CREATE TABLE pk (i int PRIMARY KEY, n numeric UNIQUE, t text UNIQUE, ts timestamp UNIQUE);
-- ok
CREATE TABLE fk1 (a bigint REFERENCES pk (i), b int REFERENCES pk (n), c varchar(5) REFERENCES pk (t), d date REFERENCES pk (ts));
-- ok
CREATE TABLE fk2 (a inet REFERENCES pk);
-- ERROR 42804: foreign key constraint "fk2_a_fkey" cannot be implemented
CREATE TABLE fk2 (a numeric REFERENCES pk);
-- ERROR 42804: foreign key constraint "fk2_a_fkey" cannot be implemented
CREATE TABLE fk2 (a int, b text);
-- ok
ALTER TABLE fk2 ADD CONSTRAINT f FOREIGN KEY (b) REFERENCES pk (ts);
-- ERROR 42804: foreign key constraint "f" cannot be implemented
-- Two different enums have no equality operator between them.
CREATE TYPE rainbow AS ENUM ('red', 'green');
-- ok
CREATE TYPE bogus AS ENUM ('good');
-- ok
CREATE TABLE enum_parent (id rainbow PRIMARY KEY);
-- ok
CREATE TABLE enum_child (parent bogus REFERENCES enum_parent);
-- ERROR 42804: foreign key constraint "enum_child_parent_fkey" cannot be implemented
CREATE TABLE enum_child (parent rainbow REFERENCES enum_parent);
-- ok
CREATE TABLE enum_text (parent text REFERENCES enum_parent);
-- ERROR 42804: foreign key constraint "enum_text_parent_fkey" cannot be implemented
CREATE DOMAIN rainbow_d AS rainbow;
-- ok
CREATE TABLE enum_dom (parent rainbow_d REFERENCES enum_parent);
-- ERROR 42804: foreign key constraint "enum_dom_parent_fkey" cannot be implemented
-- LIKE columns are local definitions: they merge with inherited columns (and copied CHECKs
-- with inherited ones); storage modes must agree.
CREATE TABLE sp1 (a text STORAGE main, CONSTRAINT sp1_a CHECK (length(a) > 1));
-- ok
CREATE TABLE sp2 (a text STORAGE external);
-- ok
CREATE TABLE sp_child (LIKE sp1 INCLUDING CONSTRAINTS) INHERITS (sp1);
-- NOTICE: merging column "a" with inherited definition
-- NOTICE: merging constraint "sp1_a" with inherited definition
-- ok
CREATE TABLE sp_fail () INHERITS (sp1, sp2);
-- NOTICE: merging multiple inherited definitions of column "a"
-- ERROR 42804: inherited column "a" has a storage parameter conflict
CREATE TABLE sp_fail (LIKE sp2 INCLUDING STORAGE) INHERITS (sp1);
-- NOTICE: merging column "a" with inherited definition
-- ERROR 42804: column "a" has a storage parameter conflict
