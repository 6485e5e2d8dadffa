ALTER TABLE "cart"."orders" ADD COLUMN "source_location_id" text;--> statement-breakpoint
UPDATE "cart"."orders" SET "source_location_id" = "fulfillment_location_id";--> statement-breakpoint
ALTER TABLE "cart"."orders" ALTER COLUMN "source_location_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "cart"."orders" ADD COLUMN "shipping_rate" text;--> statement-breakpoint
UPDATE "cart"."orders" SET "shipping_rate" = 'STANDARD' WHERE "fulfillment_method" <> 'PICKUP';--> statement-breakpoint
ALTER TABLE "cart"."orders" ADD COLUMN "estimated_delivery_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cart"."orders" ADD CONSTRAINT "orders_shipping_rate_check" CHECK (shipping_rate is null or shipping_rate in ('STANDARD', 'EXPRESS'));
