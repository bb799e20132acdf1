-- Five system roles; the application looks them up by key and refuses to
-- start if one is missing.
CREATE TABLE team_roles (
    id          SMALLINT PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,
    label       TEXT NOT NULL,
    rank        SMALLINT NOT NULL CHECK (rank BETWEEN 0 AND 100),
    is_system   BOOLEAN NOT NULL DEFAULT false
);

INSERT INTO team_roles (id, key, label, rank, is_system) VALUES
    (1, 'owner',   'Owner',   100, true),
    (2, 'admin',   'Admin',    80, true),
    (3, 'manager', 'Manager',  60, true),
    (4, 'member',  'Member',   40, true),
    (5, 'viewer',  'Viewer',   20, true);

CREATE TABLE team_memberships (
    team_id     BIGINT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role_id     SMALLINT NOT NULL REFERENCES team_roles (id),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (team_id, user_id)
);

CREATE INDEX team_memberships_user_id_idx ON team_memberships (user_id);
