ALTER TABLE "catalog"."inventory_adjustments" DROP CONSTRAINT "inventory_adjustments_on_hand_after_check";--> statement-breakpoint
ALTER TABLE "catalog"."inventory_levels" DROP CONSTRAINT "inventory_levels_on_hand_check";--> statement-breakpoint
ALTER TABLE "catalog"."inventory_levels" DROP CONSTRAINT "inventory_levels_reserved_check";--> statement-breakpoint
ALTER TABLE "catalog"."inventory_adjustments" ADD COLUMN "shortfall_after" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "catalog"."inventory_levels" ADD COLUMN "shortfall" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "inventory_levels_shortfall_idx" ON "catalog"."inventory_levels" USING btree ("location_id") WHERE shortfall > 0;--> statement-breakpoint
ALTER TABLE "catalog"."inventory_adjustments" ADD CONSTRAINT "inventory_adjustments_on_hand_after_check" CHECK ("catalog"."inventory_adjustments"."on_hand_after" + "catalog"."inventory_adjustments"."shortfall_after" >= 0 and "catalog"."inventory_adjustments"."shortfall_after" >= 0);--> statement-breakpoint
ALTER TABLE "catalog"."inventory_levels" ADD CONSTRAINT "inventory_levels_shortfall_check" CHECK ("catalog"."inventory_levels"."shortfall" >= 0);--> statement-breakpoint
ALTER TABLE "catalog"."inventory_levels" ADD CONSTRAINT "inventory_levels_on_hand_check" CHECK ("catalog"."inventory_levels"."on_hand" + "catalog"."inventory_levels"."shortfall" >= 0);--> statement-breakpoint
ALTER TABLE "catalog"."inventory_levels" ADD CONSTRAINT "inventory_levels_reserved_check" CHECK ("catalog"."inventory_levels"."reserved" >= 0 and "catalog"."inventory_levels"."reserved" <= "catalog"."inventory_levels"."on_hand" + "catalog"."inventory_levels"."shortfall");