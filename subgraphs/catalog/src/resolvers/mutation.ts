import type { CatalogContext } from '../context';
import { adjustInventory, type AdjustInventoryInput } from '../services/inventory-service';

export const Mutation = {
  async adjustInventory(_: unknown, args: { input: AdjustInventoryInput }, ctx: CatalogContext) {
    const outcome = await adjustInventory(ctx, args.input);
    return outcome.ok
      ? { stockLevel: outcome.value.stockLevel, adjustment: outcome.value.adjustment, userErrors: [] }
      : { stockLevel: null, adjustment: null, userErrors: outcome.userErrors };
  },
};
