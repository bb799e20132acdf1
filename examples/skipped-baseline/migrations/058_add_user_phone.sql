-- 058: phone number for customer support callbacks.
ALTER TABLE users ADD COLUMN phone VARCHAR(32);
