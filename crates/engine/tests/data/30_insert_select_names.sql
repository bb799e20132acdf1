-- INSERT ... SELECT: the query's column names are resolved like a SELECT's (parse analysis),
-- including through the INSERT's own WITH clause.
CREATE TABLE ins_sent (id int, ap_id text, published_at timestamp);
-- ok
CREATE TABLE ins_activity (id serial, ap_id text, published timestamp);
-- ok
INSERT INTO ins_activity (ap_id, published) SELECT ap_id, published FROM ins_sent ORDER BY id DESC LIMIT 100000;
-- ERROR 42703: column "published" does not exist
INSERT INTO ins_activity (ap_id, published) SELECT ap_id, published_at FROM ins_sent ORDER BY id DESC LIMIT 100000;
-- ok
WITH recent AS (SELECT ap_id, published_at AS p FROM ins_sent) INSERT INTO ins_activity (ap_id, published) SELECT ap_id, p FROM recent;
-- ok
WITH recent AS (SELECT ap_id FROM ins_sent) INSERT INTO ins_activity (ap_id, published) SELECT ap_id, p FROM recent;
-- ERROR 42703: column "p" does not exist
INSERT INTO ins_activity (ap_id) SELECT s.ap_id FROM ins_sent s JOIN ins_activity a ON a.ap_id = s.ap_id WHERE a.published_at IS NULL;
-- ERROR 42703: column a.published_at does not exist
-- The WITH queries of UPDATE and DELETE are analysed too; a literal compared with an enum column
-- must be one of its labels, whether or not the table has rows.
CREATE TYPE ins_mode AS ENUM ('Closed', 'Open');
-- ok
CREATE TABLE ins_site (registration_mode ins_mode NOT NULL DEFAULT 'Open', open_registration boolean);
-- ok
WITH subquery AS (SELECT registration_mode, CASE WHEN registration_mode = 'closed' THEN FALSE ELSE TRUE END FROM ins_site) UPDATE ins_site SET open_registration = subquery.case FROM subquery;
-- ERROR 22P02: invalid input value for enum ins_mode: "closed"
WITH subquery AS (SELECT registration_mode, CASE WHEN registration_mode = 'Closed' THEN FALSE ELSE TRUE END FROM ins_site) UPDATE ins_site SET open_registration = subquery.case FROM subquery;
-- ok
SELECT count(*) FROM ins_site WHERE registration_mode = 'open';
-- ERROR 22P02: invalid input value for enum ins_mode: "open"
WITH old AS (SELECT ap_id FROM ins_sent WHERE published IS NULL) DELETE FROM ins_sent WHERE ap_id IN (SELECT ap_id FROM old);
-- ERROR 42703: column "published" does not exist
-- UPDATE SET values (multi-column too), FROM items, WHERE and RETURNING, and DELETE USING/WHERE,
-- resolve names like a query over the target and the other FROM items.
UPDATE ins_sent SET (ap_id, published_at) = (SELECT ap_id, published FROM ins_sent LIMIT 1);
-- ERROR 42703: column "published" does not exist
UPDATE ins_sent SET ap_id = a.ap_id FROM ins_activity a WHERE a.id = ins_sent.id AND a.published_at IS NULL;
-- ERROR 42703: column a.published_at does not exist
UPDATE ins_sent s SET ap_id = s.ap_id || 'x' WHERE s.published_at IS NULL RETURNING s.id, published;
-- ERROR 42703: column "published" does not exist
UPDATE ins_sent s SET ap_id = DEFAULT, published_at = a.published FROM ins_activity a WHERE a.id = s.id RETURNING s.id;
-- ok
DELETE FROM ins_sent s USING ins_activity a WHERE a.ap_id = s.ap_id AND s.published IS NULL;
-- ERROR 42703: column s.published does not exist
DELETE FROM ins_sent s USING ins_activity a WHERE a.ap_id = s.ap_id AND a.published IS NULL RETURNING s.*;
-- ok
-- The FROM items and SET values are analysed before the SET columns are looked up.
UPDATE ins_sent SET published = ls.published FROM (SELECT id, published FROM ins_sent) AS ls WHERE ins_sent.id = ls.id;
-- ERROR 42703: column "published" does not exist
UPDATE ins_sent SET published = ls.published_at FROM (SELECT id, published_at FROM ins_sent) AS ls WHERE ins_sent.id = ls.id;
-- ERROR 42703: column "published" of relation "ins_sent" does not exist
-- System columns exist on every table, also in RETURNING.
UPDATE ins_sent SET id = id RETURNING tableoid::regclass, ctid, *;
-- ok
DELETE FROM ins_sent WHERE xmin IS NULL RETURNING tableoid::regclass;
-- ok
