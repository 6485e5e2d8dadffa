CREATE TABLE "cart"."order_lines" (
	"id" text PRIMARY KEY NOT NULL,
	"order_id" text NOT NULL,
	"variant_id" text NOT NULL,
	"quantity" integer NOT NULL,
	"unit_price_minor" bigint NOT NULL,
	"discount_minor" bigint NOT NULL,
	"paid_minor" bigint NOT NULL,
	"currency_code" text NOT NULL,
	"added_in_channel" text NOT NULL,
	"added_by_staff_id" text,
	CONSTRAINT "order_lines_quantity_check" CHECK (quantity between 1 and 999),
	CONSTRAINT "order_lines_amounts_check" CHECK (unit_price_minor >= 0 and discount_minor >= 0 and paid_minor = unit_price_minor * quantity - discount_minor and paid_minor >= 0)
);
--> statement-breakpoint
CREATE TABLE "cart"."orders" (
	"id" text PRIMARY KEY NOT NULL,
	"cart_id" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"request_hash" text NOT NULL,
	"customer_id" text,
	"guest_id" text,
	"channel" text NOT NULL,
	"staff_id" text,
	"currency_code" text NOT NULL,
	"subtotal_minor" bigint NOT NULL,
	"discount_minor" bigint NOT NULL,
	"shipping_minor" bigint NOT NULL,
	"total_minor" bigint NOT NULL,
	"fulfillment_method" text NOT NULL,
	"fulfillment_location_id" text NOT NULL,
	"fulfillment_status" text NOT NULL,
	"shipping_address" jsonb,
	"ready_by" timestamp with time zone,
	"reservation_id" text NOT NULL,
	"reservation_state" text NOT NULL,
	"payment_provider" text NOT NULL,
	"payment_status" text NOT NULL,
	"payment_reference" text,
	"captured_minor" bigint DEFAULT 0 NOT NULL,
	"refunded_minor" bigint DEFAULT 0 NOT NULL,
	"placed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "orders_fulfillment_method_check" CHECK (fulfillment_method in ('DELIVERY', 'PICKUP', 'SHIP_FROM_STORE')),
	CONSTRAINT "orders_fulfillment_status_check" CHECK (fulfillment_status in ('UNFULFILLED', 'READY_FOR_PICKUP', 'PICKED_UP', 'SHIPPED')),
	CONSTRAINT "orders_payment_provider_check" CHECK (payment_provider in ('PAY_AT_PICKUP', 'CASH', 'TEST_CARD')),
	CONSTRAINT "orders_payment_status_check" CHECK (payment_status in ('PENDING', 'AUTHORIZED', 'CAPTURED', 'PARTIALLY_REFUNDED', 'REFUNDED', 'VOIDED')),
	CONSTRAINT "orders_reservation_state_check" CHECK (reservation_state in ('ACTIVE', 'COMMITTED')),
	CONSTRAINT "orders_totals_check" CHECK (subtotal_minor >= 0 and discount_minor >= 0 and shipping_minor >= 0 and total_minor = subtotal_minor - discount_minor + shipping_minor and total_minor >= 0),
	CONSTRAINT "orders_payment_amounts_check" CHECK (captured_minor between 0 and total_minor and refunded_minor between 0 and captured_minor)
);
--> statement-breakpoint
ALTER TABLE "cart"."carts" DROP CONSTRAINT "carts_status_check";--> statement-breakpoint
ALTER TABLE "cart"."order_lines" ADD CONSTRAINT "order_lines_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "cart"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "order_lines_order_id_id_idx" ON "cart"."order_lines" USING btree ("order_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "orders_cart_idempotency_key" ON "cart"."orders" USING btree ("cart_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "orders_customer_id_id_idx" ON "cart"."orders" USING btree ("customer_id","id");--> statement-breakpoint
ALTER TABLE "cart"."carts" ADD CONSTRAINT "carts_status_check" CHECK (status in ('ACTIVE', 'CHECKED_OUT'));