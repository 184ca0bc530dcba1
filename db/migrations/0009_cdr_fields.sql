ALTER TABLE "cdr_field_settings" ALTER COLUMN "fields" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "cdr_field_settings" ADD COLUMN "added" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "cdr_field_settings" ADD COLUMN "removed" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "cdr_field_settings" ADD COLUMN "labels" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "cdr_field_settings" ADD COLUMN "field_order" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "cdr_daily" ADD COLUMN "profit" numeric(18, 6) DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "cdr_daily" ADD COLUMN "pdd_out_sum_ms" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "cdr_daily" ADD COLUMN "pdd_out_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "cdrs" ADD COLUMN "profit" numeric(14, 6);--> statement-breakpoint
ALTER TABLE "cdrs" ADD COLUMN "profit_pct" numeric(9, 3);--> statement-breakpoint
ALTER TABLE "cdr_field_settings" ADD CONSTRAINT "cdr_field_settings_default_has_fields" CHECK (("cdr_field_settings"."account_type" is null) or ("cdr_field_settings"."fields" is not null));