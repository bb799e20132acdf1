CREATE INDEX projects_created_by_idx ON projects (created_by);

-- The project list only shows projects that are not archived.
CREATE INDEX projects_active_idx ON projects (team_id, updated_at DESC)
    WHERE archived_at IS NULL;
