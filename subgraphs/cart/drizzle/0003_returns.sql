CREATE TABLE "cart"."order_return_lines" (
	"id" text PRIMARY KEY NOT NULL,
	"return_id" text NOT NULL,
	"order_line_id" text NOT NULL,
	"variant_id" text NOT NULL,
	"quantity" integer NOT NULL,
	"refund_minor" bigint NOT NULL,
	CONSTRAINT "order_return_lines_quantity_check" CHECK (quantity >= 1 and refund_minor >= 0)
);
--> statement-breakpoint
CREATE TABLE "cart"."order_returns" (
	"id" text PRIMARY KEY NOT NULL,
	"order_id" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"request_hash" text NOT NULL,
	"location_id" text NOT NULL,
	"staff_id" text,
	"channel" text NOT NULL,
	"reason" text,
	"refund_minor" bigint NOT NULL,
	"currency_code" text NOT NULL,
	"settled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "order_returns_refund_check" CHECK (refund_minor >= 0)
);
--> statement-breakpoint
ALTER TABLE "cart"."order_lines" ADD COLUMN "returned_quantity" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "cart"."order_lines" ADD COLUMN "refunded_minor" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "cart"."order_return_lines" ADD CONSTRAINT "order_return_lines_return_id_order_returns_id_fk" FOREIGN KEY ("return_id") REFERENCES "cart"."order_returns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cart"."order_return_lines" ADD CONSTRAINT "order_return_lines_order_line_id_order_lines_id_fk" FOREIGN KEY ("order_line_id") REFERENCES "cart"."order_lines"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cart"."order_returns" ADD CONSTRAINT "order_returns_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "cart"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "order_return_lines_return_id_id_idx" ON "cart"."order_return_lines" USING btree ("return_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "order_returns_order_idempotency_key" ON "cart"."order_returns" USING btree ("order_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "order_returns_order_id_id_idx" ON "cart"."order_returns" USING btree ("order_id","id");--> statement-breakpoint
ALTER TABLE "cart"."order_lines" ADD CONSTRAINT "order_lines_returns_check" CHECK (returned_quantity between 0 and quantity and refunded_minor between 0 and paid_minor);