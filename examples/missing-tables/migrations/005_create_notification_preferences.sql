CREATE TABLE notification_preferences (
    user_id        BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    email_digest   TEXT NOT NULL DEFAULT 'weekly'
                   CHECK (email_digest IN ('never', 'daily', 'weekly')),
    product_news   BOOLEAN NOT NULL DEFAULT true,
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
