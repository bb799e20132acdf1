CREATE FUNCTION account_slug(e text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT split_part(e, '@', 1) $$;
