--
-- PostgreSQL database dump
--

\restrict examples

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

--
-- Name: core; Type: SCHEMA; Schema: -; Owner: postgres
--

CREATE SCHEMA core;


ALTER SCHEMA core OWNER TO postgres;

--
-- Name: feedback; Type: SCHEMA; Schema: -; Owner: postgres
--

CREATE SCHEMA feedback;


ALTER SCHEMA feedback OWNER TO postgres;

--
-- Name: identity; Type: SCHEMA; Schema: -; Owner: postgres
--

CREATE SCHEMA identity;


ALTER SCHEMA identity OWNER TO postgres;

--
-- Name: lead; Type: SCHEMA; Schema: -; Owner: postgres
--

CREATE SCHEMA lead;


ALTER SCHEMA lead OWNER TO postgres;

--
-- Name: plan_tier; Type: TYPE; Schema: core; Owner: postgres
--

CREATE TYPE core.plan_tier AS ENUM (
    'free',
    'team',
    'enterprise'
);


ALTER TYPE core.plan_tier OWNER TO postgres;

--
-- Name: survey_status; Type: TYPE; Schema: feedback; Owner: postgres
--

CREATE TYPE feedback.survey_status AS ENUM (
    'draft',
    'open',
    'closed'
);


ALTER TYPE feedback.survey_status OWNER TO postgres;

--
-- Name: user_role; Type: TYPE; Schema: identity; Owner: postgres
--

CREATE TYPE identity.user_role AS ENUM (
    'owner',
    'admin',
    'agent',
    'viewer'
);


ALTER TYPE identity.user_role OWNER TO postgres;

--
-- Name: lead_status; Type: TYPE; Schema: lead; Owner: postgres
--

CREATE TYPE lead.lead_status AS ENUM (
    'new',
    'contacted',
    'qualified',
    'won',
    'lost'
);


ALTER TYPE lead.lead_status OWNER TO postgres;

--
-- Name: current_tenant_id(); Type: FUNCTION; Schema: core; Owner: postgres
--

CREATE FUNCTION core.current_tenant_id() RETURNS uuid
    LANGUAGE sql STABLE
    SET search_path TO ''
    AS $$
    SELECT nullif(pg_catalog.current_setting('app.tenant_id', true), '')::uuid
$$;


ALTER FUNCTION core.current_tenant_id() OWNER TO postgres;

--
-- Name: find_user_for_login(text, text); Type: FUNCTION; Schema: identity; Owner: postgres
--

CREATE FUNCTION identity.find_user_for_login(p_tenant_slug text, p_email text) RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER
    AS $$
    SELECT u.id
    FROM identity.users u
    JOIN core.tenants t ON t.id = u.tenant_id
    WHERE t.slug = p_tenant_slug
      AND lower(u.email) = lower(p_email)
      AND u.deleted_at IS NULL
      AND t.deleted_at IS NULL
$$;


ALTER FUNCTION identity.find_user_for_login(p_tenant_slug text, p_email text) OWNER TO postgres;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: tenant_settings; Type: TABLE; Schema: core; Owner: postgres
--

CREATE TABLE core.tenant_settings (
    tenant_id uuid NOT NULL,
    timezone text DEFAULT 'UTC'::text NOT NULL,
    locale text DEFAULT 'en'::text NOT NULL,
    settings jsonb DEFAULT '{}'::jsonb NOT NULL
);


ALTER TABLE core.tenant_settings OWNER TO postgres;

--
-- Name: tenants; Type: TABLE; Schema: core; Owner: postgres
--

CREATE TABLE core.tenants (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    slug text NOT NULL,
    name text NOT NULL,
    plan core.plan_tier DEFAULT 'free'::core.plan_tier NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    deleted_at timestamp with time zone,
    CONSTRAINT tenants_slug_format CHECK ((slug ~ '^[a-z0-9-]{3,40}$'::text))
);


ALTER TABLE core.tenants OWNER TO postgres;

--
-- Name: response_tags; Type: TABLE; Schema: feedback; Owner: postgres
--

CREATE TABLE feedback.response_tags (
    response_id bigint NOT NULL,
    tag text NOT NULL,
    CONSTRAINT response_tags_tag_check CHECK ((tag = lower(tag)))
);


ALTER TABLE feedback.response_tags OWNER TO postgres;

--
-- Name: responses; Type: TABLE; Schema: feedback; Owner: postgres
--

CREATE TABLE feedback.responses (
    id bigint NOT NULL,
    tenant_id uuid NOT NULL,
    survey_id bigint NOT NULL,
    lead_id bigint,
    rating smallint NOT NULL,
    comment text,
    submitted_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT responses_rating_check CHECK (((rating >= 0) AND (rating <= 10)))
);


ALTER TABLE feedback.responses OWNER TO postgres;

--
-- Name: responses_id_seq; Type: SEQUENCE; Schema: feedback; Owner: postgres
--

ALTER TABLE feedback.responses ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME feedback.responses_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: surveys; Type: TABLE; Schema: feedback; Owner: postgres
--

CREATE TABLE feedback.surveys (
    id bigint NOT NULL,
    tenant_id uuid NOT NULL,
    title text NOT NULL,
    status feedback.survey_status DEFAULT 'draft'::feedback.survey_status NOT NULL,
    created_by uuid,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    deleted_at timestamp with time zone
);


ALTER TABLE feedback.surveys OWNER TO postgres;

--
-- Name: surveys_id_seq; Type: SEQUENCE; Schema: feedback; Owner: postgres
--

ALTER TABLE feedback.surveys ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME feedback.surveys_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: api_keys; Type: TABLE; Schema: identity; Owner: postgres
--

CREATE TABLE identity.api_keys (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    tenant_id uuid NOT NULL,
    user_id uuid NOT NULL,
    key_prefix text NOT NULL,
    key_hash text NOT NULL,
    expires_at timestamp with time zone,
    revoked_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT api_keys_key_prefix_check CHECK ((length(key_prefix) = 8))
);


ALTER TABLE identity.api_keys OWNER TO postgres;

--
-- Name: sessions; Type: TABLE; Schema: identity; Owner: postgres
--

CREATE TABLE identity.sessions (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    tenant_id uuid NOT NULL,
    user_id uuid NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    CONSTRAINT sessions_expiry_after_creation CHECK ((expires_at > created_at))
);


ALTER TABLE identity.sessions OWNER TO postgres;

--
-- Name: users; Type: TABLE; Schema: identity; Owner: postgres
--

CREATE TABLE identity.users (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    tenant_id uuid NOT NULL,
    email text NOT NULL,
    full_name text,
    role identity.user_role DEFAULT 'agent'::identity.user_role NOT NULL,
    status text DEFAULT 'active'::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    deleted_at timestamp with time zone,
    CONSTRAINT users_status_check CHECK ((status = ANY (ARRAY['invited'::text, 'active'::text, 'disabled'::text])))
);


ALTER TABLE identity.users OWNER TO postgres;

--
-- Name: lead_activities; Type: TABLE; Schema: lead; Owner: postgres
--

CREATE TABLE lead.lead_activities (
    id bigint NOT NULL,
    tenant_id uuid NOT NULL,
    lead_id bigint NOT NULL,
    kind text NOT NULL,
    occurred_at timestamp with time zone NOT NULL,
    payload jsonb DEFAULT '{}'::jsonb NOT NULL,
    CONSTRAINT lead_activities_kind_check CHECK ((kind = ANY (ARRAY['call'::text, 'email'::text, 'meeting'::text])))
);


ALTER TABLE lead.lead_activities OWNER TO postgres;

--
-- Name: lead_activities_id_seq; Type: SEQUENCE; Schema: lead; Owner: postgres
--

ALTER TABLE lead.lead_activities ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME lead.lead_activities_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: lead_notes; Type: TABLE; Schema: lead; Owner: postgres
--

CREATE TABLE lead.lead_notes (
    id bigint NOT NULL,
    tenant_id uuid NOT NULL,
    lead_id bigint NOT NULL,
    author_id uuid,
    body text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    deleted_at timestamp with time zone,
    CONSTRAINT lead_notes_body_check CHECK ((length(body) > 0))
);


ALTER TABLE lead.lead_notes OWNER TO postgres;

--
-- Name: lead_notes_id_seq; Type: SEQUENCE; Schema: lead; Owner: postgres
--

ALTER TABLE lead.lead_notes ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME lead.lead_notes_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: leads; Type: TABLE; Schema: lead; Owner: postgres
--

CREATE TABLE lead.leads (
    id bigint NOT NULL,
    tenant_id uuid NOT NULL,
    source_id bigint,
    owner_id uuid,
    status lead.lead_status DEFAULT 'new'::lead.lead_status NOT NULL,
    email text,
    company text,
    score smallint DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    deleted_at timestamp with time zone,
    CONSTRAINT leads_score_check CHECK (((score >= 0) AND (score <= 100)))
);


ALTER TABLE lead.leads OWNER TO postgres;

--
-- Name: leads_id_seq; Type: SEQUENCE; Schema: lead; Owner: postgres
--

ALTER TABLE lead.leads ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME lead.leads_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: sources; Type: TABLE; Schema: lead; Owner: postgres
--

CREATE TABLE lead.sources (
    id bigint NOT NULL,
    tenant_id uuid NOT NULL,
    name text NOT NULL
);


ALTER TABLE lead.sources OWNER TO postgres;

--
-- Name: sources_id_seq; Type: SEQUENCE; Schema: lead; Owner: postgres
--

ALTER TABLE lead.sources ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME lead.sources_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: tenant_settings tenant_settings_pkey; Type: CONSTRAINT; Schema: core; Owner: postgres
--

ALTER TABLE ONLY core.tenant_settings
    ADD CONSTRAINT tenant_settings_pkey PRIMARY KEY (tenant_id);


--
-- Name: tenants tenants_pkey; Type: CONSTRAINT; Schema: core; Owner: postgres
--

ALTER TABLE ONLY core.tenants
    ADD CONSTRAINT tenants_pkey PRIMARY KEY (id);


--
-- Name: response_tags response_tags_pkey; Type: CONSTRAINT; Schema: feedback; Owner: postgres
--

ALTER TABLE ONLY feedback.response_tags
    ADD CONSTRAINT response_tags_pkey PRIMARY KEY (response_id, tag);


--
-- Name: responses responses_pkey; Type: CONSTRAINT; Schema: feedback; Owner: postgres
--

ALTER TABLE ONLY feedback.responses
    ADD CONSTRAINT responses_pkey PRIMARY KEY (id);


--
-- Name: responses responses_survey_id_lead_id_key; Type: CONSTRAINT; Schema: feedback; Owner: postgres
--

ALTER TABLE ONLY feedback.responses
    ADD CONSTRAINT responses_survey_id_lead_id_key UNIQUE (survey_id, lead_id);


--
-- Name: surveys surveys_pkey; Type: CONSTRAINT; Schema: feedback; Owner: postgres
--

ALTER TABLE ONLY feedback.surveys
    ADD CONSTRAINT surveys_pkey PRIMARY KEY (id);


--
-- Name: api_keys api_keys_key_hash_key; Type: CONSTRAINT; Schema: identity; Owner: postgres
--

ALTER TABLE ONLY identity.api_keys
    ADD CONSTRAINT api_keys_key_hash_key UNIQUE (key_hash);


--
-- Name: api_keys api_keys_pkey; Type: CONSTRAINT; Schema: identity; Owner: postgres
--

ALTER TABLE ONLY identity.api_keys
    ADD CONSTRAINT api_keys_pkey PRIMARY KEY (id);


--
-- Name: sessions sessions_pkey; Type: CONSTRAINT; Schema: identity; Owner: postgres
--

ALTER TABLE ONLY identity.sessions
    ADD CONSTRAINT sessions_pkey PRIMARY KEY (id);


--
-- Name: users users_pkey; Type: CONSTRAINT; Schema: identity; Owner: postgres
--

ALTER TABLE ONLY identity.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);


--
-- Name: lead_activities lead_activities_pkey; Type: CONSTRAINT; Schema: lead; Owner: postgres
--

ALTER TABLE ONLY lead.lead_activities
    ADD CONSTRAINT lead_activities_pkey PRIMARY KEY (id);


--
-- Name: lead_notes lead_notes_pkey; Type: CONSTRAINT; Schema: lead; Owner: postgres
--

ALTER TABLE ONLY lead.lead_notes
    ADD CONSTRAINT lead_notes_pkey PRIMARY KEY (id);


--
-- Name: leads leads_pkey; Type: CONSTRAINT; Schema: lead; Owner: postgres
--

ALTER TABLE ONLY lead.leads
    ADD CONSTRAINT leads_pkey PRIMARY KEY (id);


--
-- Name: sources sources_pkey; Type: CONSTRAINT; Schema: lead; Owner: postgres
--

ALTER TABLE ONLY lead.sources
    ADD CONSTRAINT sources_pkey PRIMARY KEY (id);


--
-- Name: sources sources_tenant_id_name_key; Type: CONSTRAINT; Schema: lead; Owner: postgres
--

ALTER TABLE ONLY lead.sources
    ADD CONSTRAINT sources_tenant_id_name_key UNIQUE (tenant_id, name);


--
-- Name: tenants_slug_active_key; Type: INDEX; Schema: core; Owner: postgres
--

CREATE UNIQUE INDEX tenants_slug_active_key ON core.tenants USING btree (slug) WHERE (deleted_at IS NULL);


--
-- Name: surveys_tenant_id_status_idx; Type: INDEX; Schema: feedback; Owner: postgres
--

CREATE INDEX surveys_tenant_id_status_idx ON feedback.surveys USING btree (tenant_id, status);


--
-- Name: api_keys_tenant_id_idx; Type: INDEX; Schema: identity; Owner: postgres
--

CREATE INDEX api_keys_tenant_id_idx ON identity.api_keys USING btree (tenant_id);


--
-- Name: sessions_user_id_idx; Type: INDEX; Schema: identity; Owner: postgres
--

CREATE INDEX sessions_user_id_idx ON identity.sessions USING btree (user_id);


--
-- Name: users_tenant_email_active_key; Type: INDEX; Schema: identity; Owner: postgres
--

CREATE UNIQUE INDEX users_tenant_email_active_key ON identity.users USING btree (tenant_id, lower(email)) WHERE (deleted_at IS NULL);


--
-- Name: users_tenant_id_idx; Type: INDEX; Schema: identity; Owner: postgres
--

CREATE INDEX users_tenant_id_idx ON identity.users USING btree (tenant_id);


--
-- Name: lead_activities_lead_id_occurred_at_idx; Type: INDEX; Schema: lead; Owner: postgres
--

CREATE INDEX lead_activities_lead_id_occurred_at_idx ON lead.lead_activities USING btree (lead_id, occurred_at DESC);


--
-- Name: lead_notes_lead_id_idx; Type: INDEX; Schema: lead; Owner: postgres
--

CREATE INDEX lead_notes_lead_id_idx ON lead.lead_notes USING btree (lead_id);


--
-- Name: leads_tenant_email_key; Type: INDEX; Schema: lead; Owner: postgres
--

CREATE UNIQUE INDEX leads_tenant_email_key ON lead.leads USING btree (tenant_id, lower(email)) WHERE ((deleted_at IS NULL) AND (email IS NOT NULL));


--
-- Name: tenant_settings tenant_settings_tenant_id_fkey; Type: FK CONSTRAINT; Schema: core; Owner: postgres
--

ALTER TABLE ONLY core.tenant_settings
    ADD CONSTRAINT tenant_settings_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES core.tenants(id) ON DELETE CASCADE;


--
-- Name: response_tags response_tags_response_id_fkey; Type: FK CONSTRAINT; Schema: feedback; Owner: postgres
--

ALTER TABLE ONLY feedback.response_tags
    ADD CONSTRAINT response_tags_response_id_fkey FOREIGN KEY (response_id) REFERENCES feedback.responses(id) ON DELETE CASCADE;


--
-- Name: responses responses_lead_id_fkey; Type: FK CONSTRAINT; Schema: feedback; Owner: postgres
--

ALTER TABLE ONLY feedback.responses
    ADD CONSTRAINT responses_lead_id_fkey FOREIGN KEY (lead_id) REFERENCES lead.leads(id) ON DELETE SET NULL;


--
-- Name: responses responses_survey_id_fkey; Type: FK CONSTRAINT; Schema: feedback; Owner: postgres
--

ALTER TABLE ONLY feedback.responses
    ADD CONSTRAINT responses_survey_id_fkey FOREIGN KEY (survey_id) REFERENCES feedback.surveys(id) ON DELETE CASCADE;


--
-- Name: responses responses_tenant_id_fkey; Type: FK CONSTRAINT; Schema: feedback; Owner: postgres
--

ALTER TABLE ONLY feedback.responses
    ADD CONSTRAINT responses_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES core.tenants(id);


--
-- Name: surveys surveys_created_by_fkey; Type: FK CONSTRAINT; Schema: feedback; Owner: postgres
--

ALTER TABLE ONLY feedback.surveys
    ADD CONSTRAINT surveys_created_by_fkey FOREIGN KEY (created_by) REFERENCES identity.users(id) ON DELETE SET NULL;


--
-- Name: surveys surveys_tenant_id_fkey; Type: FK CONSTRAINT; Schema: feedback; Owner: postgres
--

ALTER TABLE ONLY feedback.surveys
    ADD CONSTRAINT surveys_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES core.tenants(id);


--
-- Name: api_keys api_keys_tenant_id_fkey; Type: FK CONSTRAINT; Schema: identity; Owner: postgres
--

ALTER TABLE ONLY identity.api_keys
    ADD CONSTRAINT api_keys_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES core.tenants(id);


--
-- Name: api_keys api_keys_user_id_fkey; Type: FK CONSTRAINT; Schema: identity; Owner: postgres
--

ALTER TABLE ONLY identity.api_keys
    ADD CONSTRAINT api_keys_user_id_fkey FOREIGN KEY (user_id) REFERENCES identity.users(id) ON DELETE CASCADE;


--
-- Name: sessions sessions_tenant_id_fkey; Type: FK CONSTRAINT; Schema: identity; Owner: postgres
--

ALTER TABLE ONLY identity.sessions
    ADD CONSTRAINT sessions_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES core.tenants(id);


--
-- Name: sessions sessions_user_id_fkey; Type: FK CONSTRAINT; Schema: identity; Owner: postgres
--

ALTER TABLE ONLY identity.sessions
    ADD CONSTRAINT sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES identity.users(id) ON DELETE CASCADE;


--
-- Name: users users_tenant_id_fkey; Type: FK CONSTRAINT; Schema: identity; Owner: postgres
--

ALTER TABLE ONLY identity.users
    ADD CONSTRAINT users_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES core.tenants(id);


--
-- Name: lead_activities lead_activities_lead_id_fkey; Type: FK CONSTRAINT; Schema: lead; Owner: postgres
--

ALTER TABLE ONLY lead.lead_activities
    ADD CONSTRAINT lead_activities_lead_id_fkey FOREIGN KEY (lead_id) REFERENCES lead.leads(id) ON DELETE CASCADE;


--
-- Name: lead_activities lead_activities_tenant_id_fkey; Type: FK CONSTRAINT; Schema: lead; Owner: postgres
--

ALTER TABLE ONLY lead.lead_activities
    ADD CONSTRAINT lead_activities_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES core.tenants(id);


--
-- Name: lead_notes lead_notes_author_id_fkey; Type: FK CONSTRAINT; Schema: lead; Owner: postgres
--

ALTER TABLE ONLY lead.lead_notes
    ADD CONSTRAINT lead_notes_author_id_fkey FOREIGN KEY (author_id) REFERENCES identity.users(id) ON DELETE SET NULL;


--
-- Name: lead_notes lead_notes_lead_id_fkey; Type: FK CONSTRAINT; Schema: lead; Owner: postgres
--

ALTER TABLE ONLY lead.lead_notes
    ADD CONSTRAINT lead_notes_lead_id_fkey FOREIGN KEY (lead_id) REFERENCES lead.leads(id) ON DELETE CASCADE;


--
-- Name: lead_notes lead_notes_tenant_id_fkey; Type: FK CONSTRAINT; Schema: lead; Owner: postgres
--

ALTER TABLE ONLY lead.lead_notes
    ADD CONSTRAINT lead_notes_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES core.tenants(id);


--
-- Name: leads leads_owner_id_fkey; Type: FK CONSTRAINT; Schema: lead; Owner: postgres
--

ALTER TABLE ONLY lead.leads
    ADD CONSTRAINT leads_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES identity.users(id) ON DELETE SET NULL;


--
-- Name: leads leads_source_id_fkey; Type: FK CONSTRAINT; Schema: lead; Owner: postgres
--

ALTER TABLE ONLY lead.leads
    ADD CONSTRAINT leads_source_id_fkey FOREIGN KEY (source_id) REFERENCES lead.sources(id);


--
-- Name: leads leads_tenant_id_fkey; Type: FK CONSTRAINT; Schema: lead; Owner: postgres
--

ALTER TABLE ONLY lead.leads
    ADD CONSTRAINT leads_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES core.tenants(id);


--
-- Name: sources sources_tenant_id_fkey; Type: FK CONSTRAINT; Schema: lead; Owner: postgres
--

ALTER TABLE ONLY lead.sources
    ADD CONSTRAINT sources_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES core.tenants(id);


--
-- Name: tenant_settings tenant_isolation; Type: POLICY; Schema: core; Owner: postgres
--

CREATE POLICY tenant_isolation ON core.tenant_settings USING ((tenant_id = core.current_tenant_id())) WITH CHECK ((tenant_id = core.current_tenant_id()));


--
-- Name: tenant_settings; Type: ROW SECURITY; Schema: core; Owner: postgres
--

ALTER TABLE core.tenant_settings ENABLE ROW LEVEL SECURITY;

--
-- Name: responses; Type: ROW SECURITY; Schema: feedback; Owner: postgres
--

ALTER TABLE feedback.responses ENABLE ROW LEVEL SECURITY;

--
-- Name: surveys; Type: ROW SECURITY; Schema: feedback; Owner: postgres
--

ALTER TABLE feedback.surveys ENABLE ROW LEVEL SECURITY;

--
-- Name: surveys tenant_isolation; Type: POLICY; Schema: feedback; Owner: postgres
--

CREATE POLICY tenant_isolation ON feedback.surveys USING ((tenant_id = core.current_tenant_id())) WITH CHECK ((tenant_id = core.current_tenant_id()));


--
-- Name: responses tenant_read; Type: POLICY; Schema: feedback; Owner: postgres
--

CREATE POLICY tenant_read ON feedback.responses FOR SELECT USING ((tenant_id = core.current_tenant_id()));


--
-- Name: api_keys; Type: ROW SECURITY; Schema: identity; Owner: postgres
--

ALTER TABLE identity.api_keys ENABLE ROW LEVEL SECURITY;

--
-- Name: api_keys tenant_isolation; Type: POLICY; Schema: identity; Owner: postgres
--

CREATE POLICY tenant_isolation ON identity.api_keys USING ((tenant_id = core.current_tenant_id())) WITH CHECK ((tenant_id = core.current_tenant_id()));


--
-- Name: users tenant_isolation; Type: POLICY; Schema: identity; Owner: postgres
--

CREATE POLICY tenant_isolation ON identity.users USING ((tenant_id = core.current_tenant_id())) WITH CHECK ((tenant_id = core.current_tenant_id()));


--
-- Name: users; Type: ROW SECURITY; Schema: identity; Owner: postgres
--

ALTER TABLE identity.users ENABLE ROW LEVEL SECURITY;

--
-- Name: leads hide_deleted; Type: POLICY; Schema: lead; Owner: postgres
--

CREATE POLICY hide_deleted ON lead.leads AS RESTRICTIVE FOR SELECT USING ((deleted_at IS NULL));


--
-- Name: lead_activities; Type: ROW SECURITY; Schema: lead; Owner: postgres
--

ALTER TABLE lead.lead_activities ENABLE ROW LEVEL SECURITY;

--
-- Name: lead_notes; Type: ROW SECURITY; Schema: lead; Owner: postgres
--

ALTER TABLE lead.lead_notes ENABLE ROW LEVEL SECURITY;

--
-- Name: leads; Type: ROW SECURITY; Schema: lead; Owner: postgres
--

ALTER TABLE lead.leads ENABLE ROW LEVEL SECURITY;

--
-- Name: sources; Type: ROW SECURITY; Schema: lead; Owner: postgres
--

ALTER TABLE lead.sources ENABLE ROW LEVEL SECURITY;

--
-- Name: lead_activities tenant_isolation; Type: POLICY; Schema: lead; Owner: postgres
--

CREATE POLICY tenant_isolation ON lead.lead_activities USING ((tenant_id = core.current_tenant_id())) WITH CHECK ((tenant_id = core.current_tenant_id()));


--
-- Name: lead_notes tenant_isolation; Type: POLICY; Schema: lead; Owner: postgres
--

CREATE POLICY tenant_isolation ON lead.lead_notes USING ((tenant_id = core.current_tenant_id())) WITH CHECK ((tenant_id = core.current_tenant_id()));


--
-- Name: leads tenant_isolation; Type: POLICY; Schema: lead; Owner: postgres
--

CREATE POLICY tenant_isolation ON lead.leads USING ((tenant_id = core.current_tenant_id())) WITH CHECK ((tenant_id = core.current_tenant_id()));


--
-- Name: sources tenant_isolation; Type: POLICY; Schema: lead; Owner: postgres
--

CREATE POLICY tenant_isolation ON lead.sources USING ((tenant_id = core.current_tenant_id())) WITH CHECK ((tenant_id = core.current_tenant_id()));


--
-- PostgreSQL database dump complete
--

\unrestrict examples

