-- Every update of a versioned record bumps its optimistic-concurrency version and updated_at,
-- unless the statement set them itself (imports and the back-dated demo seed do).
CREATE FUNCTION trunkline_touch_row() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.version = OLD.version THEN
    NEW.version := OLD.version + 1;
  END IF;
  IF NEW.updated_at = OLD.updated_at THEN
    NEW.updated_at := now();
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY[
    'accounts', 'users', 'ingress_routes', 'portal_branding', 'cdr_field_settings',
    'column_permissions', 'destinations', 'app_settings'
  ] LOOP
    EXECUTE format(
      'CREATE TRIGGER touch_row BEFORE UPDATE ON %I
         FOR EACH ROW EXECUTE FUNCTION trunkline_touch_row()', t);
  END LOOP;
END;
$$;
