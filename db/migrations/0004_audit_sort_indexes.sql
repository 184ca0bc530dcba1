DROP INDEX "audit_log_ip_idx";--> statement-breakpoint
CREATE INDEX "audit_log_action_sort_idx" ON "audit_log" USING btree ("action","occurred_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_log_message_sort_idx" ON "audit_log" USING btree (left("message", 100),"occurred_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_log_ip_idx" ON "audit_log" USING btree ("ip","occurred_at" DESC NULLS LAST,"id" DESC NULLS LAST);