-- Tenant isolation: every tenant-scoped table only shows the current tenant's rows.
ALTER TABLE core.tenant_settings ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON core.tenant_settings
    USING (tenant_id = core.current_tenant_id())
    WITH CHECK (tenant_id = core.current_tenant_id());

ALTER TABLE identity.users ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON identity.users
    USING (tenant_id = core.current_tenant_id())
    WITH CHECK (tenant_id = core.current_tenant_id());

ALTER TABLE identity.api_keys ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON identity.api_keys
    USING (tenant_id = core.current_tenant_id())
    WITH CHECK (tenant_id = core.current_tenant_id());

ALTER TABLE lead.sources ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON lead.sources
    USING (tenant_id = core.current_tenant_id())
    WITH CHECK (tenant_id = core.current_tenant_id());

ALTER TABLE lead.leads ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON lead.leads
    USING (tenant_id = core.current_tenant_id())
    WITH CHECK (tenant_id = core.current_tenant_id());
CREATE POLICY hide_deleted ON lead.leads AS RESTRICTIVE FOR SELECT
    USING (deleted_at IS NULL);

ALTER TABLE lead.lead_notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON lead.lead_notes
    USING (tenant_id = core.current_tenant_id())
    WITH CHECK (tenant_id = core.current_tenant_id());

ALTER TABLE lead.lead_activities ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON lead.lead_activities
    USING (tenant_id = core.current_tenant_id())
    WITH CHECK (tenant_id = core.current_tenant_id());

ALTER TABLE feedback.surveys ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON feedback.surveys
    USING (tenant_id = core.current_tenant_id())
    WITH CHECK (tenant_id = core.current_tenant_id());

-- Responses are submitted by anonymous respondents through a public link; the
-- API inserts them as the owner, so only reads are restricted.
ALTER TABLE feedback.responses ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_read ON feedback.responses FOR SELECT
    USING (tenant_id = core.current_tenant_id());
