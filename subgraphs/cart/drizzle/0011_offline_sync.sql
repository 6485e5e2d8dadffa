CREATE TABLE "cart"."sync_operations" (
	"cart_id" text NOT NULL,
	"op_id" text NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "cart"."sync_operations_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"device_id" text NOT NULL,
	"device_time" timestamp (3) with time zone NOT NULL,
	"kind" text NOT NULL,
	"fingerprint" text NOT NULL,
	"operation" jsonb NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"quantity" integer,
	"cart_version" integer NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sync_operations_cart_id_op_id_pk" PRIMARY KEY("cart_id","op_id")
);
--> statement-breakpoint
ALTER TABLE "cart"."cart_lines" ADD COLUMN "quantity_set_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "cart"."cart_lines" ADD COLUMN "quantity_set_by" text;--> statement-breakpoint
ALTER TABLE "cart"."cart_lines" ADD COLUMN "quantity_set_op" text;--> statement-breakpoint
ALTER TABLE "cart"."sync_operations" ADD CONSTRAINT "sync_operations_cart_id_carts_id_fk" FOREIGN KEY ("cart_id") REFERENCES "cart"."carts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sync_operations_cart_seq_idx" ON "cart"."sync_operations" USING btree ("cart_id","seq");