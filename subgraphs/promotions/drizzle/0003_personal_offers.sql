CREATE TABLE "promotions"."customer_aliases" (
	"merged_id" text PRIMARY KEY NOT NULL,
	"survivor_id" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "promotions"."personal_offers" (
	"id" text PRIMARY KEY NOT NULL,
	"customer_id" text NOT NULL,
	"issued_to_customer_id" text NOT NULL,
	"trigger" text NOT NULL,
	"template_id" text NOT NULL,
	"promotion_id" text NOT NULL,
	"code" text NOT NULL,
	"product_id" text,
	"source_event_id" text NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "personal_offers_trigger_check" CHECK ("promotions"."personal_offers"."trigger" in ('FIRST_ORDER', 'ENGAGED_WITH_PRODUCT')),
	CONSTRAINT "personal_offers_product_check" CHECK (("promotions"."personal_offers"."trigger" = 'ENGAGED_WITH_PRODUCT') = ("promotions"."personal_offers"."product_id" is not null))
);
--> statement-breakpoint
CREATE TABLE "promotions"."processed_events" (
	"consumer" text NOT NULL,
	"event_id" text NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "processed_events_consumer_event_id_pk" PRIMARY KEY("consumer","event_id")
);
--> statement-breakpoint
DROP INDEX "promotions"."promotions_active_currency_idx";--> statement-breakpoint
ALTER TABLE "promotions"."promotions" ADD COLUMN "offer_trigger" text;--> statement-breakpoint
ALTER TABLE "promotions"."promotions" ADD COLUMN "offer_valid_days" integer;--> statement-breakpoint
ALTER TABLE "promotions"."promotions" ADD COLUMN "owner_customer_id" text;--> statement-breakpoint
ALTER TABLE "promotions"."personal_offers" ADD CONSTRAINT "personal_offers_template_id_promotions_id_fk" FOREIGN KEY ("template_id") REFERENCES "promotions"."promotions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "promotions"."personal_offers" ADD CONSTRAINT "personal_offers_promotion_id_promotions_id_fk" FOREIGN KEY ("promotion_id") REFERENCES "promotions"."promotions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "personal_offers_issue_key" ON "promotions"."personal_offers" USING btree ("issued_to_customer_id","trigger",coalesce("product_id", ''));--> statement-breakpoint
CREATE UNIQUE INDEX "personal_offers_promotion_key" ON "promotions"."personal_offers" USING btree ("promotion_id");--> statement-breakpoint
CREATE INDEX "personal_offers_customer_idx" ON "promotions"."personal_offers" USING btree ("customer_id","issued_at");--> statement-breakpoint
CREATE UNIQUE INDEX "promotions_active_offer_trigger_key" ON "promotions"."promotions" USING btree ("offer_trigger") WHERE "promotions"."promotions"."status" = 'ACTIVE' and "promotions"."promotions"."offer_trigger" is not null;--> statement-breakpoint
CREATE INDEX "promotions_active_currency_idx" ON "promotions"."promotions" USING btree ("currency_code") WHERE "promotions"."promotions"."status" = 'ACTIVE' and "promotions"."promotions"."offer_trigger" is null and "promotions"."promotions"."owner_customer_id" is null;--> statement-breakpoint
ALTER TABLE "promotions"."promotions" ADD CONSTRAINT "promotions_offer_template_check" CHECK (("promotions"."promotions"."offer_trigger" is null) = ("promotions"."promotions"."offer_valid_days" is null)
        and ("promotions"."promotions"."offer_trigger" is null or ("promotions"."promotions"."offer_trigger" in ('FIRST_ORDER', 'ENGAGED_WITH_PRODUCT') and "promotions"."promotions"."offer_valid_days" between 1 and 365))
        and ("promotions"."promotions"."offer_trigger" is null or "promotions"."promotions"."owner_customer_id" is null));