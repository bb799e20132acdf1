-- Generated names: <table>_pkey, _key, _check (numbered on collision), _fkey, _seq; truncation.
CREATE TABLE users (id serial PRIMARY KEY, email text UNIQUE NOT NULL, age int CHECK (age > 0));
-- ok
CREATE TABLE orders (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id int REFERENCES users ON DELETE CASCADE,
    qty int CHECK (qty > 0),
    CHECK (qty < 1000),
    CONSTRAINT named_check CHECK (qty <> 13)
);
-- ok
ALTER TABLE orders ADD CHECK (qty <> 7);
-- ok
CREATE TABLE a_table_name_that_is_really_quite_long_so_that_it_gets_truncated (
    a_column_name_that_is_also_long int UNIQUE
);
-- NOTICE: identifier "a_table_name_that_is_really_quite_long_so_that_it_gets_truncated" will be truncated to "a_table_name_that_is_really_quite_long_so_that_it_gets_truncate"
-- ok
CREATE TABLE users (id int);
-- ERROR 42P07: relation "users" already exists
CREATE TABLE IF NOT EXISTS users (id int, status text);
-- NOTICE: relation "users" already exists, skipping
-- ok
CREATE TABLE t2 (a int, a text);
-- ERROR 42701: column "a" specified more than once
CREATE TABLE t3 (a int PRIMARY KEY, b int PRIMARY KEY);
-- ERROR 42P16: multiple primary keys for table "t3" are not allowed
CREATE TABLE t4 (a int REFERENCES nowhere);
-- ERROR 42P01: relation "nowhere" does not exist
CREATE TABLE t5 (a int, UNIQUE (b));
-- ERROR 42703: column "b" named in key does not exist
CREATE TABLE t6 (a int CHECK (b > 0));
-- ERROR 42703: column "b" does not exist
CREATE TABLE t7 (a int REFERENCES orders (qty));
-- ERROR 42830: there is no unique constraint matching given keys for referenced table "orders"
CREATE TABLE t8 (a mood);
-- ERROR 42704: type "mood" does not exist
CREATE TABLE nope.t9 (a int);
-- ERROR 3F000: schema "nope" does not exist
