-- One schema per bounded context.
CREATE SCHEMA core;
CREATE SCHEMA identity;
CREATE SCHEMA lead;
CREATE SCHEMA feedback;

CREATE TYPE core.plan_tier AS ENUM ('free', 'team', 'enterprise');
CREATE TYPE identity.user_role AS ENUM ('owner', 'admin', 'agent', 'viewer');
CREATE TYPE lead.lead_status AS ENUM ('new', 'contacted', 'qualified', 'won', 'lost');
CREATE TYPE feedback.survey_status AS ENUM ('draft', 'open', 'closed');
