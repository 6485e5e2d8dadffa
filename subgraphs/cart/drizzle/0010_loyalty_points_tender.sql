ALTER TABLE "cart"."order_return_lines" DROP CONSTRAINT "order_return_lines_quantity_check";--> statement-breakpoint
ALTER TABLE "cart"."order_returns" DROP CONSTRAINT "order_returns_refund_check";--> statement-breakpoint
ALTER TABLE "cart"."orders" DROP CONSTRAINT "orders_payment_amounts_check";--> statement-breakpoint
ALTER TABLE "cart"."order_lines" ADD COLUMN "points_paid" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "cart"."order_lines" ADD COLUMN "points_refunded" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "cart"."order_return_lines" ADD COLUMN "refund_points" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "cart"."order_returns" ADD COLUMN "refund_points" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "cart"."orders" ADD COLUMN "points_paid" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "cart"."orders" ADD COLUMN "points_refunded" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "cart"."order_lines" ADD CONSTRAINT "order_lines_points_check" CHECK (points_paid between 0 and paid_minor and points_refunded between 0 and points_paid and points_refunded <= refunded_minor);--> statement-breakpoint
ALTER TABLE "cart"."order_return_lines" ADD CONSTRAINT "order_return_lines_quantity_check" CHECK (quantity >= 1 and refund_minor >= 0 and refund_points between 0 and refund_minor);--> statement-breakpoint
ALTER TABLE "cart"."order_returns" ADD CONSTRAINT "order_returns_refund_check" CHECK (refund_minor >= 0 and refund_points between 0 and refund_minor);--> statement-breakpoint
ALTER TABLE "cart"."orders" ADD CONSTRAINT "orders_points_check" CHECK (points_paid between 0 and total_minor and points_refunded between 0 and points_paid);--> statement-breakpoint
ALTER TABLE "cart"."orders" ADD CONSTRAINT "orders_payment_amounts_check" CHECK (captured_minor between 0 and total_minor - points_paid and refunded_minor between 0 and captured_minor);