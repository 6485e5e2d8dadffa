CREATE SCHEMA "promotions";
--> statement-breakpoint
CREATE TABLE "promotions"."promotions" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"kind" text NOT NULL,
	"percent_off" integer,
	"amount_off_minor" bigint,
	"minimum_subtotal_minor" bigint,
	"currency_code" text NOT NULL,
	"channels" text[] DEFAULT '{}'::text[] NOT NULL,
	"starts_at" timestamp with time zone,
	"ends_at" timestamp with time zone,
	"status" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "promotions_kind_check" CHECK ("promotions"."promotions"."kind" in ('PERCENTAGE_OFF_ORDER', 'FIXED_AMOUNT_OFF_ORDER')),
	CONSTRAINT "promotions_status_check" CHECK ("promotions"."promotions"."status" in ('ACTIVE', 'PAUSED', 'ARCHIVED')),
	CONSTRAINT "promotions_value_check" CHECK (("promotions"."promotions"."kind" = 'PERCENTAGE_OFF_ORDER' and "promotions"."promotions"."percent_off" between 1 and 100 and "promotions"."promotions"."amount_off_minor" is null)
        or ("promotions"."promotions"."kind" = 'FIXED_AMOUNT_OFF_ORDER' and "promotions"."promotions"."amount_off_minor" > 0 and "promotions"."promotions"."percent_off" is null)),
	CONSTRAINT "promotions_minimum_subtotal_check" CHECK ("promotions"."promotions"."minimum_subtotal_minor" is null or "promotions"."promotions"."minimum_subtotal_minor" >= 0),
	CONSTRAINT "promotions_window_check" CHECK ("promotions"."promotions"."starts_at" is null or "promotions"."promotions"."ends_at" is null or "promotions"."promotions"."ends_at" > "promotions"."promotions"."starts_at")
);
--> statement-breakpoint
CREATE INDEX "promotions_active_currency_idx" ON "promotions"."promotions" USING btree ("currency_code") WHERE "promotions"."promotions"."status" = 'ACTIVE';