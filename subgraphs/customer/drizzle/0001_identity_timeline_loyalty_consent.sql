CREATE TABLE "customer"."consent_records" (
	"id" text PRIMARY KEY NOT NULL,
	"customer_id" text NOT NULL,
	"purpose" text NOT NULL,
	"contact_channel" text NOT NULL,
	"granted" boolean NOT NULL,
	"source" text NOT NULL,
	"channel" text NOT NULL,
	"recorded_by" text NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer"."customer_merges" (
	"id" text PRIMARY KEY NOT NULL,
	"survivor_id" text NOT NULL,
	"merged_id" text NOT NULL,
	"reason" text NOT NULL,
	"merged_by" text NOT NULL,
	"moved" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer"."loyalty_accounts" (
	"customer_id" text PRIMARY KEY NOT NULL,
	"balance" integer DEFAULT 0 NOT NULL,
	"lifetime_earned" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "loyalty_accounts_balance_check" CHECK ("customer"."loyalty_accounts"."balance" >= 0)
);
--> statement-breakpoint
CREATE TABLE "customer"."loyalty_entries" (
	"id" text PRIMARY KEY NOT NULL,
	"customer_id" text NOT NULL,
	"kind" text NOT NULL,
	"points" integer NOT NULL,
	"remaining" integer DEFAULT 0 NOT NULL,
	"expires_at" timestamp with time zone,
	"reason" text NOT NULL,
	"channel" text NOT NULL,
	"idempotency_key" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "loyalty_entries_kind_check" CHECK ("customer"."loyalty_entries"."kind" in ('EARN', 'REDEEM', 'EXPIRE')),
	CONSTRAINT "loyalty_entries_remaining_check" CHECK ("customer"."loyalty_entries"."remaining" >= 0)
);
--> statement-breakpoint
CREATE TABLE "customer"."outbox_events" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"aggregate_id" text NOT NULL,
	"payload" jsonb NOT NULL,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"delivered_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "customer"."processed_events" (
	"consumer" text NOT NULL,
	"event_id" text NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "processed_events_consumer_event_id_pk" PRIMARY KEY("consumer","event_id")
);
--> statement-breakpoint
CREATE TABLE "customer"."recently_viewed" (
	"customer_id" text NOT NULL,
	"product_id" text NOT NULL,
	"channel" text NOT NULL,
	"viewed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "recently_viewed_customer_id_product_id_pk" PRIMARY KEY("customer_id","product_id")
);
--> statement-breakpoint
CREATE TABLE "customer"."timeline_entries" (
	"id" text PRIMARY KEY NOT NULL,
	"customer_id" text NOT NULL,
	"kind" text NOT NULL,
	"channel" text NOT NULL,
	"provider" text,
	"summary" text NOT NULL,
	"product_id" text,
	"source_event_id" text,
	"occurred_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "customer"."customers" ADD COLUMN "merged_into_id" text;--> statement-breakpoint
ALTER TABLE "customer"."consent_records" ADD CONSTRAINT "consent_records_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "customer"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer"."customer_merges" ADD CONSTRAINT "customer_merges_survivor_id_customers_id_fk" FOREIGN KEY ("survivor_id") REFERENCES "customer"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer"."customer_merges" ADD CONSTRAINT "customer_merges_merged_id_customers_id_fk" FOREIGN KEY ("merged_id") REFERENCES "customer"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer"."loyalty_accounts" ADD CONSTRAINT "loyalty_accounts_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "customer"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer"."loyalty_entries" ADD CONSTRAINT "loyalty_entries_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "customer"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer"."recently_viewed" ADD CONSTRAINT "recently_viewed_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "customer"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer"."timeline_entries" ADD CONSTRAINT "timeline_entries_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "customer"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "consent_records_customer_idx" ON "customer"."consent_records" USING btree ("customer_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "customer_merges_merged_id_key" ON "customer"."customer_merges" USING btree ("merged_id");--> statement-breakpoint
CREATE INDEX "customer_merges_survivor_id_idx" ON "customer"."customer_merges" USING btree ("survivor_id");--> statement-breakpoint
CREATE UNIQUE INDEX "loyalty_entries_idempotency_key" ON "customer"."loyalty_entries" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "loyalty_entries_customer_idx" ON "customer"."loyalty_entries" USING btree ("customer_id","id");--> statement-breakpoint
CREATE INDEX "outbox_events_due_idx" ON "customer"."outbox_events" USING btree ("next_attempt_at","id") WHERE delivered_at is null;--> statement-breakpoint
CREATE INDEX "recently_viewed_customer_time_idx" ON "customer"."recently_viewed" USING btree ("customer_id","viewed_at");--> statement-breakpoint
CREATE INDEX "timeline_entries_customer_time_idx" ON "customer"."timeline_entries" USING btree ("customer_id","occurred_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "timeline_entries_source_event_key" ON "customer"."timeline_entries" USING btree ("source_event_id");