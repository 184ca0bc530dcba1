-- custom SQL (live)
-- The live tail no longer hears of entries by NOTIFY (migration 0015): a NOTIFY takes a
-- database-wide lock at commit, serialising every audited writer. Its hub now polls the settled
-- horizon while a stream is open (lib/audit/live/hub.ts), so writers pay nothing for it.
DROP TRIGGER IF EXISTS audit_log_notify ON audit_log;--> statement-breakpoint
DROP FUNCTION IF EXISTS trunkline_audit_notify();
