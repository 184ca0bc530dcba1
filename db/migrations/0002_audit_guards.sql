-- Writes to audited tables are accepted only inside lib/audit's audited-mutation core, which sets
-- the transaction-local "trunkline.audit_table" to the table it is about to change and clears it
-- before writing the audit entry. Any other write path fails loudly instead of going unlogged.
CREATE FUNCTION trunkline_require_audit_context() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('trunkline.audit_table', true), '') <> TG_TABLE_NAME THEN
    RAISE EXCEPTION 'write to audited table "%" outside the audited-mutation core', TG_TABLE_NAME
      USING ERRCODE = 'insufficient_privilege', HINT = 'use lib/audit auditedMutation()';
  END IF;
  IF TG_LEVEL = 'STATEMENT' THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
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
    'accounts', 'users', 'ingress_routes', 'api_keys', 'portal_branding', 'branding_versions',
    'branding_assets', 'cdr_field_settings', 'column_permissions', 'destinations',
    'email_outbox', 'app_settings'
  ] LOOP
    EXECUTE format(
      'CREATE TRIGGER audit_guard BEFORE INSERT OR UPDATE OR DELETE ON %I
         FOR EACH ROW EXECUTE FUNCTION trunkline_require_audit_context()', t);
    EXECUTE format(
      'CREATE TRIGGER audit_guard_truncate BEFORE TRUNCATE ON %I
         FOR EACH STATEMENT EXECUTE FUNCTION trunkline_require_audit_context()', t);
  END LOOP;
END;
$$;
--> statement-breakpoint
-- The audit log is append-only for everyone who connects through the application.
CREATE FUNCTION trunkline_audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION trunkline_audit_log_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION trunkline_audit_log_append_only();
