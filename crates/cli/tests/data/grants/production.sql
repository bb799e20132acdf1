--
-- PostgreSQL database dump
--

\restrict tests

-- Dumped from database version 17.10
-- Dumped by pg_dump version 17.10

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET transaction_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: report_rows; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.report_rows (
    report_id bigint NOT NULL,
    line integer NOT NULL
);


--
-- Name: reports; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.reports (
    id bigint NOT NULL,
    title text NOT NULL
);


--
-- Name: reports reports_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reports
    ADD CONSTRAINT reports_pkey PRIMARY KEY (id);


--
-- Name: report_rows report_rows_report_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.report_rows
    ADD CONSTRAINT report_rows_report_id_fkey FOREIGN KEY (report_id) REFERENCES public.reports(id);


--
-- Name: TABLE report_rows; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT ON TABLE public.report_rows TO reporting;


--
-- Name: TABLE reports; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.reports TO reporting;


--
-- PostgreSQL database dump complete
--

\unrestrict tests

