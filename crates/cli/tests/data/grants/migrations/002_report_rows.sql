-- 002: report rows, readable by reporting.
CREATE TABLE report_rows (report_id bigint NOT NULL REFERENCES reports (id), line int NOT NULL);
GRANT SELECT ON report_rows TO reporting;
