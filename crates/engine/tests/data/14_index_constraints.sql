-- In one CREATE TABLE, a UNIQUE over exactly the primary key's columns (or repeating an
-- earlier UNIQUE) makes no second index; an unnamed primary key takes the UNIQUE's name.
CREATE TABLE t1 (id int UNIQUE, PRIMARY KEY (id));
-- ok
CREATE TABLE t2 (id int PRIMARY KEY UNIQUE, b int UNIQUE, c int, UNIQUE (b), CONSTRAINT named UNIQUE (c), UNIQUE (c));
-- ok
CREATE TABLE t3 (id int UNIQUE, CONSTRAINT t3_named PRIMARY KEY (id));
-- ok
CREATE TABLE t4 (id int CONSTRAINT u1 UNIQUE, PRIMARY KEY (id));
-- ok
-- Different options are different indexes.
CREATE TABLE t5 (id int UNIQUE DEFERRABLE, PRIMARY KEY (id));
-- ok
CREATE TABLE t6 (a int, b int, UNIQUE (a, b), UNIQUE (b, a));
-- ok
