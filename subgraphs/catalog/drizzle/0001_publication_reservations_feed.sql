CREATE TABLE "catalog"."catalog_feed" (
	"product_id" text PRIMARY KEY NOT NULL,
	"tx_id" "xid8" DEFAULT pg_current_xact_id() NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "catalog"."inventory_reservations" (
	"id" text PRIMARY KEY NOT NULL,
	"location_id" text NOT NULL,
	"lines" jsonb NOT NULL,
	"status" text NOT NULL,
	"reference" text,
	"service" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"idempotency_key" text NOT NULL,
	"request_fingerprint" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inventory_reservations_status_check" CHECK ("catalog"."inventory_reservations"."status" in ('ACTIVE', 'RELEASED', 'EXPIRED', 'COMMITTED'))
);
--> statement-breakpoint
CREATE TABLE "catalog"."variant_prices" (
	"variant_id" text NOT NULL,
	"currency_code" text NOT NULL,
	"amount_minor" bigint NOT NULL,
	"compare_at_minor" bigint,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "variant_prices_pkey" PRIMARY KEY("variant_id","currency_code"),
	CONSTRAINT "variant_prices_amount_minor_check" CHECK ("catalog"."variant_prices"."amount_minor" >= 0),
	CONSTRAINT "variant_prices_currency_code_check" CHECK ("catalog"."variant_prices"."currency_code" ~ '^[A-Z]{3}$'),
	CONSTRAINT "variant_prices_compare_at_minor_check" CHECK ("catalog"."variant_prices"."compare_at_minor" is null or "catalog"."variant_prices"."compare_at_minor" > "catalog"."variant_prices"."amount_minor")
);
--> statement-breakpoint
DROP INDEX "catalog"."products_search_idx";--> statement-breakpoint
ALTER TABLE "catalog"."inventory_levels" ADD COLUMN "safety_stock" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "catalog"."locations" ADD COLUMN "opening_hours" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "catalog"."locations" ADD COLUMN "transfer_lead_days" integer;--> statement-breakpoint
ALTER TABLE "catalog"."locations" ADD COLUMN "delivery_lead_days" integer;--> statement-breakpoint
ALTER TABLE "catalog"."products" ADD COLUMN "image_urls" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "catalog"."products" ADD COLUMN "channels" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "catalog"."products" ADD COLUMN "min_price_minor" bigint;--> statement-breakpoint
ALTER TABLE "catalog"."products" ADD COLUMN "search_vector" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('simple'::regconfig, "title"), 'A') || setweight(to_tsvector('english'::regconfig, "title"), 'A') || setweight(to_tsvector('russian'::regconfig, "title"), 'A') || setweight(to_tsvector('simple'::regconfig, "description"), 'B') || setweight(to_tsvector('english'::regconfig, "description"), 'B') || setweight(to_tsvector('russian'::regconfig, "description"), 'B')) STORED NOT NULL;--> statement-breakpoint
ALTER TABLE "catalog"."variants" ADD COLUMN "compare_at_minor" bigint;--> statement-breakpoint
ALTER TABLE "catalog"."catalog_feed" ADD CONSTRAINT "catalog_feed_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "catalog"."products"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "catalog"."inventory_reservations" ADD CONSTRAINT "inventory_reservations_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "catalog"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "catalog"."variant_prices" ADD CONSTRAINT "variant_prices_variant_id_variants_id_fk" FOREIGN KEY ("variant_id") REFERENCES "catalog"."variants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "catalog_feed_position_idx" ON "catalog"."catalog_feed" USING btree ("tx_id","product_id");--> statement-breakpoint
CREATE UNIQUE INDEX "inventory_reservations_idempotency_key_key" ON "catalog"."inventory_reservations" USING btree ("service","idempotency_key");--> statement-breakpoint
CREATE INDEX "inventory_reservations_active_expiry_idx" ON "catalog"."inventory_reservations" USING btree ("expires_at") WHERE "catalog"."inventory_reservations"."status" = 'ACTIVE';--> statement-breakpoint
CREATE INDEX "products_search_vector_idx" ON "catalog"."products" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "products_channels_idx" ON "catalog"."products" USING gin ("channels");--> statement-breakpoint
CREATE INDEX "products_min_price_idx" ON "catalog"."products" USING btree ("min_price_minor","id");--> statement-breakpoint
ALTER TABLE "catalog"."inventory_levels" ADD CONSTRAINT "inventory_levels_safety_stock_check" CHECK ("catalog"."inventory_levels"."safety_stock" >= 0);--> statement-breakpoint
ALTER TABLE "catalog"."variants" ADD CONSTRAINT "variants_compare_at_minor_check" CHECK ("catalog"."variants"."compare_at_minor" is null or "catalog"."variants"."compare_at_minor" > "catalog"."variants"."price_minor");--> statement-breakpoint
-- Before publication existed every product was offered everywhere: keep it that way.
UPDATE "catalog"."products" SET "channels" = ARRAY['WEB','MOBILE_APP','POS','SOCIAL','MESSENGER','CALL_CENTER','EMAIL','MARKETPLACE']::text[];--> statement-breakpoint
UPDATE "catalog"."products" AS p SET "min_price_minor" = (SELECT min(v."price_minor") FROM "catalog"."variants" AS v WHERE v."product_id" = p."id");--> statement-breakpoint
UPDATE "catalog"."locations" SET "transfer_lead_days" = 2, "delivery_lead_days" = 3 WHERE "kind" = 'WAREHOUSE';--> statement-breakpoint
INSERT INTO "catalog"."catalog_feed" ("product_id") SELECT "id" FROM "catalog"."products" ON CONFLICT DO NOTHING;
