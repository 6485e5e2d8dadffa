ALTER TABLE "cart"."carts" ADD COLUMN "coupon_codes" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "cart"."orders" ADD COLUMN "promotion_hold_id" text;--> statement-breakpoint
ALTER TABLE "cart"."orders" ADD COLUMN "promotion_hold_state" text;--> statement-breakpoint
ALTER TABLE "cart"."carts" ADD CONSTRAINT "carts_coupon_codes_check" CHECK (cardinality(coupon_codes) <= 5);--> statement-breakpoint
ALTER TABLE "cart"."orders" ADD CONSTRAINT "orders_promotion_hold_check" CHECK ((promotion_hold_id is null) = (promotion_hold_state is null) and (promotion_hold_state is null or promotion_hold_state in ('HELD', 'CONFIRMED', 'LAPSED')));