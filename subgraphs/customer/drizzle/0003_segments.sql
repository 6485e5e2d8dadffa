ALTER TABLE "customer"."timeline_entries" ADD COLUMN "amount_minor" bigint;--> statement-breakpoint
ALTER TABLE "customer"."timeline_entries" ADD COLUMN "currency_code" text;--> statement-breakpoint
CREATE INDEX "timeline_entries_customer_product_idx" ON "customer"."timeline_entries" USING btree ("customer_id","product_id","occurred_at") WHERE product_id is not null;