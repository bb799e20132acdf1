-- 007: role-aware RLS.  New helpers first, then the old policies go, then the
-- old helper (only possible once no policy uses it), then the new policies.
CREATE FUNCTION get_current_user_id() RETURNS uuid
LANGUAGE sql STABLE AS $$
    SELECT nullif(current_setting('app.user_id', true), '')::uuid
$$;

-- SECURITY DEFINER: the lookup must not be filtered by the policies on users.
CREATE FUNCTION get_current_user_role() RETURNS user_role
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT role FROM users WHERE id = get_current_user_id()
$$;

CREATE FUNCTION is_sales_rep() RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT coalesce(get_current_user_role() = 'sales_rep', false)
$$;

CREATE FUNCTION is_customer() RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT coalesce(get_current_user_role() = 'customer', false)
$$;

DROP POLICY iso_agents_select_own ON users;
DROP POLICY iso_agents_update_own ON users;
DROP POLICY client_profiles_agent_all ON client_profiles;
DROP POLICY requests_agent_all ON requests;
DROP POLICY quotes_agent_select ON quotes;
DROP POLICY workflow_states_agent_all ON workflow_states;
DROP POLICY agent_executions_agent_select ON agent_executions;

DROP FUNCTION get_current_iso_agent_id();

CREATE POLICY users_select ON users FOR SELECT
    USING (id = get_current_user_id() OR get_current_user_role() IN ('admin', 'operator'));
CREATE POLICY users_update_own ON users FOR UPDATE
    USING (id = get_current_user_id());

CREATE POLICY client_profiles_sales_rep ON client_profiles FOR ALL
    USING (is_sales_rep() AND user_id = get_current_user_id())
    WITH CHECK (is_sales_rep() AND user_id = get_current_user_id());
CREATE POLICY client_profiles_staff_read ON client_profiles FOR SELECT
    USING (get_current_user_role() IN ('admin', 'operator'));

CREATE POLICY requests_owner ON requests FOR ALL
    USING (user_id = get_current_user_id())
    WITH CHECK (user_id = get_current_user_id());
CREATE POLICY requests_customer_read ON requests FOR SELECT
    USING (is_customer() AND EXISTS (
        SELECT 1 FROM client_profiles cp
        JOIN users u ON u.id = get_current_user_id()
        WHERE cp.id = requests.client_profile_id
          AND lower(cp.contact_email) = lower(u.email)));
CREATE POLICY requests_staff_read ON requests FOR SELECT
    USING (get_current_user_role() IN ('admin', 'operator'));

CREATE POLICY quotes_visible ON quotes FOR SELECT
    USING (EXISTS (SELECT 1 FROM requests r WHERE r.id = quotes.request_id));

CREATE POLICY workflow_states_owner ON workflow_states FOR ALL
    USING (EXISTS (
        SELECT 1 FROM requests r
        WHERE r.id = workflow_states.request_id AND r.user_id = get_current_user_id()));

CREATE POLICY agent_executions_visible ON agent_executions FOR SELECT
    USING (get_current_user_role() IN ('admin', 'operator') OR EXISTS (
        SELECT 1 FROM requests r
        WHERE r.id = agent_executions.request_id AND r.user_id = get_current_user_id()));
