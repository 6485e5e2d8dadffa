import type { StockQuantities } from './inventory-rules';

/**
 * A level after an offline sale of `quantity` units: the goods have left, so on hand goes down by
 * all of them, below zero if need be. Units that were not free to sell (on hand minus reserved;
 * safety stock is no reason to doubt a sale that happened) add to the shortfall staff look into,
 * which keeps `on hand + shortfall` at or above what is reserved.
 */
export function offlineSaleLevel(level: StockQuantities & { shortfall: number }, quantity: number): { onHand: number; shortfall: number } {
  const free = Math.max(level.onHand - level.reserved, 0);
  return { onHand: level.onHand - quantity, shortfall: level.shortfall + Math.max(quantity - free, 0) };
}
