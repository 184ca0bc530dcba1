-- custom SQL (live)
-- The live tail (lib/audit/live): each new entry's id is announced on the channel
-- 'trunkline_audit', delivered when its transaction commits (a rolled-back entry is never
-- announced; one committed after a higher id still is). Each app instance holds one LISTEN.
CREATE FUNCTION trunkline_audit_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('trunkline_audit', NEW.id::text);
  RETURN NULL;
END;
$$;--> statement-breakpoint
CREATE TRIGGER audit_log_notify AFTER INSERT ON audit_log
  FOR EACH ROW EXECUTE FUNCTION trunkline_audit_notify();
