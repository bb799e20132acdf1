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
