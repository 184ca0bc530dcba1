CREATE TABLE "cdr_daily_breakout" (
	"day" date NOT NULL,
	"customer_dest_name" text NOT NULL,
	"customer_currency" char(3) NOT NULL,
	"attempts" integer NOT NULL,
	"connected" integer NOT NULL,
	"short_calls" integer NOT NULL,
	"duration_s" numeric(16, 3) NOT NULL,
	"customer_duration_s" bigint NOT NULL,
	"carrier_duration_s" bigint NOT NULL,
	"customer_charge" numeric(18, 6) NOT NULL,
	"profit" numeric(18, 6) NOT NULL,
	"pdd_sum_ms" bigint NOT NULL,
	"pdd_count" integer NOT NULL,
	CONSTRAINT "cdr_daily_breakout_day_customer_dest_name_customer_currency_pk" PRIMARY KEY("day","customer_dest_name","customer_currency")
);
--> statement-breakpoint
-- The roll-up starts from what cdr_daily already holds (the same sums, fewer keys).
INSERT INTO "cdr_daily_breakout"
SELECT "day", "customer_dest_name", "customer_currency", sum("attempts"), sum("connected"),
  sum("short_calls"), sum("duration_s"), sum("customer_duration_s"), sum("carrier_duration_s"),
  sum("customer_charge"), sum("profit"), sum("pdd_sum_ms"), sum("pdd_count")
FROM "cdr_daily" GROUP BY 1, 2, 3;
