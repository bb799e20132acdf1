ALTER TABLE users
    ADD COLUMN locale TEXT NOT NULL DEFAULT 'en'
        CONSTRAINT users_locale_check CHECK (locale ~ '^[a-z]{2}(-[A-Z]{2})?$');

ALTER TABLE projects ADD COLUMN archived_at TIMESTAMPTZ;
