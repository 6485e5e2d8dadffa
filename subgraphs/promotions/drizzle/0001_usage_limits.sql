CREATE TABLE "promotions"."promotion_uses" (
	"id" text PRIMARY KEY NOT NULL,
	"hold_id" text NOT NULL,
	"promotion_id" text NOT NULL,
	"customer_id" text,
	"coupon_code" text,
	"discount_minor" bigint NOT NULL,
	"status" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "promotion_uses_discount_check" CHECK ("promotions"."promotion_uses"."discount_minor" >= 0),
	CONSTRAINT "promotion_uses_status_check" CHECK ("promotions"."promotion_uses"."status" in ('PENDING', 'CONFIRMED', 'RELEASED', 'EXPIRED'))
);
--> statement-breakpoint
CREATE TABLE "promotions"."usage_holds" (
	"id" text PRIMARY KEY NOT NULL,
	"service" text NOT NULL,
	"hold_key" text NOT NULL,
	"customer_id" text,
	"status" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"order_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "usage_holds_status_check" CHECK ("promotions"."usage_holds"."status" in ('PENDING', 'CONFIRMED', 'RELEASED', 'EXPIRED')),
	CONSTRAINT "usage_holds_order_check" CHECK (("promotions"."usage_holds"."status" = 'CONFIRMED') = ("promotions"."usage_holds"."order_id" is not null))
);
--> statement-breakpoint
ALTER TABLE "promotions"."promotions" ADD COLUMN "usage_limit" integer;--> statement-breakpoint
ALTER TABLE "promotions"."promotions" ADD COLUMN "usage_limit_per_customer" integer;--> statement-breakpoint
ALTER TABLE "promotions"."promotions" ADD COLUMN "budget_minor" bigint;--> statement-breakpoint
ALTER TABLE "promotions"."promotion_uses" ADD CONSTRAINT "promotion_uses_hold_id_usage_holds_id_fk" FOREIGN KEY ("hold_id") REFERENCES "promotions"."usage_holds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "promotions"."promotion_uses" ADD CONSTRAINT "promotion_uses_promotion_id_promotions_id_fk" FOREIGN KEY ("promotion_id") REFERENCES "promotions"."promotions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "promotion_uses_hold_idx" ON "promotions"."promotion_uses" USING btree ("hold_id");--> statement-breakpoint
CREATE INDEX "promotion_uses_counted_idx" ON "promotions"."promotion_uses" USING btree ("promotion_id","customer_id") WHERE "promotions"."promotion_uses"."status" in ('PENDING', 'CONFIRMED');--> statement-breakpoint
CREATE INDEX "promotion_uses_coupon_idx" ON "promotions"."promotion_uses" USING btree ("coupon_code") WHERE "promotions"."promotion_uses"."coupon_code" is not null and "promotions"."promotion_uses"."status" in ('PENDING', 'CONFIRMED');--> statement-breakpoint
CREATE UNIQUE INDEX "usage_holds_live_key_key" ON "promotions"."usage_holds" USING btree ("service","hold_key") WHERE "promotions"."usage_holds"."status" in ('PENDING', 'CONFIRMED');--> statement-breakpoint
CREATE INDEX "usage_holds_pending_expiry_idx" ON "promotions"."usage_holds" USING btree ("expires_at") WHERE "promotions"."usage_holds"."status" = 'PENDING';--> statement-breakpoint
ALTER TABLE "promotions"."promotions" ADD CONSTRAINT "promotions_usage_limits_check" CHECK (("promotions"."promotions"."usage_limit" is null or "promotions"."promotions"."usage_limit" > 0)
        and ("promotions"."promotions"."usage_limit_per_customer" is null or "promotions"."promotions"."usage_limit_per_customer" > 0)
        and ("promotions"."promotions"."budget_minor" is null or "promotions"."promotions"."budget_minor" > 0));