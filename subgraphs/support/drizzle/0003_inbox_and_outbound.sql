CREATE TABLE "support"."outbound_messages" (
	"message_id" text PRIMARY KEY NOT NULL,
	"conversation_id" text NOT NULL,
	"provider" text NOT NULL,
	"thread_id" text NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"last_error" text,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "outbound_messages_status_check" CHECK ("support"."outbound_messages"."status" in ('PENDING', 'SENT', 'FAILED'))
);
--> statement-breakpoint
ALTER TABLE "support"."conversations" DROP CONSTRAINT "conversations_status_check";--> statement-breakpoint
ALTER TABLE "support"."conversations" ADD COLUMN "waiting_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "support"."conversations" ADD COLUMN "handed_off_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "support"."conversations" ADD COLUMN "first_response_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "support"."conversations" ADD COLUMN "hand_off_reason" text;--> statement-breakpoint
ALTER TABLE "support"."conversations" ADD COLUMN "hand_off_summary" text;--> statement-breakpoint
ALTER TABLE "support"."conversations" ADD COLUMN "resolved_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "support"."conversations" ADD COLUMN "reply_provider" text;--> statement-breakpoint
ALTER TABLE "support"."conversations" ADD COLUMN "reply_thread_id" text;--> statement-breakpoint
ALTER TABLE "support"."messages" ADD COLUMN "provider" text;--> statement-breakpoint
ALTER TABLE "support"."messages" ADD COLUMN "provider_message_id" text;--> statement-breakpoint
ALTER TABLE "support"."messages" ADD COLUMN "attachments" jsonb;--> statement-breakpoint
ALTER TABLE "support"."messages" ADD COLUMN "offer_code" text;--> statement-breakpoint
ALTER TABLE "support"."messages" ADD COLUMN "bot_intent" text;--> statement-breakpoint
ALTER TABLE "support"."outbound_messages" ADD CONSTRAINT "outbound_messages_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "support"."messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "outbound_messages_due_idx" ON "support"."outbound_messages" USING btree ("next_attempt_at") WHERE status = 'PENDING';--> statement-breakpoint
CREATE INDEX "conversations_status_waiting_idx" ON "support"."conversations" USING btree ("status","waiting_since","id");--> statement-breakpoint
CREATE UNIQUE INDEX "messages_provider_message_key" ON "support"."messages" USING btree ("provider","provider_message_id");--> statement-breakpoint
-- The old states map onto the inbox: an agent had the last word → ASSIGNED, closed → RESOLVED.
UPDATE "support"."conversations" SET "status" = CASE WHEN "assignee_staff_id" IS NULL THEN 'WAITING_FOR_AGENT' ELSE 'ASSIGNED' END WHERE "status" = 'OPEN';--> statement-breakpoint
UPDATE "support"."conversations" SET "status" = 'RESOLVED', "resolved_at" = "last_message_at" WHERE "status" = 'CLOSED';--> statement-breakpoint
UPDATE "support"."conversations" SET "waiting_since" = "last_message_at", "handed_off_at" = "last_message_at" WHERE "status" = 'WAITING_FOR_AGENT';--> statement-breakpoint
ALTER TABLE "support"."conversations" ADD CONSTRAINT "conversations_status_check" CHECK ("support"."conversations"."status" in ('BOT', 'WAITING_FOR_AGENT', 'ASSIGNED', 'RESOLVED'));