CREATE SCHEMA "support";
--> statement-breakpoint
CREATE TABLE "support"."conversations" (
	"id" text PRIMARY KEY NOT NULL,
	"customer_id" text NOT NULL,
	"channel" text NOT NULL,
	"provider" text,
	"subject" text,
	"status" text NOT NULL,
	"assignee_staff_id" text,
	"message_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"last_message_at" timestamp with time zone NOT NULL,
	CONSTRAINT "conversations_status_check" CHECK ("support"."conversations"."status" in ('OPEN', 'WAITING_FOR_AGENT', 'CLOSED'))
);
--> statement-breakpoint
CREATE TABLE "support"."messages" (
	"id" text PRIMARY KEY NOT NULL,
	"conversation_id" text NOT NULL,
	"seq" integer NOT NULL,
	"author_kind" text NOT NULL,
	"staff_id" text,
	"body" text NOT NULL,
	"channel" text NOT NULL,
	"idempotency_key" text,
	"sent_at" timestamp with time zone NOT NULL,
	CONSTRAINT "messages_author_kind_check" CHECK ("support"."messages"."author_kind" in ('CUSTOMER', 'BOT', 'AGENT')),
	CONSTRAINT "messages_body_length_check" CHECK (char_length("support"."messages"."body") between 1 and 4000)
);
--> statement-breakpoint
ALTER TABLE "support"."messages" ADD CONSTRAINT "messages_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "support"."conversations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "conversations_customer_activity_idx" ON "support"."conversations" USING btree ("customer_id","last_message_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "messages_conversation_seq_key" ON "support"."messages" USING btree ("conversation_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "messages_conversation_idempotency_key" ON "support"."messages" USING btree ("conversation_id","idempotency_key");