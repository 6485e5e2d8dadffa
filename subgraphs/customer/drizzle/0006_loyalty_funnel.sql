CREATE TABLE "customer"."loyalty_order_returns" (
	"return_id" text PRIMARY KEY NOT NULL,
	"order_id" text NOT NULL,
	"refund_money_minor" bigint NOT NULL,
	"refund_points" integer NOT NULL,
	"reversed_points" integer NOT NULL,
	"unreversed_points" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer"."loyalty_orders" (
	"order_id" text PRIMARY KEY NOT NULL,
	"customer_id" text NOT NULL,
	"currency_code" text NOT NULL,
	"placed_at" timestamp with time zone,
	"money_paid_minor" bigint DEFAULT 0 NOT NULL,
	"points_paid" integer DEFAULT 0 NOT NULL,
	"earned_points" integer DEFAULT 0 NOT NULL,
	"refunded_money_minor" bigint DEFAULT 0 NOT NULL,
	"reversed_points" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer"."loyalty_payments" (
	"service" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"customer_id" text,
	"points" integer DEFAULT 0 NOT NULL,
	"order_reference" text,
	"status" text NOT NULL,
	"takes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"payment_entry_id" text,
	"refund_entry_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"refunded_at" timestamp with time zone,
	CONSTRAINT "loyalty_payments_service_idempotency_key_pk" PRIMARY KEY("service","idempotency_key"),
	CONSTRAINT "loyalty_payments_status_check" CHECK ("customer"."loyalty_payments"."status" in ('PAID', 'REFUNDED', 'VOIDED'))
);
--> statement-breakpoint
ALTER TABLE "customer"."loyalty_entries" DROP CONSTRAINT "loyalty_entries_kind_check";--> statement-breakpoint
ALTER TABLE "customer"."customers" ADD COLUMN "first_order_published_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "customer"."loyalty_entries" ADD COLUMN "order_id" text;--> statement-breakpoint
ALTER TABLE "customer"."loyalty_entries" ADD COLUMN "unreversed_points" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "loyalty_order_returns_order_idx" ON "customer"."loyalty_order_returns" USING btree ("order_id");--> statement-breakpoint
ALTER TABLE "customer"."loyalty_entries" ADD CONSTRAINT "loyalty_entries_kind_check" CHECK ("customer"."loyalty_entries"."kind" in ('EARN', 'REDEEM', 'EXPIRE', 'PAYMENT', 'PAYMENT_REFUND', 'RETURN_REVERSAL', 'RETURN_REFUND'));