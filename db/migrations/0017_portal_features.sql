ALTER TABLE "portal_branding" ADD COLUMN "show_balance" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "portal_branding" ADD COLUMN "show_cdrs" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "portal_branding" ADD COLUMN "show_breakout" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "portal_branding" ADD COLUMN "show_audit_log" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "portal_branding" ADD COLUMN "show_users" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "portal_branding" ADD COLUMN "show_contact" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "portal_branding" ADD COLUMN "email_sender_name" text;--> statement-breakpoint
ALTER TABLE "portal_branding" ADD COLUMN "email_sender_address" text;