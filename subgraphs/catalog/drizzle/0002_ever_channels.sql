ALTER TABLE "catalog"."products" ADD COLUMN "ever_channels" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
-- Publication before this column existed is unknown; what is offered now was offered.
UPDATE "catalog"."products" SET "ever_channels" = "channels";
