-- Index keys as pg_get_indexdef prints them: ASC and the default NULLS placement are implied.
CREATE TABLE s (id int, nid int, token text, created timestamptz, note text DEFAULT NULL, code text DEFAULT NULL::text);
-- ok
CREATE INDEX s_a ON s (id ASC, nid ASC NULLS LAST);
-- ok
CREATE INDEX s_b ON s (id DESC NULLS FIRST, nid DESC NULLS LAST, token NULLS FIRST, created ASC NULLS FIRST);
-- ok
-- A NULL default is no default.
ALTER TABLE s ALTER COLUMN token SET DEFAULT 'x';
-- ok
ALTER TABLE s ALTER COLUMN token SET DEFAULT NULL;
-- ok
CREATE TABLE s2 (id int DEFAULT NULL DEFAULT 1);
-- ERROR 42601: multiple default values specified for column "id" of table "s2"
CREATE TABLE s3 (id int DEFAULT NULL GENERATED ALWAYS AS IDENTITY);
-- ERROR 42601: both default and identity specified for column "id" of table "s3"
