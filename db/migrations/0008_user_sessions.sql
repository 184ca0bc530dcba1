CREATE TYPE "public"."session_end_reason" AS ENUM('signed_out', 'signed_out_elsewhere', 'password_changed', 'password_reset', 'disabled', 'role_changed', 'expired', 'idle');--> statement-breakpoint
CREATE TABLE "user_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ip" "inet",
	"user_agent" text,
	"ended_at" timestamp with time zone,
	"end_reason" "session_end_reason"
);
--> statement-breakpoint
ALTER TABLE "user_sessions" ADD CONSTRAINT "user_sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "user_sessions_user_idx" ON "user_sessions" USING btree ("user_id","created_at");--> statement-breakpoint
-- Carry each user's last sign-in over as an ended session, so "last sign-in" survives the move.
INSERT INTO "user_sessions" ("user_id", "created_at", "last_seen_at", "ended_at", "end_reason")
  SELECT "id", "last_login_at", "last_login_at", "last_login_at", 'expired'
  FROM "users" WHERE "last_login_at" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "users" DROP COLUMN "last_login_at";