CREATE TABLE "audit_chain" (
	"entry_id" bigint PRIMARY KEY NOT NULL,
	"entry_hash" text NOT NULL,
	"chain_hash" text NOT NULL,
	"sealed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_retention_cuts" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_retention_cuts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"last_removed_id" bigint NOT NULL,
	"anchor_hash" text NOT NULL,
	"removed_entries" bigint NOT NULL,
	"removed_before" timestamp with time zone NOT NULL,
	"cut_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_verifications" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_verifications_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ok" boolean NOT NULL,
	"checked_entries" integer NOT NULL,
	"unsealed_entries" integer NOT NULL,
	"sealed_head_id" bigint,
	"checkpoint_last_id" bigint,
	"problems" jsonb NOT NULL,
	"requested_by" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "disabled_by" "actor_type";--> statement-breakpoint
CREATE INDEX "audit_verifications_finished_idx" ON "audit_verifications" USING btree ("finished_at" DESC NULLS LAST);--> statement-breakpoint
-- Who disabled each disabled user, until now read from the audit log at every enable.
SELECT set_config('trunkline.audit_table', 'users', true);--> statement-breakpoint
UPDATE "users" u SET "disabled_by" = (
  SELECT a."actor_type" FROM "audit_log" a
  WHERE a."table_name" = 'users' AND a."record_pk" = u."id"::text
    AND a."after"->>'status' = 'disabled' AND coalesce(a."before"->>'status', '') <> 'disabled'
  ORDER BY a."occurred_at" DESC, a."id" DESC LIMIT 1
) WHERE u."status" = 'disabled';--> statement-breakpoint
SELECT set_config('trunkline.audit_table', '', true);--> statement-breakpoint
-- The canonical encoding of an entry's content, every stored column but the id in a fixed order
-- as a JSON array (jsonb's text form is deterministic; the time in UTC to the microsecond), and
-- its SHA-256. The id is bound by the chain's link instead, so content moved to another id is
-- recognised as such. A test checks that every column of audit_log appears here.
CREATE FUNCTION trunkline_audit_entry_hash(a audit_log) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT encode(sha256(convert_to(jsonb_build_array(
    to_char(a.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    a.actor_type, a.actor_user_id, a.actor_label, a.actor_detail, a.api_key_id,
    a.ip::text, a.user_agent, a.channel, a.request_id, a.action, a.table_name, a.record_pk,
    a.account_id, a.ingress_id, to_jsonb(a.related_ids), a.message, a.comment,
    a.before, a.after
  )::text, 'UTF8')), 'hex')
$$;--> statement-breakpoint
-- Every insert takes the sealing horizon's lock in shared mode (writers never wait for each
-- other) and only then draws its id, so when the sealer takes it exclusively for an instant,
-- every id below the highest committed one is final: no later commit can slip in under the seal.
-- The identity's sequence is kept (same name, same position) as a plain one behind a default.
CREATE FUNCTION trunkline_audit_next_id() RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM pg_advisory_xact_lock_shared(7301, 1);
  RETURN nextval('audit_log_id_seq'::regclass);
END;
$$;--> statement-breakpoint
ALTER TABLE "audit_log" ALTER COLUMN "id" DROP IDENTITY;--> statement-breakpoint
CREATE SEQUENCE "audit_log_id_seq" OWNED BY "audit_log"."id";--> statement-breakpoint
SELECT setval('audit_log_id_seq', coalesce(max(id), 0) + 1, false) FROM audit_log;--> statement-breakpoint
ALTER TABLE "audit_log" ALTER COLUMN "id" SET DEFAULT trunkline_audit_next_id();--> statement-breakpoint
-- Append-only, except retention (lib/audit/retention.ts, as the owner role on a real server)
-- removing entries up to the id it set for its own transaction.
CREATE OR REPLACE FUNCTION trunkline_audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  through bigint := coalesce(nullif(current_setting('trunkline.retention_through', true), ''), '0')::bigint;
BEGIN
  IF TG_OP = 'DELETE' THEN
    -- (separate branches: a field is looked up only on the table that has it)
    IF TG_TABLE_NAME = 'audit_chain' THEN
      IF OLD.entry_id <= through THEN RETURN OLD; END IF;
    ELSIF TG_TABLE_NAME = 'audit_log' THEN
      IF OLD.id <= through THEN RETURN OLD; END IF;
    END IF;
  END IF;
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;--> statement-breakpoint
CREATE TRIGGER audit_chain_no_update_delete BEFORE UPDATE OR DELETE ON audit_chain
  FOR EACH ROW EXECUTE FUNCTION trunkline_audit_log_append_only();--> statement-breakpoint
CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain
  FOR EACH STATEMENT EXECUTE FUNCTION trunkline_audit_log_append_only();--> statement-breakpoint
CREATE TRIGGER audit_retention_cuts_no_update_delete BEFORE UPDATE OR DELETE ON audit_retention_cuts
  FOR EACH ROW EXECUTE FUNCTION trunkline_audit_log_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_retention_cuts_no_truncate BEFORE TRUNCATE ON audit_retention_cuts
  FOR EACH STATEMENT EXECUTE FUNCTION trunkline_audit_log_append_only();
