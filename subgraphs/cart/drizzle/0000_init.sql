CREATE SCHEMA "cart";
--> statement-breakpoint
CREATE TABLE "cart"."cart_lines" (
	"id" text PRIMARY KEY NOT NULL,
	"cart_id" text NOT NULL,
	"variant_id" text NOT NULL,
	"quantity" integer NOT NULL,
	"unit_price_minor" bigint NOT NULL,
	"currency_code" text NOT NULL,
	"added_in_channel" text NOT NULL,
	"added_by_staff_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cart_lines_quantity_check" CHECK (quantity between 1 and 999),
	CONSTRAINT "cart_lines_unit_price_check" CHECK (unit_price_minor >= 0)
);
--> statement-breakpoint
CREATE TABLE "cart"."carts" (
	"id" text PRIMARY KEY NOT NULL,
	"customer_id" text,
	"guest_id" text,
	"channel" text NOT NULL,
	"status" text DEFAULT 'ACTIVE' NOT NULL,
	"currency_code" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"line_count" integer DEFAULT 0 NOT NULL,
	"total_quantity" integer DEFAULT 0 NOT NULL,
	"subtotal_minor" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "carts_owner_check" CHECK (customer_id is null or guest_id is null),
	CONSTRAINT "carts_status_check" CHECK (status in ('ACTIVE')),
	CONSTRAINT "carts_version_check" CHECK (version >= 1),
	CONSTRAINT "carts_totals_check" CHECK (line_count >= 0 and total_quantity >= 0 and subtotal_minor >= 0)
);
--> statement-breakpoint
ALTER TABLE "cart"."cart_lines" ADD CONSTRAINT "cart_lines_cart_id_carts_id_fk" FOREIGN KEY ("cart_id") REFERENCES "cart"."carts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "cart_lines_cart_variant_key" ON "cart"."cart_lines" USING btree ("cart_id","variant_id");--> statement-breakpoint
CREATE INDEX "cart_lines_cart_id_id_idx" ON "cart"."cart_lines" USING btree ("cart_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "carts_active_customer_key" ON "cart"."carts" USING btree ("customer_id") WHERE status = 'ACTIVE' and customer_id is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "carts_active_guest_key" ON "cart"."carts" USING btree ("guest_id") WHERE status = 'ACTIVE' and guest_id is not null;