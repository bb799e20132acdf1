-- 001: a reporting role that may only read.
CREATE ROLE reporting NOLOGIN;
CREATE TABLE reports (id bigint PRIMARY KEY, title text NOT NULL);
GRANT SELECT ON reports TO reporting;
