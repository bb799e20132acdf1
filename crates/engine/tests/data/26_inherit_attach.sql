-- ALTER TABLE ... INHERIT / ATTACH PARTITION check the kinds of both tables, cycles, the
-- partition bound, and that the child already matches the parent's columns and CHECKs.
CREATE TABLE p (a int NOT NULL, b text, CONSTRAINT pos CHECK (a > 0));
-- ok
CREATE TABLE c (a int, b text);
-- ok
ALTER TABLE c INHERIT p;
-- ERROR 42804: column "a" in child table must be marked NOT NULL
ALTER TABLE c ALTER a SET NOT NULL;
-- ok
ALTER TABLE c INHERIT p;
-- ERROR 42804: child table is missing constraint "pos"
ALTER TABLE c ADD CONSTRAINT pos CHECK (a > 0);
-- ok
ALTER TABLE c INHERIT p;
-- ok
ALTER TABLE c INHERIT p;
-- ERROR 42P07: relation "p" would be inherited from more than once
ALTER TABLE p INHERIT c;
-- ERROR 42P07: circular inheritance not allowed
CREATE TABLE d (a int NOT NULL, b varchar);
-- ok
ALTER TABLE d INHERIT p;
-- ERROR 42804: child table "d" has different type for column "b"
ALTER TABLE c RENAME a TO x;
-- ERROR 42P16: cannot rename inherited column "a"
ALTER TABLE ONLY p RENAME a TO x;
-- ERROR 42P16: inherited column "a" must be renamed in child tables too
ALTER TABLE c RENAME nope TO x;
-- ERROR 42703: column "nope" does not exist
ALTER TABLE c RENAME CONSTRAINT pos TO pos2;
-- ERROR 42P16: cannot rename inherited constraint "pos"
ALTER TABLE c DROP CONSTRAINT pos;
-- ERROR 42P16: cannot drop inherited constraint "pos" of relation "c"
ALTER TABLE p ADD CONSTRAINT small CHECK (a < 100);
-- ok
ALTER TABLE c DROP CONSTRAINT small;
-- ERROR 42P16: cannot drop inherited constraint "small" of relation "c"
ALTER TABLE c NO INHERIT d;
-- ERROR 42P01: relation "d" is not a parent of relation "c"
ALTER TABLE c NO INHERIT p;
-- ok
ALTER TABLE c DROP CONSTRAINT small;
-- ok
-- A local CHECK identical to an inherited one merges with it.
CREATE TABLE c2 (CONSTRAINT pos CHECK (a > 0)) INHERITS (p);
-- NOTICE: merging constraint "pos" with inherited definition
-- ok
CREATE TABLE c3 (CONSTRAINT pos CHECK (a > 1)) INHERITS (p);
-- ERROR 42710: constraint "pos" for relation "c3" already exists
CREATE TABLE q (a int, CONSTRAINT pos CHECK (a > 5));
-- ok
CREATE TABLE c3 () INHERITS (p, q);
-- NOTICE: merging multiple inherited definitions of column "a"
-- ERROR 42710: check constraint name "pos" appears multiple times but with different expressions

-- ATTACH PARTITION.
CREATE TABLE parted (a int, b text) PARTITION BY LIST (a);
-- ok
CREATE TABLE part1 PARTITION OF parted FOR VALUES IN (1, 2);
-- ok
CREATE TABLE part_def PARTITION OF parted DEFAULT;
-- ok
CREATE TABLE fail_part (a int, b text);
-- ok
ALTER TABLE parted ATTACH PARTITION fail_part FOR VALUES FROM (1) TO (10);
-- ERROR 42P16: invalid bound specification for a list partition
ALTER TABLE parted ATTACH PARTITION fail_part FOR VALUES IN ('2');
-- ERROR 42P17: partition "fail_part" would overlap partition "part1"
ALTER TABLE parted ATTACH PARTITION fail_part DEFAULT;
-- ERROR 42P17: partition "fail_part" conflicts with existing default partition "part_def"
ALTER TABLE parted ATTACH PARTITION p FOR VALUES IN (3);
-- ERROR 42809: cannot attach inheritance parent as partition
ALTER TABLE parted ATTACH PARTITION c2 FOR VALUES IN (3);
-- ERROR 42809: cannot attach inheritance child as partition
CREATE TABLE extra (a int, b text, z int);
-- ok
ALTER TABLE parted ATTACH PARTITION extra FOR VALUES IN (3);
-- ERROR 42804: table "extra" contains column "z" not found in parent "parted"
CREATE TABLE short (a int);
-- ok
ALTER TABLE parted ATTACH PARTITION short FOR VALUES IN (3);
-- ERROR 42804: child table is missing column "b"
ALTER TABLE parted ATTACH PARTITION fail_part FOR VALUES IN (3);
-- ok
CREATE TABLE fail () INHERITS (parted);
-- ERROR 42809: cannot inherit from partitioned table "parted"
CREATE TABLE fail () INHERITS (part1);
-- ERROR 42809: cannot inherit from partition "part1"
ALTER TABLE ONLY parted ADD CONSTRAINT chk CHECK (a > 0);
-- ERROR 42P16: constraint must be added to child tables too
ALTER TABLE parted ADD CONSTRAINT chk CHECK (a > 0) NO INHERIT;
-- ERROR 42P16: cannot add NO INHERIT constraint to partitioned table "parted"
ALTER TABLE parted ADD CONSTRAINT chk CHECK (a > 0);
-- ok
ALTER TABLE ONLY parted DROP CONSTRAINT chk;
-- ERROR 42P16: cannot remove constraint from only the partitioned table when partitions exist
ALTER TABLE part1 DROP CONSTRAINT chk;
-- ERROR 42P16: cannot drop inherited constraint "chk" of relation "part1"
ALTER TABLE ONLY parted DROP COLUMN b;
-- ERROR 42P16: cannot drop column from only the partitioned table when partitions exist
ALTER TABLE part1 ALTER COLUMN b TYPE varchar;
-- ERROR 42P16: cannot alter inherited column "b"
ALTER TABLE parted ALTER COLUMN a TYPE bigint;
-- ERROR 42P16: cannot alter column "a" because it is part of the partition key of relation "parted"
ALTER TABLE parted ALTER COLUMN b TYPE varchar;
-- ok
