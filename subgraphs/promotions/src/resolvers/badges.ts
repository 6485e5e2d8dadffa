import type { PromotionsContext } from '../context';
import { badgesFor } from '../services/badge-service';

interface ProductRepresentation {
  id: string;
  category?: { id?: unknown } | null;
}
interface VariantRepresentation {
  id: string;
  product?: { id?: unknown; category?: { id?: unknown } | null } | null;
}

const idOf = (value: { id?: unknown } | null | undefined) => (typeof value?.id === 'string' ? value.id : null);

/** Badges on catalog entities; the catalog sends product and category ids by `@requires`. */
export const Product = {
  promotionBadges: (product: ProductRepresentation, _: unknown, ctx: PromotionsContext) =>
    badgesFor(ctx, { variantId: null, productId: product.id, categoryId: idOf(product.category) }),
};

export const Variant = {
  promotionBadges: (variant: VariantRepresentation, _: unknown, ctx: PromotionsContext) =>
    badgesFor(ctx, { variantId: variant.id, productId: idOf(variant.product) ?? '', categoryId: idOf(variant.product?.category) }),
};
