CREATE SCHEMA "catalog";
--> statement-breakpoint
CREATE TABLE "catalog"."categories" (
	"id" text PRIMARY KEY NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "catalog"."inventory_adjustments" (
	"id" text PRIMARY KEY NOT NULL,
	"variant_id" text NOT NULL,
	"location_id" text NOT NULL,
	"delta" integer NOT NULL,
	"reason" text NOT NULL,
	"note" text,
	"on_hand_after" integer NOT NULL,
	"staff_id" text,
	"idempotency_key" text NOT NULL,
	"request_fingerprint" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inventory_adjustments_delta_check" CHECK ("catalog"."inventory_adjustments"."delta" <> 0),
	CONSTRAINT "inventory_adjustments_on_hand_after_check" CHECK ("catalog"."inventory_adjustments"."on_hand_after" >= 0)
);
--> statement-breakpoint
CREATE TABLE "catalog"."inventory_levels" (
	"variant_id" text NOT NULL,
	"location_id" text NOT NULL,
	"on_hand" integer DEFAULT 0 NOT NULL,
	"reserved" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inventory_levels_pkey" PRIMARY KEY("variant_id","location_id"),
	CONSTRAINT "inventory_levels_on_hand_check" CHECK ("catalog"."inventory_levels"."on_hand" >= 0),
	CONSTRAINT "inventory_levels_reserved_check" CHECK ("catalog"."inventory_levels"."reserved" >= 0 and "catalog"."inventory_levels"."reserved" <= "catalog"."inventory_levels"."on_hand")
);
--> statement-breakpoint
CREATE TABLE "catalog"."locations" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"street" text NOT NULL,
	"city" text NOT NULL,
	"postal_code" text NOT NULL,
	"country_code" text NOT NULL,
	"pickup_enabled" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "catalog"."products" (
	"id" text PRIMARY KEY NOT NULL,
	"slug" text NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"vendor" text NOT NULL,
	"category_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "catalog"."variants" (
	"id" text PRIMARY KEY NOT NULL,
	"product_id" text NOT NULL,
	"sku" text NOT NULL,
	"barcode" text,
	"title" text NOT NULL,
	"options" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"price_minor" bigint NOT NULL,
	"currency_code" text NOT NULL,
	"position" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "variants_price_minor_check" CHECK ("catalog"."variants"."price_minor" >= 0),
	CONSTRAINT "variants_currency_code_check" CHECK ("catalog"."variants"."currency_code" ~ '^[A-Z]{3}$')
);
--> statement-breakpoint
ALTER TABLE "catalog"."inventory_adjustments" ADD CONSTRAINT "inventory_adjustments_variant_id_variants_id_fk" FOREIGN KEY ("variant_id") REFERENCES "catalog"."variants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "catalog"."inventory_adjustments" ADD CONSTRAINT "inventory_adjustments_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "catalog"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "catalog"."inventory_levels" ADD CONSTRAINT "inventory_levels_variant_id_variants_id_fk" FOREIGN KEY ("variant_id") REFERENCES "catalog"."variants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "catalog"."inventory_levels" ADD CONSTRAINT "inventory_levels_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "catalog"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "catalog"."products" ADD CONSTRAINT "products_category_id_categories_id_fk" FOREIGN KEY ("category_id") REFERENCES "catalog"."categories"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "catalog"."variants" ADD CONSTRAINT "variants_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "catalog"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "categories_slug_key" ON "catalog"."categories" USING btree ("slug");--> statement-breakpoint
CREATE UNIQUE INDEX "inventory_adjustments_idempotency_key_key" ON "catalog"."inventory_adjustments" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "inventory_adjustments_variant_location_idx" ON "catalog"."inventory_adjustments" USING btree ("variant_id","location_id","id");--> statement-breakpoint
CREATE INDEX "inventory_levels_location_id_idx" ON "catalog"."inventory_levels" USING btree ("location_id");--> statement-breakpoint
CREATE UNIQUE INDEX "products_slug_key" ON "catalog"."products" USING btree ("slug");--> statement-breakpoint
CREATE INDEX "products_category_id_idx" ON "catalog"."products" USING btree ("category_id","id");--> statement-breakpoint
CREATE INDEX "products_search_idx" ON "catalog"."products" USING gin (to_tsvector('simple', "title" || ' ' || "description"));--> statement-breakpoint
CREATE UNIQUE INDEX "variants_sku_key" ON "catalog"."variants" USING btree ("sku");--> statement-breakpoint
CREATE UNIQUE INDEX "variants_barcode_key" ON "catalog"."variants" USING btree ("barcode");--> statement-breakpoint
CREATE UNIQUE INDEX "variants_product_id_position_key" ON "catalog"."variants" USING btree ("product_id","position");