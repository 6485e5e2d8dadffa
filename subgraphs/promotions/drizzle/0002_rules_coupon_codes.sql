CREATE TABLE "promotions"."coupon_codes" (
	"id" text PRIMARY KEY NOT NULL,
	"promotion_id" text NOT NULL,
	"code" text NOT NULL,
	"usage_limit" integer,
	"expires_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "coupon_codes_usage_limit_check" CHECK ("promotions"."coupon_codes"."usage_limit" is null or "promotions"."coupon_codes"."usage_limit" > 0),
	CONSTRAINT "coupon_codes_code_check" CHECK ("promotions"."coupon_codes"."code" ~ '^[A-Z0-9_-]{1,64}$')
);
--> statement-breakpoint
ALTER TABLE "promotions"."promotions" DROP CONSTRAINT "promotions_kind_check";--> statement-breakpoint
ALTER TABLE "promotions"."promotions" DROP CONSTRAINT "promotions_value_check";--> statement-breakpoint
ALTER TABLE "promotions"."promotions" ADD COLUMN "rules" jsonb;--> statement-breakpoint
ALTER TABLE "promotions"."coupon_codes" ADD CONSTRAINT "coupon_codes_promotion_id_promotions_id_fk" FOREIGN KEY ("promotion_id") REFERENCES "promotions"."promotions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "coupon_codes_code_key" ON "promotions"."coupon_codes" USING btree ("code");--> statement-breakpoint
CREATE INDEX "coupon_codes_promotion_idx" ON "promotions"."coupon_codes" USING btree ("promotion_id","id");--> statement-breakpoint
ALTER TABLE "promotions"."promotions" ADD CONSTRAINT "promotions_kind_check" CHECK ("promotions"."promotions"."kind" in ('PERCENTAGE_OFF_ORDER', 'FIXED_AMOUNT_OFF_ORDER', 'TIERED_SPEND', 'PERCENTAGE_OFF_PRODUCTS', 'FIXED_AMOUNT_OFF_PRODUCTS', 'BUY_X_GET_Y', 'BUNDLE_FIXED_PRICE', 'FREE_SHIPPING', 'GIFT'));--> statement-breakpoint
ALTER TABLE "promotions"."promotions" ADD CONSTRAINT "promotions_value_check" CHECK (("promotions"."promotions"."kind" = 'PERCENTAGE_OFF_ORDER' and "promotions"."promotions"."percent_off" between 1 and 100 and "promotions"."promotions"."amount_off_minor" is null)
        or ("promotions"."promotions"."kind" = 'FIXED_AMOUNT_OFF_ORDER' and "promotions"."promotions"."amount_off_minor" > 0 and "promotions"."promotions"."percent_off" is null)
        or ("promotions"."promotions"."kind" not in ('PERCENTAGE_OFF_ORDER', 'FIXED_AMOUNT_OFF_ORDER') and "promotions"."promotions"."rules" is not null and "promotions"."promotions"."percent_off" is null and "promotions"."promotions"."amount_off_minor" is null));