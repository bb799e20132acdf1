-- Additive repair for production (instead of `prisma db push --accept-data-loss`):
-- add exactly what production.sql lacks compared with the migration history.
ALTER TABLE users
    ADD COLUMN IF NOT EXISTS locale TEXT NOT NULL DEFAULT 'en'
        CONSTRAINT users_locale_check CHECK (locale ~ '^[a-z]{2}(-[A-Z]{2})?$');

CREATE INDEX IF NOT EXISTS projects_active_idx ON projects (team_id, updated_at DESC)
    WHERE archived_at IS NULL;
