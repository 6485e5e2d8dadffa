import { hasScope } from '@omni/auth';
import { toMoney } from '@omni/graphql';
import type { PromotionsContext } from '../context';
import type { PromotionRow } from '../db/schema';
import type { LineTarget, PromotionAction, PromotionDefinition } from './engine';
import { toPromotionDefinition } from './promotion-definitions';

/** What a product or variant page shows of a promotion that targets it. */
export interface PromotionBadge {
  promotion: PromotionRow;
  label: string;
}

/** The catalog facts a badge is matched on, as the gateway sends them. */
export interface BadgeSubject {
  variantId: string | null;
  productId: string;
  categoryId: string | null;
}

/**
 * Automatic promotions that target a product or variant (its product, variant or category named by
 * the action or by a "cart contains" condition), running now in the caller's channel (and at the
 * caller's store, for staff at a till). Code-only promotions are left out: a badge must not give a
 * code away. Order-wide promotions target nothing and get no badge. One statement per request,
 * whatever the number of products on the page.
 */
export async function badgesFor(ctx: PromotionsContext, subject: BadgeSubject): Promise<PromotionBadge[]> {
  // Partner keys read the catalog and nothing else: no promotions on their products.
  if (!hasScope(ctx.caller, 'storefront:read')) return [];
  const rows = await ctx.loaders.runningPromotions.load('all');
  const now = ctx.now.getTime();
  const channel = ctx.caller.channel;
  const location = ctx.caller.locationId ?? null;
  return rows.flatMap((row) => {
    const definition = toPromotionDefinition(row);
    if (definition.requiresCoupon || (definition.startsAt && definition.startsAt.getTime() > now)) return [];
    if (definition.channels.length > 0 && !definition.channels.includes(channel)) return [];
    if (definition.locationIds.length > 0 && (location === null || !definition.locationIds.includes(location))) return [];
    if (!targetsOf(definition).some((target) => matches(target, subject))) return [];
    return [{ promotion: row, label: badgeLabel(definition.action, row.currencyCode) }];
  });
}

function targetsOf(definition: PromotionDefinition): LineTarget[] {
  const targets = definition.conditions.flatMap((condition) => (condition.type === 'CART_CONTAINS' ? [condition.target] : []));
  const action = definition.action;
  if (action.type === 'LINES_PERCENT_OFF' || action.type === 'LINES_AMOUNT_OFF' || action.type === 'BUY_X_GET_Y') targets.push(action.target);
  if (action.type === 'BUNDLE_FIXED_PRICE') targets.push(...action.items.map((item) => item.target));
  if (action.type === 'GIFT') targets.push({ kind: 'VARIANT', ids: [action.variantId] });
  return targets;
}

function matches(target: LineTarget, subject: BadgeSubject): boolean {
  switch (target.kind) {
    case 'PRODUCT':
      return target.ids.includes(subject.productId);
    case 'VARIANT':
      return subject.variantId !== null && target.ids.includes(subject.variantId);
    case 'CATEGORY':
      return subject.categoryId !== null && target.ids.includes(subject.categoryId);
  }
}

/** A few words for a sticker on the product: what the shopper gets, not the rules. */
export function badgeLabel(action: PromotionAction, currencyCode: string): string {
  const money = (minor: number) => {
    const { amount, currencyCode: code } = toMoney(minor, currencyCode);
    return `${amount} ${code}`;
  };
  switch (action.type) {
    case 'ORDER_PERCENT_OFF':
      return `−${action.percent} % on the order`;
    case 'ORDER_AMOUNT_OFF':
      return `−${money(action.amountMinor)} on the order`;
    case 'TIERED_SPEND':
      return 'Spend more, save more';
    case 'LINES_PERCENT_OFF':
      return `−${action.percent} %`;
    case 'LINES_AMOUNT_OFF':
      return `−${money(action.amountMinorPerUnit)}`;
    case 'BUY_X_GET_Y':
      return action.percent === 100 ? `${action.buyQuantity + action.getQuantity} for ${action.buyQuantity}` : `Buy ${action.buyQuantity}, get ${action.getQuantity} at −${action.percent} %`;
    case 'BUNDLE_FIXED_PRICE':
      return `Bundle for ${money(action.priceMinor)}`;
    case 'FREE_SHIPPING':
      return 'Free shipping';
    case 'GIFT':
      return 'Free gift';
  }
}
