CREATE TYPE "public"."login_outcome" AS ENUM('success', 'invalid', 'throttled', 'disabled');--> statement-breakpoint
ALTER TABLE "login_attempts" ADD COLUMN "outcome" "login_outcome" NOT NULL;--> statement-breakpoint
ALTER TABLE "login_attempts" DROP COLUMN "succeeded";