CREATE TABLE "cart"."customer_aliases" (
	"merged_id" text PRIMARY KEY NOT NULL,
	"survivor_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customer_aliases_not_self_check" CHECK (merged_id <> survivor_id)
);
--> statement-breakpoint
CREATE TABLE "cart"."processed_events" (
	"consumer" text NOT NULL,
	"event_id" text NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "processed_events_consumer_event_id_pk" PRIMARY KEY("consumer","event_id")
);
--> statement-breakpoint
CREATE INDEX "customer_aliases_survivor_id_idx" ON "cart"."customer_aliases" USING btree ("survivor_id");