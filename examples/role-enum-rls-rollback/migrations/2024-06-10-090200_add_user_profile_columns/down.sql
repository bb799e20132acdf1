ALTER TABLE users
    DROP COLUMN last_login_at,
    DROP COLUMN preferences,
    DROP COLUMN timezone,
    DROP COLUMN phone,
    DROP COLUMN avatar_url;
